"""Style tests of web challenges in headless Chromium (Playwright, Debian's chromium).

linkedom (the V8 web runner) has no cascade and no layout, so a test that calls
`getComputedStyle` runs here, in a real browser. The page is hostile:

- one browser process per owning process, started lazily on a thread of its own (an
  asyncio loop; Playwright's async API), at most WEB_BROWSER_PAGES gradings at once;
- one fresh browser context per grading (no cookies, no storage, no cache shared with
  anything), closed afterwards whatever happened;
- no network: every request is intercepted (`context.route`); the submission's own
  files are served from memory at a fake origin (`http://page.invalid/`), anything
  else is aborted, so a page cannot fetch, beacon or load a remote font;
- JavaScript is time-limited: the page's load, and then each test, must finish within
  the job's wall time; a page that loops for ever (its renderer is stuck) gets a
  `timeout` verdict and its context is torn down; the V8 heap of the renderer is
  capped (`--js-flags=--max-old-space-size`);
- console output is captured within the job's output budget.

Chai's `assert` is installed by an init script before any of the page's code runs,
frozen and non-configurable, as in the V8 runner. Like there, a page can still lie to
its own grader (patch `getComputedStyle` itself): grading checks a learner's work, it
does not defend the learner's verdict against the learner.

No Django here: services/runs.py passes the settings in.
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


class BrowserUnavailable(Exception):
    """Chromium cannot be started here."""


class BrowserGrader:
    """One Chromium for this process, driven from a private event-loop thread."""

    def __init__(self, *, executable: str, pages: int, heap_mb: int, no_sandbox: bool, chai_path: str):
        self.executable = executable
        self.pages = max(1, pages)
        self.heap_mb = heap_mb
        self.no_sandbox = no_sandbox
        self.chai = Path(chai_path).read_text()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="web-grader", daemon=True)
        self._thread.start()
        self._browser = None
        self._playwright = None
        self._slots = None
        self._start_lock = None  # made on the loop thread, on first use

    # --- lifecycle (on the loop thread) ---

    async def _ensure(self):
        if self._start_lock is None:
            self._start_lock = asyncio.Lock()
        async with self._start_lock:
            return await self._launch()

    async def _launch(self):
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        from playwright.async_api import async_playwright

        if not os.path.exists(self.executable):
            raise BrowserUnavailable(f"Chromium not found at {self.executable}")
        if self._playwright is None:
            self._playwright = await async_playwright().start()
        args = [*CHROMIUM_ARGS, f"--js-flags=--max-old-space-size={int(self.heap_mb)}"]
        if self.no_sandbox:
            args.append("--no-sandbox")
        self._browser = await self._playwright.chromium.launch(
            executable_path=self.executable, headless=True, args=args
        )
        self._slots = asyncio.Semaphore(self.pages)
        # The first page of a new browser pays for its renderer's start-up: pay it here,
        # not out of the first learner's wall time.
        with contextlib.suppress(Exception):
            context = await self._browser.new_context()
            await context.route("**/*", lambda route: route.fulfill(status=200, body="<p>warm</p>"))
            page = await context.new_page()
            await page.goto(f"{ORIGIN}/warm.html")
            await page.evaluate("getComputedStyle(document.body).color")
            await context.close()
        return self._browser

    def close(self) -> None:
        async def _close():
            if self._browser is not None:
                with contextlib.suppress(Exception):
                    await self._browser.close()
            if self._playwright is not None:
                with contextlib.suppress(Exception):
                    await self._playwright.stop()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(_close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)

    # --- one grading ---

    def run_tests(self, *, files: list[dict], tests: list[dict], limits: dict, entry: str | None) -> dict:
        """Grade `tests` against the page made of `files`; the protocol's tests result.
        Each test gets its own fresh context and page load."""
        budget_s = len(tests) * (limits["wall_ms"] / 1000 + 2) + 30
        future = asyncio.run_coroutine_threadsafe(self._grade(files, tests, limits, entry), self._loop)
        return future.result(budget_s)

    async def _grade(self, files, tests, limits, entry) -> dict:
        start = time.perf_counter()
        browser = await self._ensure()
        results = []
        async with self._slots:
            for test in tests:
                results.append(await self._one(browser, files, test, limits, entry))
        return {"status": protocol.OK, "tests": results, "wall_ms": _ms(start)}

    async def _one(self, browser, files, test, limits, entry) -> dict:
        start = time.perf_counter()
        wall_s = limits["wall_ms"] / 1000
        served = {f["name"]: f["content"] for f in files if isinstance(f.get("content"), str)}
        html_name = (
            entry if entry in served else next((n for n in served if n.endswith((".html", ".htm"))), None)
        )
        code_text = served.get(html_name, "") if html_name else ""
        console = _Console(int(limits["output_bytes"]))
        context = await browser.new_context(
            java_script_enabled=True, service_workers="block", accept_downloads=False, bypass_csp=False
        )
        status, message, passed = protocol.OK, "", False
        try:
            await context.route("**/*", lambda route: _serve(route, served))
            await context.add_init_script(self.chai + "\n" + ASSERT_SETUP)
            page = await context.new_page()
            page.on("console", console.add)
            page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.dismiss()))
            page.on("pageerror", lambda exc: console.add_error(exc))
            target = f"{ORIGIN}/{html_name}" if html_name else f"{ORIGIN}/"
            if not html_name:
                served["index.html"] = ""
                target = f"{ORIGIN}/index.html"
            # the wall time covers the page's load and the test, not the browser's setup
            deadline = time.perf_counter() + wall_s
            try:
                await asyncio.wait_for(page.goto(target, wait_until="load"), timeout=wall_s)
                state = await asyncio.wait_for(
                    page.evaluate(_test_script(test.get("code") or "", code_text)),
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
            with contextlib.suppress(Exception):
                await asyncio.wait_for(context.close(), timeout=5)
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


_lock = threading.Lock()
_graders: dict[tuple, BrowserGrader] = {}


def get_grader(
    *, executable: str, pages: int, heap_mb: int, no_sandbox: bool, chai_path: str
) -> BrowserGrader:
    """This process's grader for these settings (a forked child starts its own)."""
    key = (os.getpid(), executable, pages, heap_mb, no_sandbox, chai_path)
    with _lock:
        grader = _graders.get(key)
        if grader is None:
            grader = _graders[key] = BrowserGrader(
                executable=executable,
                pages=pages,
                heap_mb=heap_mb,
                no_sandbox=no_sandbox,
                chai_path=chai_path,
            )
        return grader
