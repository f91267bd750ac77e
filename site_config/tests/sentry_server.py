"""A local server that speaks Sentry's ingest protocol: it accepts envelopes
(POST /api/<project>/envelope/, gzip or brotli or plain) and keeps their items, so a
test points SENTRY_DSN at it and reads what the SDK really sent."""

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def parse_envelope(raw: bytes) -> tuple[dict, list[tuple[dict, bytes]]]:
    """(envelope header, [(item header, payload bytes)]) of one envelope."""
    header_line, _, rest = raw.partition(b"\n")
    items = []
    while rest.strip():
        item_line, _, rest = rest.partition(b"\n")
        item_header = json.loads(item_line)
        if "length" in item_header:
            length = item_header["length"]
            payload, rest = rest[:length], rest[length:]
            rest = rest[1:] if rest.startswith(b"\n") else rest
        else:
            payload, _, rest = rest.partition(b"\n")
        items.append((item_header, payload))
    return json.loads(header_line), items


class _Ingest(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.server.received.append((self.path, self.headers.get("X-Sentry-Auth", ""), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


class SentryIngestServer:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Ingest)
        self.httpd.received = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def dsn(self) -> str:
        return f"http://publickey@127.0.0.1:{self.httpd.server_port}/42"

    @property
    def raw(self) -> list[bytes]:
        return [body for _, _, body in self.httpd.received]

    def events(self) -> list[dict]:
        """Every error event received (items of type "event")."""
        found = []
        for path, _, body in self.httpd.received:
            assert path == "/api/42/envelope/", path
            _, items = parse_envelope(body)
            found += [json.loads(payload) for header, payload in items if header.get("type") == "event"]
        return found

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
