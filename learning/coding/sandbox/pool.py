"""The pool of sandbox worker processes, as seen from the process that owns it (the web
process in embedded mode, `manage.py sandbox_server` in service mode). No V8 here:
this side only starts processes, hands them jobs and watches the clock.

- Each worker is a fresh interpreter (`python -I worker.py`), started with fork+exec
  from a process that never loaded V8. It reports `ready` once V8 is up and it has
  hardened itself.
- A job goes to the worker idle the longest (it has pre-warmed its next isolate by
  then); the caller waits at most `wait_s` for one (PoolBusy).
- The worker enforces the wall time itself (V8 TerminateExecution). The pool is the
  backstop: a worker that has not answered by the job's hard deadline is killed
  (SIGKILL) and replaced, and the caller gets a clean `timeout` result. A worker that
  dies mid-job (a V8 fatal error, the kernel's OOM killer, RLIMIT_CPU) is replaced
  too, and the caller gets `memory_limit` or `error` from how it died.
- Workers retire after `recycle_after` jobs (they say so in their last reply) and a
  fresh one takes their place, so slow leaks never accumulate.
- A job that has used `slow_after_ms` of CPU has the threads running it reniced to
  `slow_nice` and (`slow_idle`) put in the SCHED_IDLE class, so a runaway loop only
  gets CPU that short runs and the web process leave idle. (Measured with the attack
  payloads running at 100 hello-world runs/s: p50 9.1-12.2 ms with SCHED_IDLE against
  10.6-16.6 ms with nice 10 alone.)
  Each V8 isolate runs on a thread of its own that ends with it, so only that thread
  is reniced (the worker reports its long-lived threads, which keep their priority)
  and the worker serves on at full priority. (An unprivileged process cannot raise a
  priority again, so reniced whole workers had to be replaced, and an interpreter
  start costs ~150 ms of CPU: more than most runaway runs it was meant to contain.)
- Replacements start in a background thread: a request never waits for an
  interpreter to boot unless the pool has no worker at all.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import hardening, protocol

log = logging.getLogger("mrict.sandbox")
WORKER_SCRIPT = Path(__file__).resolve().parent / "worker.py"
BROWSER_WORKER_SCRIPT = Path(__file__).resolve().parent / "browser_worker.py"
V8, BROWSER = "v8", "browser"  # PoolConfig.engine: what a worker runs
ROOT = Path(__file__).resolve().parents[3]
_CLK_TCK = os.sysconf("SC_CLK_TCK")


class PoolBusy(Exception):
    """No worker became free within the wait."""


class SandboxUnavailable(Exception):
    """Workers cannot be started (or the sandbox service cannot be reached)."""


class WorkerDied(Exception):
    pass


class WorkerTimeout(Exception):
    pass


class WorkerLost(Exception):
    """The worker died before it took the job: outside this run (the previous run's
    aftermath, the OOM killer, a kill from outside). The job is retried elsewhere."""


@dataclass(frozen=True)
class PoolConfig:
    size: int = 2
    recycle_after: int = 500
    languages: tuple[str, ...] = ("javascript", "web")
    v8_flags: tuple[str, ...] = ()
    chai_path: str = str(Path(__file__).resolve().parent / "vendor" / "chai.js")
    dom_path: str = str(Path(__file__).resolve().parent / "vendor" / "linkedom.js")
    web_warm_isolates: int = 2  # SANDBOX_WEB_WARM_ISOLATES (runners/web.py)
    extra_data_mb: int = 256
    nofile: int = 64
    cpu_seconds: int = 3600
    seccomp: bool = True
    user: str = hardening.AUTO_USER  # SANDBOX_WORKER_USER: whom the worker becomes (hardening.py)
    grace_ms: int = 1500
    start_timeout_s: float = 30.0
    slow_after_ms: int = 0  # 0: never lower a run's priority
    slow_nice: int = 10
    slow_idle: bool = True  # also SCHED_IDLE: run only on CPU nothing else wants
    spares: int = 1  # workers started beyond `size`, so a crash never makes a run wait for a start
    restart_nice: int = 10  # a replacement for a crashed or killed worker boots at this nice
    lost_retries: int = 3  # a job whose worker died before taking it is retried this often
    # --- browser workers (engine "browser": style tests in Chromium, browser_worker.py) ---
    engine: str = V8
    browser_path: str = "/usr/bin/chromium"
    browser_heap_mb: int = 128
    browser_memory_mb: int = 1024  # RLIMIT_DATA of every browser process
    browser_sandbox: str = "auto"  # Chromium's own sandbox: auto | on | off
    namespaces: str = "auto"  # own PID + network namespace per browser worker: auto | on | off
    warm_contexts: int = 1

    def worker_config(self) -> dict:
        data = asdict(self)
        data["languages"] = list(self.languages)
        data["v8_flags"] = list(self.v8_flags)
        data["user"] = hardening.resolve_worker_user(self.user)
        return data

    def command(self) -> list[str]:
        """The worker's command line up to its own arguments."""
        if self.engine != BROWSER:
            return [sys.executable, "-I", str(WORKER_SCRIPT)]
        prefix = UNSHARE_PREFIX if use_namespaces(self.namespaces) else []
        return [*prefix, sys.executable, "-I", str(BROWSER_WORKER_SCRIPT)]


