"""A local HTTP server speaking Twilio's Messages API, for tests: the one place SMS
leaves the process. It checks what Twilio checks (the path's account SID, HTTP basic
auth, a form-encoded body with To, From or MessagingServiceSid, and Body) and answers
as Twilio does: 201 with the message resource, or an error `{code, message, status}`.
`failures` is a list of statuses to answer first, one per request (503, 429, 400...)."""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "test-auth-token-0123456789"
SENDER = "+15005550006"
PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")
ERRORS = {
    400: (21211, "The 'To' number is not a valid phone number."),
    401: (20003, "Authenticate"),
    429: (20429, "Too Many Requests"),
    500: (20500, "Internal Server Error"),
    503: (20503, "Service Unavailable"),
}


@dataclass
class TwilioState:
    messages: list[dict] = field(default_factory=list)  # accepted messages (the form fields)
    requests: int = 0
    failures: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def bodies_to(self, number: str) -> list[str]:
        return [m["Body"] for m in self.messages if m["To"] == number]


def _handler(state: TwilioState):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server hook name)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            with state.lock:
                state.requests += 1
                failure = state.failures.pop(0) if state.failures else None
            match = PATH.match(self.path)
            if match is None or match.group(1) != ACCOUNT_SID:
                return self._error(404, 20404, "The requested resource was not found")
            expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                return self._error(401, *ERRORS[401])
            if not self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                return self._error(400, 21601, "Form-encoded body expected")
            form = {k: v[0] for k, v in parse_qs(raw).items()}
            if (
                not form.get("To")
                or not form.get("Body")
                or not (form.get("From") or form.get("MessagingServiceSid"))
            ):
                return self._error(400, 21604, "A 'To', 'From' and 'Body' are required")
            if failure is not None:
                return self._error(failure, *ERRORS.get(failure, (20500, "Error")))
            sid = "SM" + uuid.uuid4().hex
            with state.lock:
                state.messages.append(form)
            self._json(201, {"sid": sid, "status": "queued", "to": form["To"], "body": form["Body"]})

        def _error(self, status: int, code: int, message: str):
            self._json(status, {"code": code, "message": message, "more_info": "", "status": status})

        def _json(self, status: int, payload: dict):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def twilio(settings):
    """Starts the server and points the Twilio provider at it (SMS_PROVIDER=twilio)."""
    state = TwilioState()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_API_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.SMS_FROM = SENDER
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
