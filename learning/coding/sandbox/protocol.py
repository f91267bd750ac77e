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