# A browser worker in a PID and a network namespace of its own: no network at all, and
# when the pool kills `unshare`, its child (PID 1 there) gets SIGKILL (--kill-child) and
# the kernel ends every process of the namespace with it: no Chromium outlives a kill.
UNSHARE_PREFIX = ["unshare", "--pid", "--net", "--fork", "--kill-child"]
_namespaces_ok: bool | None = None


def use_namespaces(setting: str) -> bool:
    """`auto`: when this process can make them (root, or CAP_SYS_ADMIN; not in a
    container that dropped it), probed once by running `unshare ... true`."""
    global _namespaces_ok  # noqa: PLW0603 - one probe per process
    value = (setting or "auto").lower()
    if value in ("off", "false", "0", "no"):
        return False
    if _namespaces_ok is None:
        unshare = shutil.which("unshare", path="/usr/bin:/bin")
        try:
            _namespaces_ok = bool(unshare) and (
                subprocess.run(
                    [unshare, "--pid", "--net", "--fork", "--kill-child", "true"],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    timeout=10,
                    check=False,
                ).returncode
                == 0
            )
        except (OSError, subprocess.SubprocessError):
            _namespaces_ok = False
        if not _namespaces_ok:
            log.warning("browser workers run WITHOUT a PID and network namespace of their own (no unshare)")
    if value in ("on", "true", "1", "yes") and not _namespaces_ok:
        raise SandboxUnavailable("WEB_BROWSER_NAMESPACES is on but unshare --pid --net fails here")
    return _namespaces_ok


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, from /proc (children first found, then theirs)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                parents[int(entry)] = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                found.append(child)
                frontier.append(child)
    return found


