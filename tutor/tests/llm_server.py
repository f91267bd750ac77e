"""A real HTTP server speaking the OpenAI chat-completions protocol, started by a test
(the LLM's protocol boundary: nothing of ours is patched). It answers
`POST /v1/chat/completions` plainly or as Server-Sent Events chunks (`"stream": true`),
`GET /v1/models`, and can fail on purpose: an HTTP 500, or a reply slower than the
client's timeout. Every request body it received is kept in `requests`.

    with FakeLLM(reply=lambda body: "hello") as llm:
        settings.LLM_BASE_URL = llm.base_url
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeLLM:
    def __init__(self, reply: Callable[[dict], str] | str = "ok", *, chunk_size: int = 12):
        self.reply = reply
        self.chunk_size = chunk_size
        self.fail_status: int | None = None  # answer every call with this status
        self.fail_times: int | None = None  # ... only this many times, then reply
        self.delay = 0.0  # seconds before answering (a timeout when above the client's)
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self.calls = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeLLM:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def text_for(self, body: dict) -> str:
        return self.reply(body) if callable(self.reply) else self.reply

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
                    self.wfile.write(data)

            def do_GET(self):
                if self.path.rstrip("/").endswith("/models"):
                    self._json(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._json(404, {"error": {"message": "not found"}})
                    return
                fake.calls += 1
                fake.requests.append(body)
                fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                if fake.delay:
                    time.sleep(fake.delay)
                if fake.fail_status and (fake.fail_times is None or fake.calls <= fake.fail_times):
                    self._json(
                        fake.fail_status,
                        {"error": {"message": "the model crashed", "type": "server_error", "code": None}},
                    )
                    return
                text = fake.text_for(body)
                model = body.get("model", "fake")
                if body.get("stream"):
                    self._stream(text, model)
                else:
                    self._json(
                        200,
                        {
                            "id": f"chatcmpl-{fake.calls}",
                            "object": "chat.completion",
                            "created": int(time.time()),
                            "model": model,
                            "choices": [
                                {
                                    "index": 0,
                                    "message": {"role": "assistant", "content": text},
                                    "finish_reason": "stop",
                                }
                            ],
                            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                        },
                    )

            def _stream(self, text: str, model: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                pieces = [text[i : i + fake.chunk_size] for i in range(0, len(text), fake.chunk_size)]
                base = {"id": f"chatcmpl-{fake.calls}", "object": "chat.completion.chunk", "model": model}
                try:
                    for i, piece in enumerate(pieces):
                        delta = {"content": piece} | ({"role": "assistant"} if i == 0 else {})
                        chunk = base | {
                            "created": int(time.time()),
                            "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
                        }
                        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                        self.wfile.flush()
                    end = base | {
                        "created": int(time.time()),
                        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                    }
                    self.wfile.write(f"data: {json.dumps(end)}\n\n".encode())
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client cut the stream (the output check stops a leak early)

        return Handler
