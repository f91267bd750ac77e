"""JavaScript in a fresh V8 isolate per run (mini-racer), inside a sandbox worker.

Imported only by worker processes: V8 is initialised here, after the worker started,
never in a process that forks.

One run = one isolate that nothing else ever used. Creating an isolate costs a few
milliseconds, so the worker keeps the *next* one ready: after replying it creates an
isolate and installs the harness (harness.js), and the following run starts at once.
Learner files run as real top-level scripts (`let`/`const`/`class` shared across
files and with the tests, as in a page with several <script> tags); each gets a
`//# sourceURL=` so errors point at the learner's file, line and column.

Nothing from the learner's realm crosses into Python but what the harness's
`finish()` returns: a JSON string bounded by the output budget. A script's own
completion value is never read back (a trailing `void 0` replaces it), because
converting a 100 MB string to Python would itself be the attack.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import re
import secrets
import threading
import time
from pathlib import Path

from py_mini_racer import (
    JSEvalException,
    JSOOMException,
    JSParseException,
    JSTimeoutException,
    JSUndefined,
    init_mini_racer,
    mini_racer,
)

from ..protocol import ERROR, MEMORY_LIMIT, OK, OUTPUT_LIMIT, TIMEOUT
from .base import Runner

HERE = Path(__file__).resolve().parent
HARNESS = (HERE / "harness.js").read_text().strip().rstrip(";")
ASSERTIONS_SETUP = """
(function () {
  "use strict";
  const chai = globalThis.chai;
  delete globalThis.chai;
  for (const [name, value] of [["assert", chai.assert], ["expect", chai.expect]]) {
    Object.defineProperty(globalThis, name, {value: Object.freeze(value), writable: false,
                                             configurable: false, enumerable: false});
  }
  return "ready";
})()
"""
PROCESS_WARMUP = """
Math.random(); Date.now(); new Date().toString(); new Date().toLocaleString();
new Intl.DateTimeFormat().resolvedOptions().timeZone; "a".localeCompare("b"); void 0
"""
DEFAULT_FLAGS = ("--single-threaded",)
DEFAULT_OUTPUT_BYTES = 65_536
MEMORY_MESSAGES = (
    "Array buffer allocation failed",
    "could not allocate memory",
    "Invalid string length",
    "Invalid typed array length",
    "Invalid array buffer length",
    "Out of memory",
)
# Waiting on a program's timers: poll often at first (most end within a few ms), then
# back off so a long wait costs little CPU (each poll is a round trip into V8).
POLL_S = 0.0005
POLL_MAX_S = 0.004
_LOCATION = re.compile(r"^(?P<file>[^\n]*?):(?P<line>\d+): (?P<rest>.*)$")
_FRAME = re.compile(r"\(?(?P<file>[^\s()]+):(?P<line>\d+):(?P<column>\d+)\)?$")
_ERROR_HEAD = re.compile(r"^(?P<name>[A-Za-z_$][\w$]*(?:Error|Exception)?): ?(?P<message>.*)$", re.S)


class _Isolate:
    """One V8 isolate with the harness installed; used for one run, then closed."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        *,
        with_assert: bool,
        chai_source: str | None,
        output_bytes: int = DEFAULT_OUTPUT_BYTES,
    ):
        self._cm = mini_racer(loop)
        self.mr = self._cm.__enter__()
        self.nonce = secrets.token_hex(16)
        # Set up for a run without stdin and with this output budget; a job that
        # differs calls configure() (once) before its code runs.
        self.output_bytes = output_bytes
        self.mr.eval(f"({HARNESS})({json.dumps({'nonce': self.nonce, 'outputBytes': output_bytes})})")
        self.with_assert = with_assert
        if with_assert:
            self.mr.eval(chai_source)
            self.mr.eval(ASSERTIONS_SETUP)

    def close(self) -> None:
        cm, self._cm = self._cm, None
        if cm is not None:
            cm.__exit__(None, None, None)


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[:size] + "…"