class Worker:
    """The parent's handle on one worker process."""

    def __init__(self, config: PoolConfig, *, nice: int = 0):
        self.config = config
        self.nice = nice
        child_read, self._to = os.pipe()
        self._from, child_write = os.pipe()
        worker_config = {**config.worker_config(), "start_nice": nice}
        self.home = None
        if config.engine == BROWSER:
            # its HOME and TMPDIR (Chromium's profile): private to the browser user
            self.home = tempfile.mkdtemp(prefix="mrict-browser-")
            if worker_config["user"]:
                os.chown(self.home, int(worker_config["user"][0]), int(worker_config["user"][1]))
            worker_config["home"] = self.home
            with contextlib.suppress(OSError):
                worker_config["parent_netns"] = os.readlink("/proc/self/ns/net")
        try:
            self.proc = subprocess.Popen(
                [
                    *config.command(),
                    str(ROOT),
                    json.dumps(worker_config),
                    str(child_read),
                    str(child_write),
                ],
                pass_fds=(child_read, child_write),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"},
                cwd=str(ROOT),
                start_new_session=True,
            )
        finally:
            os.close(child_read)
            os.close(child_write)
        self.pid = self.proc.pid
        self.served = 0
        self.hardening: dict = {}
        self.service_tids: set[int] = set()
        self.dead = False
        self.reniced_tids: set[int] = set()

    def wait_ready(self, timeout_s: float) -> None:
        hello = self._receive(time.monotonic() + timeout_s)
        if not hello.get("ready"):
            raise WorkerDied("worker did not report ready")
        self.hardening = hello.get("hardening", {})
        if self.hardening.get("seccomp_missing") and not _warned_no_seccomp:
            _warn_no_seccomp(self.hardening["seccomp_missing"])
        self.service_tids = {int(t) for t in hello.get("service_tids") or () if isinstance(t, int)}
        if self.nice:
            self.restore_priority()

    def restore_priority(self) -> None:
        """A worker booted at a low priority (a replacement after a crash: its
        interpreter start must not compete with other users' runs) serves at normal
        priority where the pool may raise it again (CAP_SYS_NICE); elsewhere it keeps
        its low priority for its life. Threads are reniced one by one (nice is per
        thread on Linux, and new threads inherit their creator's)."""
        try:
            tids = [int(t) for t in os.listdir(f"/proc/{self.pid}/task")]
        except OSError:
            return
        try:
            for tid in tids:
                with contextlib.suppress(ProcessLookupError):
                    os.setpriority(os.PRIO_PROCESS, tid, 0)
        except PermissionError:
            return
        self.nice = 0

    def alive(self) -> bool:
        return not self.dead and self.proc.poll() is None

    def _receive(self, deadline: float) -> dict:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerTimeout
            try:
                readable, _, _ = select.select([self._from], [], [], remaining)
            except InterruptedError:
                continue
            if readable:
                try:
                    return protocol.read_frame(self._from)
                except (EOFError, OSError, ValueError, protocol.ProtocolError) as exc:
                    raise WorkerDied(str(exc)) from exc

    def call(self, job: dict, timeout_s: float) -> dict:
        # The worker closes a job's isolates before it reads the next job, so the
        # threads reniced last time are gone (and their ids free for reuse).
        self.reniced_tids.clear()
        try:
            protocol.write_frame(self._to, job)
        except OSError as exc:  # broken pipe: it died while idle
            raise WorkerLost(str(exc)) from exc
        # It answers "taken" when it reads the job, after tidying up from its last
        # one: a death (or hang) before that frame is not this job's doing, even when
        # the kill came while it sat idle. A slow tidy-up on a busy machine only adds
        # latency: the job's own clock starts once the worker has taken it.
        try:
            taken = self._receive(time.monotonic() + timeout_s)
        except (WorkerDied, WorkerTimeout) as exc:
            raise WorkerLost(str(exc) or "the job was not taken") from exc
        if not taken.get("taken"):
            raise WorkerDied("worker out of step")
        deadline = time.monotonic() + timeout_s
        slow_s = self.config.slow_after_ms / 1000
        while True:
            check = deadline
            if slow_s:
                check = min(deadline, time.monotonic() + slow_s)
            try:
                reply = self._receive(check)
                break
            except WorkerTimeout:
                if check >= deadline:
                    raise
                # Most jobs end before the first check and never pay for it.
                self.deprioritize()
        self.served += 1
        return reply

    def deprioritize(self) -> None:
        """Lower the priority of the threads that have used slow_after_ms of CPU:
        CPU, not wall time, so a run waiting on a timer or slowed down by a busy
        machine keeps its priority. The candidates are the worker's threads but its
        long-lived ones: the isolate threads, fresh for each run (nice is per thread
        on Linux). Checked at every interval, so a test job's next isolate is caught
        too."""
        slow_s = self.config.slow_after_ms / 1000
        try:
            tids = [int(t) for t in os.listdir(f"/proc/{self.pid}/task")]
        except OSError:
            return
        for tid in tids:
            if tid in self.service_tids or tid in self.reniced_tids:
                continue
            try:
                with open(f"/proc/{self.pid}/task/{tid}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                if (int(fields[11]) + int(fields[12])) / _CLK_TCK >= slow_s:
                    # never below the worker's own nice (lowering it needs a privilege)
                    os.setpriority(os.PRIO_PROCESS, tid, max(self.config.slow_nice, self.nice))
                    if self.config.slow_idle:
                        with contextlib.suppress(OSError):  # e.g. a runtime without SCHED_IDLE
                            os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))
                    self.reniced_tids.add(tid)
            except (OSError, IndexError, ValueError):
                continue  # the thread ended meanwhile

    def kill(self) -> int | None:
        self.dead = True
        # A browser worker's driver and Chromium (which Playwright starts in sessions of
        # their own) go with it: in its PID namespace the kernel sees to that; without
        # one, every process below it is killed here too.
        family = descendants(self.pid) if self.config.engine == BROWSER else []
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        for pid in family:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        self.close_fds()
        self.remove_home()
        return code

    def remove_home(self) -> None:
        if self.home:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None

    def retire(self) -> None:
        """It said it is leaving: reap it without a signal."""
        self.dead = True
        self.close_fds()
        try:
            self.proc.wait(timeout=15 if self.config.engine == BROWSER else 5)
        except subprocess.TimeoutExpired:
            self.kill()
        self.remove_home()

    def close_fds(self) -> None:
        for fd in (self._to, self._from):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._to = self._from = -1


