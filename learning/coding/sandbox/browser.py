"""Style tests of web challenges in headless Chromium (Playwright, Debian's chromium).

linkedom (the V8 web runner) has no cascade and no layout, so a test that calls
`getComputedStyle` runs here, in a real browser. This module runs inside a *browser
worker* (browser_worker.py), a process of the sandbox pool started like the V8 workers
(by the web process's pool, or by the sandbox service when SANDBOX_URL is set), which
has dropped to the unprivileged browser user before Chromium starts, so Chromium's own
sandbox is on. The page is hostile:

- one warm Chromium per browser worker, on a private asyncio thread (Playwright's async
  API); one grading at a time per worker (the pool runs several workers);
- one fresh browser context per test (no cookies, no storage, no cache shared with
  anything), closed afterwards whatever happened; the worker prepares the next contexts
  while idle (`idle()`), so a test only pays for loading the page;
- no network: every request is intercepted (`context.route`); the submission's own
  files are served from memory at a fake origin (`http://page.invalid/`), anything
  else is aborted, so a page cannot fetch, beacon or load a remote font (and the worker
  lives in a network namespace of its own where the machine allows it);
- JavaScript is time-limited: the page's load, and then each test, must finish within
  the job's wall time; a page that loops for ever (its renderer is stuck) gets a
  `timeout` verdict and its context is torn down; the V8 heap of the renderer is
  capped (`--js-flags=--max-old-space-size`), and every process of the browser by
  RLIMIT_DATA (browser_worker.py);
- console output is captured within the job's output budget.

Chai's `assert` is installed by an init script before any of the page's code runs,
frozen and non-configurable, as in the V8 runner. Like there, a page can still lie to
its own grader (patch `getComputedStyle` itself): grading checks a learner's work, it
does not defend the learner's verdict against the learner.

No Django here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
import time
from pathlib import Path

from . import protocol

ORIGIN = "http://page.invalid"
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-breakpad",
    "--disable-dev-shm-usage",  # containers give /dev/shm 64 MB; /tmp (private) instead
    "--no-first-run",
    "--mute-audio",
]
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
}
ASSERT_SETUP = """
(function () {
  "use strict";
  const chai = globalThis.chai;
  delete globalThis.chai;
  for (const [name, value] of [["assert", chai.assert], ["expect", chai.expect]]) {
    Object.defineProperty(globalThis, name, {value: Object.freeze(value), writable: false,
                                             configurable: false, enumerable: false});
  }
})();
"""
# The rows of chrome://sandbox a selfcheck reports (Chromium's own view of its sandbox).
SANDBOX_ROWS = ("Layer 1 Sandbox", "PID namespaces", "Network namespaces", "Seccomp-BPF sandbox")


class BrowserUnavailable(Exception):
    """Chromium cannot be started here."""


class _Prepared:
    """A fresh context and its blank page, with the handlers installed; what it serves
    and where its console goes are set when a test takes it."""

    def __init__(self, context, page):
        self.context = context
        self.page = page
        self.served: dict[str, str] = {}
        self.console: _Console | None = None


class BrowserGrader:
    """One warm Chromium, driven from a private event-loop thread."""

    def __init__(
        self, *, executable: str, heap_mb: int, sandbox: bool, chai_path: str, warm_contexts: int = 1
    ):
        self.executable = executable
        self.heap_mb = heap_mb
        self.sandbox = sandbox
        self.warm_contexts = max(0, warm_contexts)
        self.chai = Path(chai_path).read_text()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="web-grader", daemon=True)
        self._thread.start()
        self._browser = None
        self._playwright = None
        self._ready: list[_Prepared] = []
        self.broken = False  # a job failed inside the browser: the worker retires

    def _call(self, coro, timeout_s: float):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout_s)

    # --- lifecycle ---

    def start(self, timeout_s: float = 60) -> None:
        """Launch Chromium and pay for its first renderer now, not in a learner's time."""
        self._call(self._launch(), timeout_s)

    async def _launch(self):
        from playwright.async_api import async_playwright

        if not os.path.exists(self.executable):
            raise BrowserUnavailable(f"Chromium not found at {self.executable}")
        self._playwright = await async_playwright().start()
        args = [*CHROMIUM_ARGS, f"--js-flags=--max-old-space-size={int(self.heap_mb)}"]
        # Playwright adds --no-sandbox unless told otherwise: Chromium's own sandbox is
        # on whenever the worker could enable it (browser_worker.py decides).
        self._browser = await self._playwright.chromium.launch(
            executable_path=self.executable, headless=True, chromium_sandbox=self.sandbox, args=args
        )
        context = await self._browser.new_context()
        await context.route("**/*", lambda route: route.fulfill(status=200, body="<p>warm</p>"))
        page = await context.new_page()
        await page.goto(f"{ORIGIN}/warm.html")
        await page.evaluate("getComputedStyle(document.body).color")
        await context.close()
        await self._fill()

    def idle(self) -> None:
        """Between jobs: prepare the next contexts."""
        with contextlib.suppress(Exception):
            self._call(self._fill(), 30)

    async def _fill(self):
        while len(self._ready) < self.warm_contexts:
            self._ready.append(await self._prepare())

    async def _prepare(self) -> _Prepared:
        context = await self._browser.new_context(
            java_script_enabled=True, service_workers="block", accept_downloads=False, bypass_csp=False
        )
        page = None
        try:
            await context.add_init_script(self.chai + "\n" + ASSERT_SETUP)
            page = await context.new_page()
        except Exception:
            with contextlib.suppress(Exception):
                await context.close()
            raise
        prepared = _Prepared(context, page)
        await context.route("**/*", lambda route: _serve(route, prepared.served))
        page.on("console", lambda message: prepared.console and prepared.console.add(message))
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))
        page.on("pageerror", lambda exc: prepared.console and prepared.console.add_error(exc))
        return prepared

    async def _take(self) -> _Prepared:
        while self._ready:
            prepared = self._ready.pop(0)
            if not prepared.page.is_closed():
                return prepared
            with contextlib.suppress(Exception):
                await prepared.context.close()
        return await self._prepare()

    def connected(self) -> bool:
        return self._browser is not None and self._browser.is_connected()

    def close(self) -> None:
        async def _close():
            if self._browser is not None:
                with contextlib.suppress(Exception):
                    await self._browser.close()
            if self._playwright is not None:
                with contextlib.suppress(Exception):
                    await self._playwright.stop()

        with contextlib.suppress(Exception):
            self._call(_close(), 10)
        self._loop.call_soon_threadsafe(self._loop.stop)

    # --- what the browser says of its own sandbox ---

    def sandbox_status(self) -> dict:
        """Chromium's own report (chrome://sandbox, rendered by a sandboxed renderer)."""
        return self._call(self._sandbox_status(), 30)

    async def _sandbox_status(self) -> dict:
        context = await self._browser.new_context()
        try:
            page = await context.new_page()
            await page.goto("chrome://sandbox")
            text = await page.inner_text("body")
        finally:
            with contextlib.suppress(Exception):
                await context.close()
        rows = {}
        for line in text.splitlines():
            name, _, value = line.partition("\t")
            if name.strip() in SANDBOX_ROWS:
                rows[name.strip()] = value.strip()
        rows["adequate"] = "You are adequately sandboxed." in text
        return rows

    # --- one grading ---

    def run_tests(self, *, files: list[dict], tests: list[dict], limits: dict, entry: str | None) -> dict:
        """Grade `tests` against the page made of `files`; the protocol's tests result.
        Each test gets its own fresh context and page load."""
        budget_s = len(tests) * (limits["wall_ms"] / 1000 + 2) + 30
        return self._call(self._grade(files, tests, limits, entry), budget_s)

    async def _grade(self, files, tests, limits, entry) -> dict:
        start = time.perf_counter()
        results = [await self._one(files, test, limits, entry) for test in tests]
        return {"status": protocol.OK, "tests": results, "wall_ms": _ms(start)}

    async def _one(self, files, test, limits, entry) -> dict:
        start = time.perf_counter()
        wall_s = limits["wall_ms"] / 1000
        served = {f["name"]: f["content"] for f in files if isinstance(f.get("content"), str)}
        html_name = (
            entry if entry in served else next((n for n in served if n.endswith((".html", ".htm"))), None)
        )
        code_text = served.get(html_name, "") if html_name else ""
        if not html_name:
            html_name = "index.html"
            served[html_name] = ""
        console = _Console(int(limits["output_bytes"]))
        status, message, passed = protocol.OK, "", False
        prepared = None
        try:
            prepared = await self._take()
            prepared.served.update(served)
            prepared.console = console
            # the wall time covers the page's load and the test, not the context's setup
            deadline = time.perf_counter() + wall_s
            try:
                target = f"{ORIGIN}/{html_name}"
                await asyncio.wait_for(prepared.page.goto(target, wait_until="load"), timeout=wall_s)
                state = await asyncio.wait_for(
                    prepared.page.evaluate(_test_script(test.get("code") or "", code_text)),
                    timeout=max(0.05, deadline - time.perf_counter()),
                )
            except TimeoutError:
                status = protocol.TIMEOUT
                message = f"Timeout: The page ran longer than {limits['wall_ms']} ms."
            except Exception as exc:  # noqa: BLE001 - a crashed renderer, a syntax error in a test
                text = str(exc).split("\n", 1)[0]
                if "crash" in text.lower() or "out of memory" in text.lower():
                    status, message = (
                        protocol.MEMORY_LIMIT,
                        "MemoryLimit: the page's renderer ran out of memory.",
                    )
                else:
                    status, message = protocol.ERROR, _clip(text.replace("Page.evaluate: ", ""), 2000)
            else:
                passed, status, message = _verdict(state)
        finally:
            if prepared is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(prepared.context.close(), timeout=5)
        if console.overflow:
            passed, status = False, protocol.OUTPUT_LIMIT
            message = f"OutputLimit: The program printed more than {limits['output_bytes']} bytes."
        return {
            "id": test.get("id"),
            "passed": passed,
            "status": status,
            "message": message,
            "stdout": console.entries,
            "wall_ms": _ms(start),
        }