class JavaScriptRunner(Runner):
    language = "javascript"

    def start(self, config: dict) -> None:
        flags = tuple(DEFAULT_FLAGS) + tuple(config.get("v8_flags") or ())
        _use_getrandom_for_v8(init_mini_racer(flags=flags, ignore_duplicate_init=True))
        self._loop = asyncio.new_event_loop()
        self._loop_thread = threading.Thread(target=self._loop.run_forever, name="v8-loop", daemon=True)
        self._loop_thread.start()
        self._chai = Path(config["chai_path"]).read_text()
        # the budget the next pre-warmed isolate is set up for: the last job's
        self._output_bytes = DEFAULT_OUTPUT_BYTES
        self._warm: dict[bool, _Isolate | None] = {False: None, True: None}
        self._trash: list[_Isolate] = []
        # V8 and ICU read some files once per process, on first use: the local time
        # zone (/etc/localtime) and the clock's calibration (/sys/...). Use them once
        # now, in a throwaway isolate, because after hardening no file can be opened.
        warm = self._new(False)
        try:
            warm.mr.eval(PROCESS_WARMUP)
        finally:
            warm.close()
        # set by a job whose isolate did not stop: the worker leaves after replying
        self.spent = False
        # Warm both kinds once, so the memory they need is counted before the worker
        # caps its own memory.
        self._warm[True] = self._new(True)
        self.idle()

    def service_thread_ids(self) -> list[int]:
        # Each isolate runs on a thread of its own that ends with it (mini-racer), so
        # a program's thread can be reniced without touching the next run's.
        return [self._loop_thread.native_id]

    # --- isolates ---

    def _new(self, with_assert: bool) -> _Isolate:
        return _Isolate(
            self._loop, with_assert=with_assert, chai_source=self._chai, output_bytes=self._output_bytes
        )

    def _take(self, with_assert: bool) -> _Isolate:
        iso = self._warm[with_assert]
        self._warm[with_assert] = None
        return iso if iso is not None else self._new(with_assert)

    def _discard(self, iso: _Isolate) -> None:
        self._trash.append(iso)

    def idle(self) -> None:
        self.idle_trash_only()
        if self._warm[False] is None:
            self._warm[False] = self._new(False)

    def warm_assertions(self) -> None:
        if self._warm[True] is None:
            self._warm[True] = self._new(True)

    # --- one program in one isolate ---

    def _execute(self, iso: _Isolate, *, files, stdin, limits, test_code=None, code_text="") -> dict:
        """Run the files (and a test, if any) in `iso`; report what happened."""
        mr = iso.mr
        wall_s = limits["wall_ms"] / 1000
        mr.set_hard_memory_limit(int(limits["heap_mb"]) * 1024 * 1024)
        js_files = [f for f in files if f["content"] is not None]
        names = {f["name"] for f in js_files}
        start = time.perf_counter()
        deadline = start + wall_s
        status, error = OK, None
        output_bytes = int(limits["output_bytes"])
        self._output_bytes = output_bytes
        if stdin or output_bytes != iso.output_bytes:
            self._configure(iso, stdin=stdin, output_bytes=output_bytes)
        scripts = [(f["name"], f["content"]) for f in js_files]
        if test_code is not None:
            # The test runs as an async function after the learner's scripts, in their
            # realm. `code` (the learner's entry file as one string, freeCodeCamp's name)
            # is a constant of an enclosing closure: the learner's scripts cannot see or
            # change it, a test cannot assign it, and a test may shadow it. All of it is
            # on the wrapper's first line, so the test's own lines keep their numbers.
            wrapper = (
                f"__mrict.runTest({json.dumps(iso.nonce)}, (() => {{ const code = {json.dumps(code_text)}; "
                f"return async function () {{ 'use strict';\n{test_code}\n}}; }})());"
            )
            scripts.append(("test.js", wrapper))
            names.add("test.js")
        for name, source in scripts:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                status = TIMEOUT
                break
            try:
                value = mr.eval(f"{source}\n;void 0\n//# sourceURL={name}", timeout_sec=remaining)
                if value is not JSUndefined:
                    status, error = ERROR, _internal("the program's completion value escaped the harness")
                    break
            except JSTimeoutException:
                status = TIMEOUT
                break
            except JSOOMException:
                status = MEMORY_LIMIT
                break
            except JSParseException as exc:
                status, error = ERROR, self._syntax_error(mr, name, source, str(exc), names)
                break
            except JSEvalException as exc:
                status, error = self._classify(mr, str(exc), names, source_of=dict(scripts), current=name)
                break
        raw = None
        if status == OK:
            status, raw = self._wait_idle(mr, deadline, test=test_code is not None, nonce=iso.nonce)
        report = self._finish(mr, raw)
        if mr.was_hard_memory_limit_reached() and status in (OK, ERROR, TIMEOUT):
            status = MEMORY_LIMIT
        if report.get("overflow"):
            status, error = OUTPUT_LIMIT, None
        elif status == OK and report.get("error"):
            status, error = self._from_described(report["error"], names)
        if status == MEMORY_LIMIT:
            error = {"name": "MemoryLimit", "message": f"The program used more than {limits['heap_mb']} MB."}
        elif status == TIMEOUT:
            error = {"name": "Timeout", "message": f"The program ran longer than {limits['wall_ms']} ms."}
        elif status == OUTPUT_LIMIT:
            error = {
                "name": "OutputLimit",
                "message": f"The program printed more than {limits['output_bytes']} bytes.",
            }
        if error is not None:
            for key in ("line", "column", "file"):
                error.setdefault(key, None)
        result = {
            "status": status,
            "stdout": report.get("entries", []),
            "output_truncated": bool(report.get("overflow")),
            "error": error,
            "wall_ms": round((time.perf_counter() - start) * 1000, 3),
        }
        if test_code is not None:
            result["test"] = self._test_status(mr, iso.nonce)
        return result

    def _configure(self, iso: _Isolate, *, stdin: str, output_bytes: int) -> None:
        iso.mr.eval(
            f"__mrict.configure({json.dumps(iso.nonce)}, {json.dumps(stdin or '')}, {int(output_bytes)})",
            timeout_sec=1,
        )

    def _wait_idle(self, mr, deadline: float, *, test: bool, nonce: str) -> tuple[str, str | None]:
        """Pending timers (and, for a test, its promise) keep the program alive. A run
        without a test gets its report in the same round trip (`settle()`)."""
        check = "__mrict.settle()" if not test else f"__mrict.busy({json.dumps(nonce)}) ? null : ''"
        pause = POLL_S
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return TIMEOUT, None
            try:
                done = mr.eval(check, timeout_sec=remaining)
                if isinstance(done, str):
                    return OK, done or None
            except JSTimeoutException:
                return TIMEOUT, None
            except JSOOMException:
                return MEMORY_LIMIT, None
            except JSEvalException:
                return OK, None  # the harness reports the error itself
            time.sleep(min(pause, max(0.0, deadline - time.perf_counter())))
            pause = min(pause * 1.5, POLL_MAX_S)

    def _finish(self, mr, raw: str | None = None) -> dict:
        try:
            if raw is None:
                raw = mr.eval("__mrict.finish()", timeout_sec=1)
            report = json.loads(raw) if isinstance(raw, str) else {}
        except JSTimeoutException:
            # The isolate is still busy after it was told to stop: a runaway inside a
            # V8 builtin (`Array(1e9).fill(0)` grows a dictionary in C++ until the
            # process dies). The worker must not serve anyone after this job.
            self.spent = True
            return {}
        except Exception:  # noqa: BLE001 - after an OOM the realm may not answer
            return {}
        if not isinstance(report, dict):
            return {}
        entries = report.get("entries")
        if not isinstance(entries, list):
            entries = []
        clean = []
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("text"), str):
                level = entry.get("level")
                clean.append(
                    {
                        "level": level if level in ("log", "info", "warn", "error") else "log",
                        "text": entry["text"],
                    }
                )
        report["entries"] = clean
        return report

    def _test_status(self, mr, nonce: str) -> dict:
        try:
            raw = mr.eval(f"__mrict.testStatus({json.dumps(nonce)})", timeout_sec=1)
            status = json.loads(raw)
        except Exception:  # noqa: BLE001
            return {"state": "none"}
        return status if isinstance(status, dict) else {"state": "none"}

    # --- errors ---

    def _classify(
        self, mr, text: str, names: set[str], source_of: dict, current: str
    ) -> tuple[str, dict | None]:
        if "OutputLimitError" in text:
            return OUTPUT_LIMIT, None
        if mr.was_hard_memory_limit_reached() or any(m in text for m in MEMORY_MESSAGES):
            return MEMORY_LIMIT, None
        return ERROR, parse_v8_error(text, names, source_of, current=current)

    def _syntax_error(self, mr, name: str, source: str, text: str, names: set[str]) -> dict:
        """The `void 0` trailer can change the parser's message at the end of a file
        (`foo(` reads "Unexpected token ';'" instead of "Unexpected end of input").
        Parse the file again without it: a file that failed with the trailer fails
        without it too (a complete script followed by `;void 0` is always valid), so
        this second evaluation never runs any code."""
        try:
            mr.eval(f"{source}\n//# sourceURL={name}", timeout_sec=0.5)
        except JSParseException as exc:
            text = str(exc)
        except Exception:  # noqa: BLE001, S110 - keep the first message
            pass
        return parse_v8_error(text, names, {name: source}, current=name)

    def _from_described(self, described: dict, names: set[str]) -> tuple[str, dict]:
        name = str(described.get("name") or "Error")
        message = str(described.get("message") or "")
        if name == "OutputLimitError":
            return OUTPUT_LIMIT, None
        if any(m in message for m in MEMORY_MESSAGES):
            return MEMORY_LIMIT, None
        file, line, column = _first_user_frame(str(described.get("stack") or ""), names)
        return ERROR, {
            "name": _clip(name, 100),
            "message": _clip(message, 2000),
            "file": file,
            "line": line,
            "column": column,
        }

    # --- jobs ---

    def _program(self, files: list[dict], entry: str | None) -> tuple[list[dict], str]:
        """The scripts a job runs, in order, and the text a test sees as `code`. Here
        the learner's files as they are; the web runner builds a page around them."""
        return files, entry_source(files, entry)

    def run(self, *, files: list[dict], stdin: str, limits: dict) -> dict:
        self.spent = False
        files, _code = self._program(files, None)
        iso = self._take(False)
        try:
            return self._execute(iso, files=files, stdin=stdin, limits=limits)
        finally:
            self._discard(iso)

    def run_tests(
        self, *, files: list[dict], tests: list[dict], limits: dict, entry: str | None = None
    ) -> dict:
        """Each test in a fresh isolate. Assertion tests see `code`: the content of the
        file named `entry` (the first file when none is named or it is missing)."""
        self.spent = False
        files, code_text = self._program(files, entry)
        learner_names = {f["name"] for f in files if f.get("content") is not None}
        start = time.perf_counter()
        results = []
        for test in tests:
            if self.spent:
                # A runaway is still going in an earlier test's isolate: the rest
                # would only compete with it for memory. Same verdict for them.
                results.append({**results[-1], "id": test.get("id"), "stdout": [], "wall_ms": 0.0})
                continue
            if test.get("kind") == "io":
                iso = self._take(False)
                try:
                    outcome = self._execute(iso, files=files, stdin=test.get("input") or "", limits=limits)
                finally:
                    self._discard(iso)
                results.append(_io_verdict(test, outcome))
            else:
                iso = self._take(True)
                try:
                    outcome = self._execute(
                        iso,
                        files=files,
                        stdin="",
                        limits=limits,
                        test_code=test.get("code") or "",
                        code_text=code_text,
                    )
                finally:
                    self._discard(iso)
                results.append(_assert_verdict(test, outcome, learner_names))
            # close used isolates as we go: a long test list must not pile them up
            if not self.spent:  # closing a runaway's isolate would wait for it
                self.idle_trash_only()
        return {"status": OK, "tests": results, "wall_ms": round((time.perf_counter() - start) * 1000, 3)}

    def idle_trash_only(self) -> None:
        for iso in self._trash:
            with contextlib.suppress(Exception):  # a broken isolate is gone either way
                iso.close()
        self._trash.clear()


