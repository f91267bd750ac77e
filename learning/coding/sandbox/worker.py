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
import os
import signal
import sys
import threading


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
    last = {"runner": None}

    def handle(job: dict) -> tuple[dict, bool]:
        runner = last["runner"] = runners.get(job.get("language", "javascript"))
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
        return reply, bool(runner is not None and getattr(runner, "spent", False))

    def idle() -> None:
        if last["runner"] is not None:
            last["runner"].idle()

    protocol.serve_jobs(read_fd, write_fd, handle, recycle_after=int(config["recycle_after"]), idle=idle)


def main(argv: list[str]) -> None:
    if argv[1] not in sys.path:
        sys.path.insert(0, argv[1])
    from learning.coding.sandbox.protocol import worker_main

    worker_main(argv, serve)


if __name__ == "__main__":
    main(sys.argv)