def _test_script(test_code: str, code_text: str) -> str:
    # `code` (the HTML text) is a constant of the closure, as in the V8 runner.
    return (
        "async () => { const code = " + json.dumps(code_text) + ";\n"
        "try { await (async function () { 'use strict';\n" + test_code + "\n})();"
        " return {state: 'passed'}; }"
        " catch (e) { return {state: 'failed', error: {name: String(e && e.name || 'Error'),"
        " message: String(e && e.message || e)}}; } }"
    )


def _verdict(state) -> tuple[bool, str, str]:
    if not isinstance(state, dict):
        return False, protocol.ERROR, "The test did not finish."
    if state.get("state") == "passed":
        return True, protocol.OK, ""
    error = state.get("error") or {}
    name, text = str(error.get("name") or "Error"), str(error.get("message") or "")
    if name == "AssertionError":
        return False, protocol.OK, _clip(text or "The assertion failed.", 2000)
    return False, protocol.ERROR, _clip(f"{name}: {text}", 2000)


async def _serve(route, served: dict) -> None:
    url = route.request.url
    if url.startswith(ORIGIN + "/"):
        path = url[len(ORIGIN) + 1 :].split("?", 1)[0].split("#", 1)[0]
        if path in served:
            suffix = os.path.splitext(path)[1].lower()
            await route.fulfill(
                status=200,
                body=served[path],
                headers={"content-type": CONTENT_TYPES.get(suffix, "text/plain; charset=utf-8")},
            )
            return
        await route.fulfill(status=404, body="")
        return
    await route.abort("blockedbyclient")  # no network: nothing leaves the machine


class _Console:
    def __init__(self, budget: int):
        self.budget = budget
        self.used = 0
        self.entries: list[dict] = []
        self.overflow = False

    def _add(self, level: str, text: str) -> None:
        size = len(text.encode()) + 1
        if self.used + size > self.budget:
            self.overflow = True
            return
        self.used += size
        self.entries.append({"level": level, "text": text})

    def add(self, message) -> None:
        kind = message.type
        self._add(kind if kind in ("log", "info", "warn", "error") else "log", message.text)

    def add_error(self, exc) -> None:
        self._add("error", f"Uncaught {exc}")


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[:size] + "…"


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)
