"""The sandbox as its own service: a small HTTP server in front of one WorkerPool.

`python manage.py sandbox_server --port 8800` runs it; the web app uses it when
SANDBOX_URL is set. Production puts it in its own container (docker-compose.yml,
service `sandbox`), where a stronger boundary (gVisor's runsc, a separate user, no
network) can be added without touching the web app.

    POST /v1/jobs   {"job": {...protocol job...}, "wait_ms": 3000}
                    200 the result | 400 bad job | 401 bad token | 429 busy | 503 down
                    (503 {"code": "browser_unavailable"} for a style test without Chromium)
    GET  /health    200 {"ok": true, "pool": {...}}

A job with `"engine": "browser"` (a web challenge's style tests) goes to the
service's browser workers (browser_worker.py: Chromium as an unprivileged user, its own
sandbox on), every other job to the V8 workers. The service trusts its own settings,
not the caller's: job limits are clamped to them. With SANDBOX_TOKEN set, every request
needs `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import hmac
import json
import logging
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import protocol
from .backends import BrowserUnavailable, browser_missing, clamp_limits, job_engine, job_timeout_s
from .pool import BROWSER, PoolBusy, SandboxUnavailable, WorkerPool

log = logging.getLogger("mrict.sandbox")
MAX_BODY = 8 * 1024 * 1024
JOB_KINDS = ("run", "tests", "selfcheck")


def validate_job(job) -> dict:
    if not isinstance(job, dict) or job.get("kind") not in JOB_KINDS:
        raise ValueError("job.kind must be one of " + ", ".join(JOB_KINDS))
    if job.get("language") not in protocol.SUPPORTED_LANGUAGES:
        raise ValueError("unsupported language")
    clean = {"kind": job["kind"], "language": job["language"]}
    if job.get("engine", "v8") not in ("v8", BROWSER):
        raise ValueError("job.engine must be v8 or browser")
    if job_engine(job) == BROWSER:
        if job["language"] != "web" or job["kind"] == "run":
            raise ValueError("the browser engine grades web challenges' tests only")
        clean["engine"] = BROWSER
    if job["kind"] == "selfcheck":
        return clean
    files = job.get("files")
    if not isinstance(files, list) or not all(
        isinstance(f, dict) and isinstance(f.get("name"), str) and isinstance(f.get("content"), str)
        for f in files
    ):
        raise ValueError("job.files must be a list of {name, content}")
    clean["files"] = [{"name": f["name"], "content": f["content"]} for f in files]
    clean["limits"] = clamp_limits(job.get("limits"), job_engine(clean))
    if job["kind"] == "run":
        clean["stdin"] = job.get("stdin") if isinstance(job.get("stdin"), str) else ""
    else:
        tests = job.get("tests")
        if not isinstance(tests, list) or not all(isinstance(t, dict) for t in tests):
            raise ValueError("job.tests must be a list")
        clean["tests"] = tests
        if isinstance(job.get("entry"), str):
            clean["entry"] = job["entry"]
    return clean


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, pool: WorkerPool, token: str, max_wait_ms: int, browser_pool=None):
        super().__init__(address, _Handler)
        self.pool = pool
        self.token = token
        self.max_wait_ms = max_wait_ms
        # a callable returning the browser workers' pool (started on first use)
        self.browser_pool = browser_pool

    def pool_for(self, job: dict) -> WorkerPool:
        if job_engine(job) != BROWSER:
            return self.pool
        missing = browser_missing()
        if missing or self.browser_pool is None:
            raise BrowserUnavailable(missing or "this sandbox service runs no browser workers")
        return self.browser_pool()


class _Handler(BaseHTTPRequestHandler):
    server: SandboxServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's name
        log.debug("sandbox-server %s", format % args)

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        if not self.server.token:
            return True
        given = self.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {self.server.token}".encode())

    def do_GET(self):  # noqa: N802 - http.server's naming
        if self.path != "/health":
            return self._send(HTTPStatus.NOT_FOUND, {"error": "not found"})
        body = {"ok": True, "pool": self.server.pool.info()}
        from .backends import browser_pool_if_started

        browsers = browser_pool_if_started()
        if browsers is not None:
            body["browser_pool"] = browsers.info()
        return self._send(HTTPStatus.OK, body)

    def do_POST(self):  # noqa: N802
        if self.path != "/v1/jobs":
            return self._send(HTTPStatus.NOT_FOUND, {"error": "not found"})
        if not self._authorised():
            return self._send(HTTPStatus.UNAUTHORIZED, {"error": "bad token"})
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            return self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "body too large"})
        try:
            body = json.loads(self.rfile.read(length))
            job = validate_job(body.get("job"))
            wait_ms = min(int(body.get("wait_ms", self.server.max_wait_ms)), self.server.max_wait_ms)
        except (ValueError, AttributeError, TypeError) as exc:
            return self._send(HTTPStatus.BAD_REQUEST, {"error": str(exc)[:200]})
        try:
            timeout_s = job_timeout_s(job) if job["kind"] != "selfcheck" else 30.0
            pool = self.server.pool_for(job)
            result = pool.run(job, wait_s=max(wait_ms, 0) / 1000, timeout_s=timeout_s)
        except PoolBusy:
            return self._send(HTTPStatus.TOO_MANY_REQUESTS, {"error": "busy"})
        except BrowserUnavailable as exc:
            body = {"error": str(exc), "code": "browser_unavailable"}
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, body)
        except SandboxUnavailable as exc:
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, {"error": str(exc)})
        return self._send(HTTPStatus.OK, result)
