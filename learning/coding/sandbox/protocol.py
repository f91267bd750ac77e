"""What travels between the web process, the pool and its workers. No Django, no V8:
both sides import this.

Frames on a worker's pipes: a 4-byte big-endian length, then UTF-8 JSON.

A job:
    {"kind": "run", "language": "javascript", "files": [{"name", "content"}], "stdin": "",
     "limits": {"wall_ms", "heap_mb", "output_bytes"}}
    {"kind": "tests", "language": ..., "files": [...], "limits": {...}, "entry"?: name,
     "tests": [{"id", "kind": "assert", "code"} | {"id", "kind": "io", "input", "expected"}]}
        (an assertion test sees the content of the file named `entry`, or of the first
        file, as `code`)
    {"kind": "selfcheck", "language": ..., "read_paths"?: [path, ...]}  (pool-side only:
        the sandbox service drops read_paths; see hardening.selfcheck)

A run result:
    {"status": "ok|error|timeout|memory_limit|output_limit",
     "stdout": [{"level": "log|info|warn|error", "text"}], "output_truncated": bool,
     "error": {"name", "message", "line", "column", "file"} | null, "wall_ms": float}
A tests result:
    {"status": "ok" (all tests ran) | a run status (the job as a whole failed),
     "tests": [{"id", "passed", "status", "message", "stdout", "wall_ms"}], "wall_ms"}
    A test's `status` is its run's; an assertion test whose code threw anything but an
    AssertionError (a ReferenceError, a TypeError from the learner's function) is
    `error`, and its message names the error.

Every string a frame carries is safe text once decoded (`decode`): a program can print
lone surrogates (`console.log('\\ud800')`) and NUL, which JSON carries as escapes but
PostgreSQL refuses to store and a UTF-8 response cannot encode. Each becomes U+FFFD
(the replacement character) at this one boundary, so runs, submissions, the sandbox
service and any future consumer see only text that can be stored and sent.
"""

from __future__ import annotations

import json
import os
import re
import struct
import sys
import time
from collections.abc import Callable

OK = "ok"
ERROR = "error"
TIMEOUT = "timeout"
MEMORY_LIMIT = "memory_limit"
OUTPUT_LIMIT = "output_limit"
STATUSES = (OK, ERROR, TIMEOUT, MEMORY_LIMIT, OUTPUT_LIMIT)

# language name -> "module:Class" of its runner (imported inside workers only)
RUNNERS = {
    "javascript": "learning.coding.sandbox.runners.javascript:JavaScriptRunner",
    "web": "learning.coding.sandbox.runners.web:WebRunner",
}
SUPPORTED_LANGUAGES = tuple(RUNNERS)

MAX_FRAME = 32 * 1024 * 1024
_HEADER = struct.Struct(">I")


# A lone surrogate (a valid pair is one code point once decoded) or NUL.
UNSAFE = re.compile("[\ud800-\udfff\x00]")
REPLACEMENT = "\ufffd"


class ProtocolError(Exception):
    pass


def safe(value):
    """`value` (decoded JSON) with every string, dict keys included, made safe."""
    if isinstance(value, str):
        return UNSAFE.sub(REPLACEMENT, value)
    if isinstance(value, list):
        return [safe(item) for item in value]
    if isinstance(value, dict):
        return {safe(key): safe(item) for key, item in value.items()}
    return value


def decode(data: bytes | str):
    """JSON from the other side of the boundary, with safe strings only. Frames are
    ASCII JSON (non-ASCII escaped): one without a `\\u` escape holds nothing to
    replace, and skips the walk (the common case: a run that printed ASCII)."""
    value = json.loads(data)
    escape = "\\u" if isinstance(data, str) else b"\\u"
    if escape in data or not data.isascii():
        value = safe(value)
    return value


def encode(message: dict) -> bytes:
    body = json.dumps(message, separators=(",", ":")).encode()
    if len(body) > MAX_FRAME:
        raise ProtocolError("frame too large")
    return _HEADER.pack(len(body)) + body


def write_frame(fd: int, message: dict) -> None:
    data = memoryview(encode(message))
    while data:
        written = os.write(fd, data)
        data = data[written:]


def read_exact(fd: int, size: int) -> bytes:
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> dict:
    (size,) = _HEADER.unpack(read_exact(fd, _HEADER.size))
    if size > MAX_FRAME:
        raise ProtocolError("frame too large")
    return decode(read_exact(fd, size))


def crashed_result(status: str, message: str, wall_ms: float) -> dict:
    """What the pool answers when a worker died or had to be killed mid-job."""
    return {
        "status": status,
        "stdout": [],
        "output_truncated": False,
        "error": {"name": "SandboxError", "message": message, "line": None, "column": None, "file": None},
        "wall_ms": round(wall_ms, 3),
    }


# --- the worker side (worker.py, browser_worker.py; nothing here imports Django) -------


def serve_jobs(
    read_fd: int,
    write_fd: int,
    handle: Callable[[dict], tuple[dict, bool]],
    *,
    recycle_after: int,
    idle: Callable[[], None],
) -> None:
    """A worker's job loop: read a job, answer `taken` (a death before that frame is not
    the job's doing: the pool gives the job to another worker), answer `handle(job)`'s
    reply with the worker's accounting, then tidy up (`idle`). `handle` also says whether
    the worker is spent (it must not serve another job). Returns after `recycle_after`
    jobs, after a spent one, or when the pipe closes (the pool is gone)."""
    served = 0
    while True:
        try:
            job = read_frame(read_fd)
        except EOFError:
            return
        write_frame(write_fd, {"taken": True})
        started = time.perf_counter()
        reply, spent = handle(job)
        served += 1
        retiring = served >= recycle_after or spent
        reply["worker"] = {
            "pid": os.getpid(),
            "served": served,
            "retiring": retiring,
            "spent": spent,
            "job_ms": round((time.perf_counter() - started) * 1000, 3),
        }
        write_frame(write_fd, reply)
        if retiring:
            return
        idle()


def worker_main(argv: list[str], serve: Callable[[dict, int, int], None]) -> None:
    """`python -I <worker>.py ROOT CONFIG_JSON READ_FD WRITE_FD`: runs `serve` and leaves
    with its outcome as the exit code, skipping interpreter teardown (V8 isolates,
    Chromium's driver and their threads need no orderly goodbye)."""
    config_json, read_fd, write_fd = argv[2], int(argv[3]), int(argv[4])
    config = json.loads(config_json)
    if config.get("start_nice"):
        # A replacement after a crash boots at a low priority, before anything costly
        # (every thread started from here on inherits it); the pool raises it again once
        # the worker is ready, where it may.
        os.nice(int(config["start_nice"]))
    code = 0
    try:
        serve(config, read_fd, write_fd)
    except BaseException:  # noqa: BLE001 - the parent sees the exit code and replaces us
        import traceback

        traceback.print_exc(file=sys.stderr)
        code = 1
    os._exit(code)
