"""Web pages (HTML + CSS + JS) in a fresh V8 isolate per test, with a DOM (linkedom).

The structure half of a web challenge: the learner's `index.html` is parsed into a
document by linkedom (vendor/linkedom.js, bundled from npm by
vendor/build/build-linkedom.sh), the page's own scripts run against it as top-level
scripts in document order (inline `<script>` blocks and `<script src="x.js">` naming a
submitted file), `DOMContentLoaded` and `load` fire, and then the test runs in the
same realm with `document`, `window` and `code` (the HTML text), exactly as a
JavaScript challenge's test does. Everything else is the JavaScript runner's: the
harness (console, timers, output budget), Chai's `assert`, the wall time, the heap
limit, and the worker's hardening. A page whose script loops for ever is stopped at
the wall time like any program.

linkedom computes no styles (no layout, no cascade): a test that calls
`getComputedStyle` goes to the Chromium grader instead (sandbox/browser.py); the
service splits the tests (services/runs.py).
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from .javascript import JavaScriptRunner, _Isolate

# Installed once per isolate, after linkedom and before any learner code: one frozen
# function that builds the page from its HTML and makes `window` the global object.
PAGE_SETUP = r"""
(function () {
  "use strict";
  const parseHTML = globalThis.__linkedom.parseHTML;
  delete globalThis.__linkedom;
  const G = globalThis;
  const DOM_GLOBALS = [
    "Attr", "CharacterData", "Comment", "CustomEvent", "DocumentFragment", "DOMParser",
    "Element", "Event", "EventTarget", "HTMLElement", "InputEvent", "KeyboardEvent",
    "MouseEvent", "MutationObserver", "Node", "NodeList", "Range", "ShadowRoot", "Text",
    "TreeWalker", "XMLSerializer", "HTMLAnchorElement", "HTMLButtonElement",
    "HTMLDivElement", "HTMLFormElement", "HTMLImageElement", "HTMLInputElement",
    "HTMLLIElement", "HTMLParagraphElement", "HTMLSpanElement", "HTMLTemplateElement",
    "customElements", "navigator", "location",
  ];
  function page(html) {
    const dom = parseHTML(html);
    const win = dom.window;
    const doc = dom.document;
    // the DOM's constructors and helpers as globals (HTMLElement, Event, Node...)
    for (const name of DOM_GLOBALS) {
      if (name in G) continue;
      try { G[name] = win[name]; } catch (e) { /* read-only global: keep ours */ }
    }
    G.document = doc;
    G.window = G;
    G.self = G;
    G.addEventListener = (type, fn, opts) => win.addEventListener(type, fn, opts);
    G.removeEventListener = (type, fn, opts) => win.removeEventListener(type, fn, opts);
    G.dispatchEvent = (event) => win.dispatchEvent(event);
    G.getComputedStyle = function () {
      throw new Error("getComputedStyle needs the browser grader: it runs tests that name it.");
    };
    G.alert = (text) => console.log(String(text));
    return "page";
  }
  function loaded() {
    const Event = G.Event;
    G.document.dispatchEvent(new Event("DOMContentLoaded", {bubbles: true}));
    G.dispatchEvent(new Event("load"));
    return "loaded";
  }
  Object.defineProperty(G, "__mrictPage", {
    value: Object.freeze({page, loaded}), writable: false, configurable: false, enumerable: false,
  });
  return "ready";
})()
"""

HTML_EXTENSIONS = (".html", ".htm")
SCRIPT_EXTENSIONS = (".js", ".mjs")


class _Scripts(HTMLParser):
    """The page's scripts in document order: ("src", name) or ("inline", text, line)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple] = []
        self._inline: list[str] | None = None
        self._line = 0

    def handle_starttag(self, tag, attrs):
        if tag != "script":
            return
        attributes = dict(attrs)
        kind = (attributes.get("type") or "").strip().lower()
        if kind not in ("", "text/javascript", "module", "application/javascript"):
            return  # a data block (JSON, a template): not a program
        if attributes.get("src"):
            self.scripts.append(("src", attributes["src"]))
        else:
            self._inline = []
            self._line = self.getpos()[0]

    def handle_data(self, data):
        if self._inline is not None:
            self._inline.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._inline is not None:
            self.scripts.append(("inline", "".join(self._inline), self._line))
            self._inline = None


def _normal_src(src: str) -> str:
    src = src.split("?", 1)[0].split("#", 1)[0].strip()
    while src.startswith("./"):
        src = src[2:]
    return src.lstrip("/")


def page_of(files: list[dict]) -> tuple[str, str, list[dict]]:
    """(html file name, its text, the page's scripts in the order a browser runs them).
    With no HTML file the page is empty and every JavaScript file runs, in order."""
    texts = [f for f in files if isinstance(f.get("content"), str)]
    html_file = next((f for f in texts if f["name"].lower().endswith(HTML_EXTENSIONS)), None)
    by_name = {f["name"]: f["content"] for f in texts}
    if html_file is None:
        scripts = [
            {"name": f["name"], "content": f["content"]}
            for f in texts
            if f["name"].lower().endswith(SCRIPT_EXTENSIONS)
        ]
        return "index.html", "", scripts
    parser = _Scripts()
    parser.feed(html_file["content"])
    parser.close()
    scripts = []
    for index, item in enumerate(parser.scripts):
        if item[0] == "src":
            name = _normal_src(item[1])
            if name in by_name and name.lower().endswith(SCRIPT_EXTENSIONS):
                scripts.append({"name": name, "content": by_name[name]})
        else:
            # keep the HTML's line numbers: an error points at the line in index.html
            text, line = item[1], item[2]
            scripts.append({"name": html_file["name"], "content": "\n" * (line - 1) + text, "inline": index})
    return html_file["name"], html_file["content"], scripts


class WebRunner(JavaScriptRunner):
    language = "web"

    def start(self, config: dict) -> None:
        self._dom = Path(config["dom_path"]).read_text()
        # Isolates with linkedom and Chai ready, beyond the one the JavaScript runner
        # keeps: a web challenge's tests each take a fresh one, and loading linkedom
        # (~30-90 ms) would otherwise land inside the submission's time for all but the
        # first test. Refilled after the reply (idle), never while a learner waits.
        self._spare_count = max(0, int(config.get("web_warm_isolates", 2)))
        self._spares: list[_Isolate] = []
        super().start(config)

    def _take(self, with_assert: bool) -> _Isolate:
        if with_assert and self._warm[True] is None and self._spares:
            return self._spares.pop()
        return super()._take(with_assert)

    def warm_assertions(self) -> None:
        # called before the reply: hand over a spare (cheap), never build one here
        if self._warm[True] is None and self._spares:
            self._warm[True] = self._spares.pop()
            return
        super().warm_assertions()

    def idle(self) -> None:
        super().idle()
        while len(self._spares) < self._spare_count:
            self._spares.append(self._new(True))

    def _new(self, with_assert: bool) -> _Isolate:
        iso = super()._new(with_assert)
        iso.mr.eval(self._dom)
        iso.mr.eval(PAGE_SETUP)
        return iso

    def _program(self, files: list[dict], entry: str | None) -> tuple[list[dict], str]:
        """The scripts to run: build the page, the page's scripts, the load events."""
        _name, html, scripts = page_of(files)
        program = [{"name": "page-setup.js", "content": f"__mrictPage.page({json.dumps(html)})"}]
        program += scripts
        program.append({"name": "page-load.js", "content": "__mrictPage.loaded()"})
        return program, html