# V8 seeds each isolate's random number generator (Math.random, hash seeds, the
# addresses it asks mmap for) from /dev/urandom, which a hardened worker may not open:
# it would silently fall back to the clock. V8's embedder hook hands it bytes from the
# getrandom system call instead, which the filter allows. Kept alive for the process.
_ENTROPY_SOURCE = ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.POINTER(ctypes.c_ubyte), ctypes.c_size_t)


@_ENTROPY_SOURCE
def _entropy(buffer, length):
    try:
        ctypes.memmove(buffer, os.urandom(length), length)
    except Exception:  # noqa: BLE001 - V8 then falls back on its own
        return False
    return True


def _use_getrandom_for_v8(handle) -> None:
    """v8::V8::SetEntropySource(bool (*)(unsigned char*, size_t)), exported by mini-racer."""
    setter = getattr(handle, "_ZN2v82V816SetEntropySourceEPFbPhmE", None)
    if setter is None:  # another build of mini-racer: V8 then reads /dev/urandom itself
        return
    setter.argtypes = [_ENTROPY_SOURCE]
    setter.restype = None
    setter(_entropy)


def entry_source(files: list[dict], entry: str | None) -> str:
    """The text a test sees as `code`: the file named `entry`, else the first file."""
    texts = [f for f in files if isinstance(f.get("content"), str)]
    for f in texts:
        if f.get("name") == entry:
            return f["content"]
    return texts[0]["content"] if texts else ""