@dataclass
class PoolStats:
    started: int = 0
    killed: int = 0
    retired: int = 0
    crashed: int = 0
    lost: int = 0  # died between jobs; their next job was retried on another worker
    spent: int = 0  # retired at once by a run that left its isolate running (V8 ignored the stop)
    jobs: int = 0
    reniced_runs: int = 0  # jobs whose isolate threads were reniced
    busy_rejections: int = 0
    last_hardening: dict = field(default_factory=dict)


class WorkerPool:
    def __init__(self, config: PoolConfig):
        self.config = config
        self.owner_pid = os.getpid()
        self._cond = threading.Condition()
        # FIFO: a job goes to the worker idle the longest, which has had the most time
        # to pre-warm its next isolate (the one just released is usually still busy
        # doing that, and would make the job wait for it).
        self._idle: deque[Worker] = deque()
        self._all: set[Worker] = set()
        self._starting = 0
        self._in_flight = 0  # at most config.size; the spares stand by for crashes
        self._closed = False
        self._start_failures = 0
        self.stats = PoolStats()
        for _ in range(config.size + config.spares):
            self._spawn_async()
        atexit.register(self.close)

    # --- workers coming and going ---

    def _spawn_async(self, *, nice: int = 0) -> None:
        with self._cond:
            if self._closed:
                return
            self._starting += 1
        threading.Thread(target=self._spawn, kwargs={"nice": nice}, name="sandbox-spawn", daemon=True).start()

    def _spawn(self, nice: int = 0) -> None:
        worker = None
        try:
            worker = Worker(self.config, nice=nice)
            worker.wait_ready(self.config.start_timeout_s)
        except Exception as exc:  # noqa: BLE001 - reported, and the pool retries
            log.error("sandbox worker failed to start: %s", exc)
            if worker is not None:
                worker.kill()
            with self._cond:
                self._starting -= 1
                self._start_failures += 1
                failures = self._start_failures
                self._cond.notify_all()
            if failures <= 20 and not self._closed:
                time.sleep(min(5.0, 0.1 * failures))
                self._spawn_async(nice=nice)
            return
        with self._cond:
            self._starting -= 1
            self._start_failures = 0
            self.stats.started += 1
            self.stats.last_hardening = worker.hardening
            if self._closed:
                worker.kill()
                return
            self._all.add(worker)
            self._idle.append(worker)
            self._cond.notify()

    def _acquire(self, wait_s: float) -> Worker:
        deadline = time.monotonic() + wait_s
        cold_deadline = time.monotonic() + max(wait_s, self.config.start_timeout_s)
        with self._cond:
            while not self._idle or self._in_flight >= self.config.size:
                if self._closed:
                    raise SandboxUnavailable("the sandbox pool is closed")
                if not self._all and not self._starting and self._start_failures:
                    raise SandboxUnavailable("no sandbox worker could be started")
                remaining = deadline - time.monotonic()
                if remaining <= 0 and not self._all and self._starting:
                    # a cold pool (its first workers still booting; a browser worker
                    # takes seconds): wait for one rather than call it busy
                    remaining = cold_deadline - time.monotonic()
                if remaining <= 0:
                    self.stats.busy_rejections += 1
                    raise PoolBusy
                self._cond.wait(remaining)
            # The worker idle the longest, preferring one at normal priority.
            worker = next((w for w in self._idle if not w.nice), self._idle[0])
            self._idle.remove(worker)
            self._in_flight += 1
            return worker

    def _release(self, worker: Worker) -> None:
        with self._cond:
            self._in_flight -= 1
            self._idle.append(worker)
            self._cond.notify()

    def _drop(self, worker: Worker, *, crashed: bool = False) -> None:
        """Forget a worker that is gone and start its replacement in the background;
        after a crash or a kill, at a low priority (restart_nice): restarts must not
        load the machine other users' runs share."""
        with self._cond:
            self._in_flight -= 1
            self._all.discard(worker)
            self._cond.notify()
        self._spawn_async(nice=self.config.restart_nice if crashed else 0)

    # --- the one public operation ---

    def run(self, job: dict, *, wait_s: float, timeout_s: float) -> dict:
        """Run `job` on a worker. Always returns a result dict (protocol.py), except
        PoolBusy (no worker within wait_s) and SandboxUnavailable.

        A run never fails because of another run: a worker found dead, or that dies
        before it takes the job (it answers `taken` first), is replaced and the job goes
        to another worker. A reply's `worker.lost_worker` is true when this run cost
        the pool its worker (it crashed it, had it killed, or left it unusable), so
        the caller can slow down an account that keeps doing that."""
        deadline = time.monotonic() + wait_s
        for attempt in range(self.config.lost_retries + 1):
            wait = max(0.0, deadline - time.monotonic())
            # a retry is not the caller's wait: it may need a replacement to boot
            worker = self._acquire(max(wait, 2.0) if attempt else wait)
            if not worker.alive():
                self._lose(worker)
                continue
            try:
                return self._run_on(worker, job, timeout_s)
            except WorkerLost:
                self._lose(worker)
        raise SandboxUnavailable("sandbox workers keep dying before they take a job")

    def _lose(self, worker: Worker) -> None:
        code = worker.kill()
        self.stats.lost += 1
        self._drop(worker, crashed=True)
        log.warning(
            "sandbox worker %s died between jobs (exit %s); the job goes to another", worker.pid, code
        )

    def _run_on(self, worker: Worker, job: dict, timeout_s: float) -> dict:
        started = time.perf_counter()
        try:
            reply = worker.call(job, timeout_s)
        except WorkerTimeout:
            worker.kill()
            self.stats.killed += 1
            self._drop(worker, crashed=True)
            log.warning("sandbox worker %s killed after %.1f s", worker.pid, timeout_s)
            return _lost_worker(
                protocol.crashed_result(
                    protocol.TIMEOUT,
                    "The program did not stop in time.",
                    (time.perf_counter() - started) * 1000,
                ),
                worker,
            )
        except WorkerDied:
            code = worker.kill()
            self.stats.crashed += 1
            self._drop(worker, crashed=True)
            status = _status_for_exit(code)
            log.warning("sandbox worker %s died mid-job (exit %s)", worker.pid, code)
            message = (
                "The program ran out of memory and stopped the sandbox."
                if status == protocol.MEMORY_LIMIT
                else "The sandbox stopped the program."
            )
            return _lost_worker(
                protocol.crashed_result(status, message, (time.perf_counter() - started) * 1000), worker
            )
        self.stats.jobs += 1
        if worker.reniced_tids:
            self.stats.reniced_runs += 1
        info = reply.get("worker") or {}
        if info.get("spent"):
            # Its isolate ignored the stop (a runaway inside a V8 builtin): it must
            # not serve anyone else. Kill it now rather than wait for it to exit.
            worker.kill()
            self.stats.spent += 1
            self._drop(worker, crashed=True)
            log.warning("sandbox worker %s retired at once: its run's isolate did not stop", worker.pid)
            _lost_worker(reply, worker)
        elif info.get("retiring"):
            worker.retire()
            self.stats.retired += 1
            self._drop(worker)
        else:
            self._release(worker)
        return reply

    def wait_until_ready(self, timeout_s: float) -> int:
        """Block until every worker (size + spares) is up (or the timeout); returns how
        many are."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self._starting and time.monotonic() < deadline:
                self._cond.wait(max(0.0, deadline - time.monotonic()))
            return len(self._all)

    def info(self) -> dict:
        with self._cond:
            return {
                "size": self.config.size,
                "spares": self.config.spares,
                "in_flight": self._in_flight,
                "alive": len(self._all),
                "idle": len(self._idle),
                "starting": self._starting,
                "stats": asdict(self.stats),
            }

    def close(self) -> None:
        with self._cond:
            if self._closed:
                return
            self._closed = True
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
            self._cond.notify_all()
        for worker in workers:
            worker.kill()


_warned_no_seccomp = False


def _warn_no_seccomp(reason: str) -> None:
    global _warned_no_seccomp  # noqa: PLW0603 - once per process is enough
    _warned_no_seccomp = True
    log.warning("sandbox workers run WITHOUT a seccomp filter (SANDBOX_SECCOMP is on): %s", reason)


def _lost_worker(result: dict, worker: Worker) -> dict:
    result.setdefault("worker", {"pid": worker.pid})
    result["worker"]["lost_worker"] = True
    return result


def _status_for_exit(code: int | None) -> str:
    if code in (-signal.SIGXCPU,):
        return protocol.TIMEOUT
    if code in (-signal.SIGKILL, -signal.SIGABRT, -signal.SIGTRAP):
        # V8's fatal out-of-memory ends in a trap (SIGTRAP, seen with RLIMIT_DATA
        # reached) or an abort; the kernel's OOM killer sends SIGKILL.
        return protocol.MEMORY_LIMIT
    return protocol.ERROR
