"""A browser worker: `python -I browser_worker.py ROOT CONFIG_JSON READ_FD WRITE_FD`.

The style-test half of the sandbox pool (pool.py starts it when its engine is
`browser`, in the web process's pool or in the sandbox service's). It speaks the V8
worker's protocol (`ready`, then per job `taken` and the reply, `retiring` after
`recycle_after` jobs), so the pool's hard deadline, replacement and crash accounting
apply unchanged. Before Chromium starts it contains itself:

1. limits, inherited by the Playwright driver and by every Chromium process:
   RLIMIT_DATA (`memory_mb`: private writable memory per process; V8's and
   PartitionAlloc's address-space reservations are not counted, so Chromium runs under
   it, and Chromium lowers it further for its renderers), RLIMIT_CPU (a last resort per
   process; the pool kills a worker past a job's deadline long before), RLIMIT_FSIZE
   (the profile lives in a private temporary directory), RLIMIT_CORE=0;
2. identity: when the pool runs as root it passes an unprivileged user
   (WEB_BROWSER_USER, `nobody` by default); the worker drops to it (no supplementary
   groups) after its imports and before anything starts. Its HOME and TMPDIR are a
   private directory the pool made for that user (removed when the worker ends);
3. Chromium's own sandbox (namespaces + seccomp-BPF for renderers) is then possible:
   it needs an unprivileged user namespace, which the worker probes (a forked child
   calls unshare(CLONE_NEWUSER)). `sandbox: auto` turns it on when the probe passes, and
   reports why not otherwise (e.g. a container whose seccomp profile forbids
   namespaces); `on` insists (start fails), `off` never.

The pool (as root) also starts the worker in a PID and a network namespace of its own
(`unshare --pid --net --fork --kill-child`): no interface but a loopback that is down,
and killing the worker kills every process it started (the kernel ends a PID namespace
with its first process). What the worker reports on `ready` (`hardening`) and on a
`selfcheck` job says which of these hold here.

Nothing here imports Django.
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import signal
import sys

CLONE_NEWUSER = 0x10000000


def _userns_allowed() -> tuple[bool, str]:
    """Can this process (its user, its seccomp profile) create a user namespace?
    Probed in a forked child, so the worker itself stays where it is."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        libc = ctypes.CDLL(None, use_errno=True)
        code = 0 if libc.unshare(CLONE_NEWUSER) == 0 else (ctypes.get_errno() or 1)
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return True, ""
    name = errno.errorcode.get(code, str(code))
    return False, f"unshare(CLONE_NEWUSER) fails here with {name}: no unprivileged user namespaces"