def _internal(message: str) -> dict:
    return {"name": "SandboxError", "message": message}


def _first_user_frame(stack: str, names: set[str]) -> tuple[str | None, int | None, int | None]:
    for raw in stack.splitlines()[1:]:
        line = raw.strip()
        if not line.startswith("at "):
            continue
        match = _FRAME.search(line)
        if match and match.group("file") in names:
            return match.group("file"), int(match.group("line")), int(match.group("column"))
    return None, None, None


def parse_v8_error(text: str, names: set[str], source_of: dict, *, current: str | None = None) -> dict:
    """mini-racer's message: `file:line: Name: message`, the source line, a caret under
    the column, a blank line, then `Name: message` and the stack."""
    lines = text.split("\n")
    head = _LOCATION.match(lines[0]) if lines else None
    file = line = column = None
    name, message = "Error", text.strip()
    if head:
        rest = head.group("rest")
        head_file = head.group("file")
        if head_file not in names and rest.startswith("SyntaxError") and current:
            head_file = current  # a parse error is always in the script being evaluated
        if head_file in names:
            file, line = head_file, int(head.group("line"))
            if len(lines) > 2 and "^" in lines[2]:
                column = lines[2].index("^") + 1
        parsed = _ERROR_HEAD.match(rest)
        if parsed and (
            parsed.group("name").endswith(("Error", "Exception")) or parsed.group("name") in ("Error",)
        ):
            name, message = parsed.group("name"), parsed.group("message")
        else:
            name, message = "Uncaught", rest
        # the full message (it may span lines) follows the blank line
        if "" in lines[1:]:
            tail = lines[lines.index("", 1) + 1 :]
            body = []
            for entry in tail:
                if entry.strip().startswith("at "):
                    break
                body.append(entry)
            full = "\n".join(body).strip()
            parsed_full = _ERROR_HEAD.match(full)
            if parsed_full and parsed_full.group("name") == name:
                message = parsed_full.group("message")
        frame_file, frame_line, frame_column = _first_user_frame(text[text.find("\n\n") :], names)
        if frame_file and (file is None or file == "test.js"):
            file, line, column = frame_file, frame_line, frame_column
    if file is not None and line is not None:
        # a syntax error at the very end points into the `void 0` trailer: clamp it
        source_lines = source_of.get(file, "").split("\n")
        if line > len(source_lines):
            line, column = len(source_lines), len(source_lines[-1]) + 1
    return {
        "name": _clip(name, 100),
        "message": _clip(message, 2000),
        "file": file,
        "line": line,
        "column": column,
    }


