"""Mail delivery end to end: the API queues a django-q2 job, the job talks to a real
mail server. Third parties are stood in for at their protocol boundary only: a local
SMTP server (aiosmtpd) and a local HTTP server speaking Postmark's send API (anymail)."""

import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings as django_settings
from django_q.models import Success

from .helpers import assert_error
from .mail_servers import apply_email_url, free_port

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup/"
VERIFY = "/api/v1/auth/verify-email/"


def test_signup_code_travels_over_real_smtp(api, settings, smtp_server):
    controller, inbox = smtp_server
    apply_email_url(settings, f"smtp://127.0.0.1:{controller.port}")
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"

    response = api.post(SIGNUP, {"email": "smtp@example.test", "password": "plum-Tractor-galaxy-81"})
    assert response.status_code == 201

    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    assert recipients == ["smtp@example.test"]
    assert message["From"] == django_settings.DEFAULT_FROM_EMAIL
    assert "verification code" in message["Subject"]
    code = re.search(r"\b(\d{6})\b", message.get_payload(decode=True).decode()).group(1)
    # the mail went through a django-q2 job, not the request
    assert Success.objects.filter(func="learning.accounts.tasks.otp_send").count() == 1

    assert api.post(VERIFY, {"email": "smtp@example.test", "code": code}).status_code == 200


def test_unreachable_smtp_does_not_fail_the_request(api, settings):
    """Delivery happens after the commit, in the job: a mail that cannot go out (or a
    broker that cannot take the job) is logged, the request still succeeds, and the
    user can ask for a new code. (Tests run jobs inline, so here the job itself fails.)"""
    apply_email_url(settings, f"smtp://127.0.0.1:{free_port()}")
    settings.EMAIL_TIMEOUT = 2
    response = api.post(SIGNUP, {"email": "down@example.test", "password": "plum-Tractor-galaxy-81"})
    assert response.status_code == 201
    assert_error(api.post(VERIFY, {"email": "down@example.test", "code": "000000"}), 400, "otp_invalid")


class _PostmarkHandler(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((self.path, dict(self.headers), body))
        reply = json.dumps(
            {
                "To": body["To"],
                "SubmittedAt": "2026-01-01T00:00:00Z",
                "MessageID": "m-1",
                "ErrorCode": 0,
                "Message": "OK",
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


@pytest.fixture
def postmark_api():
    _PostmarkHandler.received = []
    server = HTTPServer(("127.0.0.1", 0), _PostmarkHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", _PostmarkHandler.received
    finally:
        server.shutdown()
        server.server_close()


def test_reset_code_through_anymail_to_an_esp_http_api(api, settings, student, postmark_api):
    url, received = postmark_api
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "server-token-1", "POSTMARK_API_URL": url}
    assert api.post("/api/v1/auth/password/reset/", {"email": student.email}).status_code == 202
    assert len(received) == 1
    path, headers, body = received[0]
    assert path == "/email" and headers["X-Postmark-Server-Token"] == "server-token-1"
    assert body["To"] == student.email and "reset" in body["Subject"]
    assert re.search(r"\b\d{6}\b", body["TextBody"])


def test_mail_settings_come_from_the_environment(tmp_path):
    """EMAIL_URL, EMAIL_BACKEND and ANYMAIL_* (also as *_FILE secrets) as a deployment sets them."""
    secret = tmp_path / "token"
    secret.write_text("from-a-file")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "site_config.settings.base",
        "EMAIL_URL": "smtp+tls://user:pw@mail.example.test:587",
        "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
        "ANYMAIL_POSTMARK_SERVER_TOKEN_FILE": str(secret),
        "ANYMAIL_IGNORE_UNSUPPORTED_FEATURES": "true",
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_BACKEND, s.ANYMAIL]))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    host, port, tls, backend, anymail = json.loads(out.stdout.strip().splitlines()[-1])
    assert (host, port, tls) == ("mail.example.test", 587, True)
    assert backend == "anymail.backends.postmark.EmailBackend"
    assert anymail == {"IGNORE_UNSUPPORTED_FEATURES": "true", "POSTMARK_SERVER_TOKEN": "from-a-file"}