def contain(config: dict) -> dict:
    """Limits, then identity, then the sandbox decision (see the module docstring)."""
    from learning.coding.sandbox import hardening

    report: dict = {"engine": "browser"}
    memory = int(config["browser_memory_mb"]) * 1024 * 1024
    limits = {
        "RLIMIT_DATA": memory,
        "RLIMIT_CPU": int(config["cpu_seconds"]),
        "RLIMIT_FSIZE": 64 * 1024 * 1024,
        "RLIMIT_CORE": 0,
    }
    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (value, value))
    report["rlimits"] = limits
    parent_netns = config.get("parent_netns") or ""
    try:
        own = os.readlink("/proc/self/ns/net")
        report["own_network_namespace"] = bool(parent_netns) and own != parent_netns
    except OSError:
        report["own_network_namespace"] = False
    report["own_pid_namespace"] = os.getpid() == 1
    home = config.get("home") or ""
    user = config.get("user")
    if user:
        uid, gid = int(user[0]), int(user[1])
        hardening.drop_identity(uid, gid)
    report["user"] = [os.getuid(), os.getgid()]
    if home:
        for name in ("HOME", "TMPDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            os.environ[name] = home
    wanted = str(config.get("browser_sandbox") or "auto").lower()
    if wanted in ("off", "false", "0", "no"):
        sandbox, why = False, "WEB_BROWSER_SANDBOX is off"
    elif os.geteuid() == 0:
        # never reached with the pool's defaults: it passes a user to drop to
        sandbox, why = False, "the browser worker runs as root (Chromium's sandbox refuses root)"
    else:
        sandbox, why = _userns_allowed()
        if not sandbox and wanted in ("on", "true", "1", "yes"):
            raise RuntimeError(f"WEB_BROWSER_SANDBOX is on but Chromium's sandbox cannot start: {why}")
    report["chromium_sandbox"] = sandbox
    if not sandbox:
        report["chromium_sandbox_missing"] = why
    return report


def selfcheck(grader, job: dict, report: dict) -> dict:
    """What a page that escaped its renderer into the browser process would hit."""
    import socket

    def probe(fn) -> str:
        try:
            fn()
        except OSError as exc:
            return errno.errorcode.get(exc.errno or 0, str(exc.errno))
        return "allowed"

    def read(path):
        def go():
            with open(path, "rb") as f:
                f.read(1)

        return go

    def connect(address):
        def go():
            with socket.create_connection((address[0], int(address[1])), timeout=2):
                pass

        return go

    connect_to = job.get("connect_to")
    return {
        "ids": {"uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups()},
        "read_paths": {path: probe(read(path)) for path in job.get("read_paths") or ()},
        "connect": probe(connect(connect_to)) if connect_to else None,
        "chromium": grader.sandbox_status(),
        "browser_pids": _descendant_uids(),
        "hardening": report,
    }


def _descendant_uids() -> dict:
    """{pid: uid} of this worker's processes (the driver, the browser, its children)."""
    # /proc is the host's: its pids, not this PID namespace's (where the worker is 1)
    me = int(os.readlink("/proc/self"))
    parents, uids = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                status = f.read()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        try:
            parents[int(entry)] = int(fields["PPid"].strip())
            uids[int(entry)] = int(fields["Uid"].split()[0])
        except (KeyError, ValueError, IndexError):
            continue
    found, frontier = {}, [me]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = uids[pid]
                frontier.append(pid)
    return {str(pid): uid for pid, uid in found.items()}


def serve(config: dict, read_fd: int, write_fd: int) -> None:
    # Everything the worker needs later is imported before it becomes a user that may
    # not read the interpreter's own files (a pyenv under /root).
    import asyncio.subprocess  # noqa: F401 - Playwright starts its driver with it
    import encodings.idna  # noqa: F401 - socket.create_connection (the selfcheck's probe)
    import socket  # noqa: F401

    import playwright.async_api  # noqa: F401

    from learning.coding.sandbox import protocol
    from learning.coding.sandbox.browser import BrowserGrader

    report = contain(config)
    grader = BrowserGrader(
        executable=config["browser_path"],
        heap_mb=int(config["browser_heap_mb"]),
        sandbox=bool(report["chromium_sandbox"]),
        chai_path=config["chai_path"],
        warm_contexts=int(config.get("warm_contexts", 1)),
    )
    grader.start(float(config.get("start_timeout_s", 60)))
    hello = {"ready": True, "pid": os.getpid(), "hardening": report, "service_tids": []}
    protocol.write_frame(write_fd, hello)

    def handle(job: dict) -> tuple[dict, bool]:
        try:
            if job.get("kind") == "tests":
                reply = grader.run_tests(
                    files=job["files"], tests=job["tests"], limits=job["limits"], entry=job.get("entry")
                )
            elif job.get("kind") == "selfcheck":
                reply = {"status": "ok", "checks": selfcheck(grader, job, report), "hardening": report}
            else:
                reply = {"status": "error", "error": {"name": "SandboxError", "message": "unknown job kind"}}
        except Exception as exc:  # noqa: BLE001 - the browser broke under the job: say so, then leave
            reply = protocol.crashed_result(
                protocol.ERROR, f"The browser failed: {type(exc).__name__}: {str(exc)[:300]}", 0.0
            )
            grader.broken = True
        # a browser that lost its connection (crashed) must not serve the next job
        return reply, grader.broken or not grader.connected()

    protocol.serve_jobs(
        read_fd, write_fd, handle, recycle_after=int(config["recycle_after"]), idle=grader.idle
    )
    grader.close()


def main(argv: list[str]) -> None:
    if argv[1] not in sys.path:
        sys.path.insert(0, argv[1])
    # A write past RLIMIT_FSIZE must fail with EFBIG, not kill the worker.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    from learning.coding.sandbox.protocol import worker_main

    worker_main(argv, serve)


if __name__ == "__main__":
    main(sys.argv)
