"""The worker pool directly: hardening, the kill backstop, crashes, recycling, the
realm's cleanliness and the JavaScript runner's test jobs."""

import contextlib
import os
import signal
import time

import pytest

from learning.coding.sandbox.backends import pool_config
from learning.coding.sandbox.pool import PoolBusy, PoolConfig, WorkerPool

from .conftest import POOL_LIMITS as LIMITS
from .conftest import pool_job as job


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(PoolConfig(size=2, recycle_after=4))
    assert pool.wait_until_ready(60) == 2 + pool.config.spares
    yield pool
    pool.close()


def test_workers_are_hardened(pool):
    reply = pool.run({"kind": "selfcheck", "language": "javascript"}, wait_s=5, timeout_s=10)
    checks = reply["checks"]
    # no child processes, no programs, no network, no opening files (not even for
    # reading), no signalling other processes, no raising its own limits
    assert checks["fork"] == "EPERM"
    assert checks["spawn"] == "EPERM"
    assert checks["socket"] == "EPERM"
    assert checks["open_for_write"] == "EPERM"
    assert checks["signal_parent"] == "EPERM"
    assert checks["signal_self"] == "allowed"
    assert checks["raise_rlimit"] != "allowed"
    assert checks["read_file"] == "EPERM"
    assert checks["rlimit_fsize"] == 0
    assert checks["rlimit_nofile"] == 64
    assert 0 < checks["rlimit_data"] < 4 * 1024**3
    assert reply["hardening"]["seccomp"] is True


def test_a_worker_that_does_not_answer_is_killed_and_replaced(pool):
    # The worker's own clock allows 10 s; the pool's deadline is 0.5 s: the backstop.
    slow = job("while (true) {}", limits={**LIMITS, "wall_ms": 10_000})
    started = time.monotonic()
    reply = pool.run(slow, wait_s=5, timeout_s=0.5)
    assert reply["status"] == "timeout"
    assert time.monotonic() - started < 3
    assert pool.stats.killed >= 1
    assert pool.run(job("console.log('fine')"), wait_s=10, timeout_s=5)["status"] == "ok"


def test_a_worker_killed_from_outside_mid_job_gives_a_clean_status(pool):
    import threading

    outcome = {}

    def busy():
        endless = job("while (true) {}", limits={**LIMITS, "wall_ms": 10_000})
        outcome["reply"] = pool.run(endless, wait_s=10, timeout_s=15)

    thread = threading.Thread(target=busy)
    thread.start()
    while pool.info()["in_flight"] == 0:
        time.sleep(0.001)
    with pool._cond:  # the worker that got the job (not the idle ones or the spare)
        taken = [worker.pid for worker in pool._all if worker not in pool._idle]
    assert len(taken) == 1
    # Killed before it read the job, the job would go to another worker (a run never
    # fails for a crash not its own): wait until the loop has used 100 ms of CPU.
    began = _cpu_ticks(taken[0])
    while _cpu_ticks(taken[0]) < began + 10:
        time.sleep(0.005)
    with contextlib.suppress(ProcessLookupError):
        os.kill(taken[0], signal.SIGKILL)
    thread.join(20)
    assert outcome["reply"]["status"] in {"memory_limit", "timeout", "error"}
    assert outcome["reply"]["error"]["name"] == "SandboxError"
    # the pool heals: both workers replaced
    for _ in range(3):
        assert pool.run(job("console.log(2)"), wait_s=15, timeout_s=5)["status"] == "ok"


