"""A sandbox worker process: `python -I worker.py ROOT CONFIG_JSON READ_FD WRITE_FD`.

Started by the pool (pool.py) as a fresh interpreter (fork + exec, never a bare fork
of a process with V8 in it). It loads V8, warms an isolate, then hardens itself
(hardening.py) before reading the first job. It answers jobs one at a time on its two
pipe file descriptors and exits after `recycle_after` jobs or when the pipe closes
(its parent is gone). After each reply it tidies up and warms its next isolate; when
it reads the next job it first answers `taken`: the pool knows a death before that
frame is not the job's doing (it never ran it), and gives the job to another worker.
A run that leaves its isolate running (V8 ignored the stop) makes the worker leave at
once (`spent`), before anyone else's job. Nothing here imports Django.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import threading
import time


def _load_runner(language: str):
    from learning.coding.sandbox.protocol import RUNNERS

    module_name, class_name = RUNNERS[language].split(":")
    return getattr(importlib.import_module(module_name), class_name)()


def start(config: dict) -> tuple[dict, dict]:
    """Load and warm every runner, then harden (hardening.py): from here on the process
    opens no file. Returns the runners and the hardening report."""
    from learning.coding.sandbox import hardening

    # A write past RLIMIT_FSIZE must fail with EFBIG, not kill the worker.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    runners = {}
    for language in config["languages"]:
        runner = _load_runner(language)
        runner.start(config)
        runners[language] = runner
    report = hardening.harden(
        extra_data_bytes=int(config["extra_data_mb"]) * 1024 * 1024,
        nofile=int(config["nofile"]),
        cpu_seconds=int(config["cpu_seconds"]),
        seccomp=bool(config["seccomp"]),
        user=config.get("user"),
    )
    return runners, report


def serve(config: dict, read_fd: int, write_fd: int) -> None:
    from learning.coding.sandbox import hardening, protocol

    runners, report = start(config)
    service_tids = [threading.get_native_id()] + [t for r in runners.values() for t in r.service_thread_ids()]
    protocol.write_frame(
        write_fd, {"ready": True, "pid": os.getpid(), "hardening": report, "service_tids": service_tids}
    )
    served = 0
    recycle_after = int(config["recycle_after"])
    while True:
        try:
            job = protocol.read_frame(read_fd)
        except EOFError:
            return
        protocol.write_frame(write_fd, {"taken": True})
        started = time.perf_counter()
        runner = runners.get(job.get("language", "javascript"))
        if runner is None:
            reply = {"status": "error", "error": {"name": "SandboxError", "message": "unsupported language"}}
        elif job.get("kind") == "run":
            reply = runner.run(files=job["files"], stdin=job.get("stdin") or "", limits=job["limits"])
        elif job.get("kind") == "tests":
            reply = runner.run_tests(
                files=job["files"], tests=job["tests"], limits=job["limits"], entry=job.get("entry")
            )
            if hasattr(runner, "warm_assertions"):
                runner.warm_assertions()
        elif job.get("kind") == "selfcheck":
            checks = hardening.selfcheck(job.get("read_paths") or ())
            reply = {"status": "ok", "checks": checks, "hardening": report}
        else:
            reply = {"status": "error", "error": {"name": "SandboxError", "message": "unknown job kind"}}
        served += 1
        spent = bool(runner is not None and getattr(runner, "spent", False))
        reply["worker"] = {
            "pid": os.getpid(),
            "served": served,
            "retiring": served >= recycle_after or spent,
            "spent": spent,
            "job_ms": round((time.perf_counter() - started) * 1000, 3),
        }
        protocol.write_frame(write_fd, reply)
        if served >= recycle_after or spent:
            return
        if runner is not None:
            runner.idle()


def main(argv: list[str]) -> None:
    root, config_json, read_fd, write_fd = argv[1], argv[2], int(argv[3]), int(argv[4])
    config = json.loads(config_json)
    if config.get("start_nice"):
        # A replacement after a crash boots at a low priority, before anything costly
        # (every thread started from here on inherits it); the pool raises it again
        # once the worker is ready, where it may.
        os.nice(int(config["start_nice"]))
    if root not in sys.path:
        sys.path.insert(0, root)
    code = 0
    try:
        serve(config, read_fd, write_fd)
    except BaseException:  # noqa: BLE001 - the parent sees the exit code and replaces us
        import traceback

        traceback.print_exc()
        code = 1
    # Skip interpreter teardown: V8 isolates and threads need no orderly goodbye.
    os._exit(code)


if __name__ == "__main__":
    main(sys.argv)
