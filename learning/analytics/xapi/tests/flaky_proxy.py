"""A local HTTP server in front of Ralph that answers the next requests with the
statuses in `failures` (503, 502, 429, ...), one each, and passes every other request
through to Ralph unchanged: an LRS behind an overloaded gateway, for the retry tests."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

_HOP_BY_HOP = {"connection", "transfer-encoding", "content-length", "keep-alive", "content-encoding"}


@dataclass
class FlakyState:
    upstream: str
    failures: list[int] = field(default_factory=list)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(state: FlakyState):
    class Handler(BaseHTTPRequestHandler):
        def _relay(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with state.lock:
                state.requests += 1
                failure = state.failures.pop(0) if state.failures else None
            if failure is not None:
                payload = b'{"detail": "upstream unavailable"}'
                self.send_response(failure)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP | {"host"}}
            answer = requests.request(
                self.command, state.upstream + self.path, data=body, headers=headers, timeout=10
            )
            self.send_response(answer.status_code)
            for key, value in answer.headers.items():
                if key.lower() not in _HOP_BY_HOP:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        do_GET = do_POST = do_PUT = _relay  # noqa: N815 (http.server hook names)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def flaky_lrs(lrs, settings):
    """Forwarding pointed at the proxy in front of Ralph; returns its state."""
    state = FlakyState(upstream=lrs.url)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ANALYTICS_XAPI_ENDPOINT = f"http://127.0.0.1:{server.server_address[1]}/xAPI"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