def _cpu_ticks(pid: int) -> int:
    """User and system CPU of a process, in clock ticks (1/100 s), all threads."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def test_an_idle_worker_killed_after_its_tidy_up_costs_the_next_job_nothing():
    """A worker killed while idle, after it tidied up from its last job but before it
    read the next one, must not turn that next job into a crash report: the job never
    reached it. The worker is stopped (SIGSTOP) so the job waits unread in its pipe,
    then killed; the job must go to a replacement and succeed."""
    import threading

    pool = WorkerPool(PoolConfig(size=1, spares=0))
    try:
        assert pool.wait_until_ready(60) == 1
        pid = pool.run(job("1"), wait_s=10, timeout_s=5)["worker"]["pid"]
        time.sleep(0.5)  # its tidy-up after that job is over: it waits for the next
        os.kill(pid, signal.SIGSTOP)
        killer = threading.Timer(0.5, os.kill, (pid, signal.SIGKILL))
        killer.start()
        reply = pool.run(job("console.log('after')"), wait_s=20, timeout_s=5)
        killer.join()
        assert reply["status"] == "ok", reply
        assert reply["stdout"] == [{"level": "log", "text": "after"}]
        assert reply["worker"]["pid"] != pid
        assert pool.stats.lost == 1 and pool.stats.crashed == 0
    finally:
        pool.close()


def test_workers_are_recycled_after_n_runs(pool):
    pids = []
    for _ in range(12):
        reply = pool.run(job("console.log(1)"), wait_s=15, timeout_s=5)
        assert reply["status"] == "ok"
        pids.append(reply["worker"]["pid"])
        assert reply["worker"]["served"] <= 4
    assert len(set(pids)) >= 3  # 12 runs, 4 per worker life
    assert pool.stats.retired >= 2


def test_busy_pool_refuses_after_the_bounded_wait():
    import threading

    pool = WorkerPool(PoolConfig(size=1))
    try:
        assert pool.wait_until_ready(60) == 1 + pool.config.spares
        endless = job("while (true) {}", limits={**LIMITS, "wall_ms": 5000})
        thread = threading.Thread(target=pool.run, args=(endless,), kwargs={"wait_s": 5, "timeout_s": 10})
        thread.start()
        while pool.info()["in_flight"] == 0:
            time.sleep(0.001)
        with pytest.raises(PoolBusy):
            pool.run(job("1"), wait_s=0.1, timeout_s=5)
        thread.join(10)
    finally:
        pool.close()


def test_no_state_survives_between_runs_on_the_same_worker(pool):
    for _ in range(6):
        reply = pool.run(
            job("console.log(typeof counter); globalThis.counter = 1; Object.prototype.x = 1"),
            wait_s=10,
            timeout_s=5,
        )
        assert reply["stdout"] == [{"level": "log", "text": "undefined"}]


def test_test_jobs_give_per_test_verdicts(pool):
    reply = pool.run(
        {
            "kind": "tests",
            "language": "javascript",
            "files": [
                {"name": "main.js", "content": "function add(a, b) { return a + b }\nconsole.log(readline())"}
            ],
            "limits": LIMITS,
            "tests": [
                {"id": "a", "kind": "assert", "code": "assert.strictEqual(add(1, 2), 3)"},
                {"id": "b", "kind": "assert", "code": "assert.deepEqual([add(1, 1)], [3], 'wrong sum')"},
                {"id": "c", "kind": "io", "input": "hello\n", "expected": "hello\n"},
                {"id": "d", "kind": "io", "input": "x", "expected": "y"},
                {
                    "id": "e",
                    "kind": "assert",
                    "code": "await new Promise((r) => setTimeout(r, 5)); assert.isOk(1)",
                },
                {"id": "f", "kind": "assert", "code": "while (true) {}"},
            ],
        },
        wait_s=10,
        timeout_s=20,
    )
    verdicts = {t["id"]: t for t in reply["tests"]}
    assert [verdicts[k]["passed"] for k in "abcdef"] == [True, False, True, False, True, False]
    assert "wrong sum" in verdicts["b"]["message"]
    assert "Expected output 'y', got 'x'" in verdicts["d"]["message"]
    assert verdicts["f"]["status"] == "timeout"


def test_learner_code_cannot_forge_a_test_verdict(pool):
    cheat = """
    try { __mrict.runTest('guess', async () => {}) } catch (e) {}
    setTimeout(() => { try { __mrict.runTest('guess', async () => {}) } catch (e) {} }, 1);
    try { assert = { equal() {} } } catch (e) {}
    try { assert.equal = () => {} } catch (e) {}
    function answer() { return 41 }
    """
    reply = pool.run(
        {
            "kind": "tests",
            "language": "javascript",
            "files": [{"name": "main.js", "content": cheat}],
            "limits": LIMITS,
            "tests": [{"id": 1, "kind": "assert", "code": "assert.equal(answer(), 42)"}],
        },
        wait_s=10,
        timeout_s=10,
    )
    assert reply["tests"][0]["passed"] is False
    assert "expected 41 to equal 42" in reply["tests"][0]["message"]


def test_pool_config_follows_settings(settings):
    settings.SANDBOX_POOL_SIZE = 5
    settings.SANDBOX_RECYCLE_AFTER = 7
    settings.SANDBOX_V8_FLAGS = ["--jitless"]
    config = pool_config()
    assert (config.size, config.recycle_after, config.v8_flags) == (5, 7, ("--jitless",))


@pytest.mark.serial  # CPU-time thresholds: run alone (`make test`)
def test_a_cpu_hungry_run_is_reniced_and_its_worker_serves_on_at_full_priority():
    """A run that has used slow_after_ms of CPU yields the CPU: its isolate's thread
    (V8 runs each isolate on a thread of its own) is reniced and moved to SCHED_IDLE;
    a run that only waits keeps normal priority. The worker is not replaced: the
    reniced thread ends with its isolate, and the next run on the same worker has
    normal priority throughout."""
    import threading

    limits = {**LIMITS, "wall_ms": 5000}
    slow = WorkerPool(PoolConfig(size=1, spares=0, slow_after_ms=300, slow_nice=7))

    def priorities(pid):
        """{tid: (nice, scheduling policy)} of every thread of the worker."""
        found = {}
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                found[int(tid)] = (os.getpriority(os.PRIO_PROCESS, int(tid)), os.sched_getscheduler(int(tid)))
        return found

    try:
        assert slow.wait_until_ready(60) == 1
        waiting = slow.run(
            job("setTimeout(() => console.log('late'), 400)", limits=limits), wait_s=15, timeout_s=8
        )
        assert waiting["stdout"] == [{"level": "log", "text": "late"}]
        assert slow.stats.reniced_runs == 0
        seen = {}
        stop = threading.Event()
        pid = waiting["worker"]["pid"]

        def watch():
            while not stop.is_set():
                with contextlib.suppress(OSError):
                    for tid, nice in priorities(pid).items():
                        seen.setdefault(nice, set()).add(tid)
                time.sleep(0.02)

        watcher = threading.Thread(target=watch)
        watcher.start()
        busy = slow.run(
            job("const t = Date.now(); while (Date.now() - t < 2500) {} console.log('done')", limits=limits),
            wait_s=15,
            timeout_s=8,
        )
        stop.set()
        watcher.join()
        assert busy["status"] == "ok"
        assert busy["stdout"] == [{"level": "log", "text": "done"}]
        assert busy["worker"]["pid"] == pid
        slowed = seen.get((7, os.SCHED_IDLE), set())
        assert len(slowed) == 1, seen  # one thread, the program's
        assert pid not in slowed  # never the worker's main thread
        assert slow.stats.reniced_runs == 1
        after = slow.run(job("console.log(2)"), wait_s=15, timeout_s=5)
        assert after["status"] == "ok"
        assert after["worker"]["pid"] == pid  # the same worker, not a replacement
        assert slow.stats.started == 1
        time.sleep(0.2)  # it has pre-warmed its next isolate
        assert set(priorities(pid).values()) == {(0, os.SCHED_OTHER)}
        assert not slowed & set(priorities(pid))  # the reniced thread ended with its isolate
    finally:
        slow.close()