def _text_of(outcome: dict) -> str:
    return "\n".join(entry["text"] for entry in outcome.get("stdout", []))


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip("\n").split("\n"))


def _io_verdict(test: dict, outcome: dict) -> dict:
    actual = _text_of(outcome)
    passed = outcome["status"] == OK and _normalise(actual) == _normalise(test.get("expected") or "")
    if passed:
        message = ""
    elif outcome["status"] != OK:
        message = _failure_text(outcome)
    else:
        expected = _clip(_normalise(test.get("expected") or ""), 500)
        message = f"Expected output {expected!r}, got {_clip(_normalise(actual), 500)!r}."
    return {
        "id": test.get("id"),
        "passed": passed,
        "status": outcome["status"],
        "message": message,
        "stdout": outcome.get("stdout", []),
        "wall_ms": outcome["wall_ms"],
    }


def _assert_verdict(test: dict, outcome: dict, names: set[str]) -> dict:
    """A failed assertion is a failed test with the assertion's message. Anything else
    the test threw (a ReferenceError for a name that is not there, a TypeError from the
    learner's function) fails the test too, as `status: error`, and its message names
    the error and, when it came from the learner's code, where."""
    state = outcome.get("test", {})
    status = outcome["status"]
    passed = status == OK and state.get("state") == "passed"
    if passed:
        message = ""
    elif status != OK:
        message = _failure_text(outcome)
    elif state.get("state") == "failed" and isinstance(state.get("error"), dict):
        err = state["error"]
        name = str(err.get("name") or "Error")
        text = str(err.get("message") or "")
        if name == "AssertionError":
            message = _clip(text or "The assertion failed.", 2000)
        else:
            status = ERROR
            file, line, column = _first_user_frame(str(err.get("stack") or ""), names)
            where = f" ({file}:{line}:{column})" if file else ""
            message = _clip(f"{name}: {text}{where}", 2000)
    else:
        message = "The test did not finish."
    return {
        "id": test.get("id"),
        "passed": passed,
        "status": status,
        "message": message,
        "stdout": outcome.get("stdout", []),
        "wall_ms": outcome["wall_ms"],
    }


def _failure_text(outcome: dict) -> str:
    error = outcome.get("error") or {}
    where = ""
    if error.get("file") and error.get("line"):
        where = f" ({error['file']}:{error['line']}" + (
            f":{error['column']})" if error.get("column") else ")"
        )
    return _clip(f"{error.get('name', 'Error')}: {error.get('message', '')}{where}", 2000)
