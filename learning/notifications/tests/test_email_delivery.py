"""Email delivery end to end against a real SMTP server (the accounts tests' aiosmtpd
peer): an event on the bus becomes a notification, its delivery job mails it (text +
HTML, List-Unsubscribe), the delivery records the outcome; temporary failures are
retried with backoff by the scheduled sweep, permanent ones fail at once."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone
from django_q.tasks import async_task

from learning.accounts.tests.factories import UserFactory
from learning.events import BadgeAwarded, bus
from learning.notifications.models import Delivery, Notification
from learning.notifications.services import notify

pytestmark = pytest.mark.django_db


def _badge(user, award_id=1):
    return BadgeAwarded(
        user_id=user.pk, badge_id=42, badge_slug="first-steps", award_id=award_id, occurred_at=timezone.now()
    )


def test_an_event_becomes_a_mail_over_smtp_with_both_parts_and_unsubscribe(student, smtp, committed):
    with committed():
        bus.publish(_badge(student))

    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == [student.email]
    assert message["Subject"] == "Mr ICT: You earned the first steps badge"
    assert message.get_content_type() == "multipart/alternative"
    text, html = (part.get_payload(decode=True).decode() for part in message.get_payload())
    assert "You earned the first steps badge" in text and "<h1" in html
    unsubscribe = message["List-Unsubscribe"].strip()
    assert unsubscribe.startswith("<http") and "/api/v1/notifications/unsubscribe/" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in text and "Stop all notification emails" in text

    delivery = Delivery.objects.get(notification__recipient=student)
    assert (delivery.channel, delivery.status, delivery.attempts) == ("email", "sent", 1)
    assert delivery.provider_message_id == message["Message-ID"] and delivery.sent_at is not None
    inbox = Notification.objects.get(recipient=student)
    assert (inbox.type, inbox.target_kind, inbox.target_id, inbox.in_app) == (
        "badge_awarded",
        "badge",
        42,
        True,
    )

    # the same event again (a retried job): no second notification, no second mail
    with committed():
        bus.publish(_badge(student))
    assert Notification.objects.filter(recipient=student).count() == 1
    assert len(smtp.messages) == 1


def test_a_temporary_failure_is_retried_with_backoff_then_sent(student, smtp, committed, settings):
    settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS = 60
    smtp.replies = ["451 4.3.0 Mailbox busy, try later"]
    with committed():
        notify(recipients=[student], type="admin_message", title="Retry me")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert "451" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert smtp.messages == []

    # the every-minute sweep (setup_schedules) finds nothing due yet...
    with committed():
        assert async_task("learning.notifications.tasks.deliveries_retry_due", sync=True) is not None
    delivery.refresh_from_db()
    assert delivery.status == "queued" and smtp.messages == []
    # ...and once the backoff has passed, it sends
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    with committed():
        async_task("learning.notifications.tasks.deliveries_retry_due", sync=True)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert [m["Subject"] for _, m in smtp.messages] == ["Mr ICT: Retry me"]


def test_the_backoff_doubles_and_the_attempts_run_out(student, smtp, committed, settings):
    settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS = 10
    settings.NOTIFICATIONS_DELIVERY_MAX_ATTEMPTS = 3
    smtp.replies = ["451 busy"] * 3
    with committed():
        notify(recipients=[student], type="admin_message", title="Never")
    waits = []
    for _ in range(2):
        delivery = Delivery.objects.get()
        waits.append((delivery.next_attempt_at - delivery.updated_at).total_seconds())
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        with committed():
            async_task("learning.notifications.tasks.deliveries_retry_due", sync=True)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "451" in delivery.last_error
    assert [round(w) for w in waits] == [10, 20]
    assert smtp.messages == []


def test_permanent_refusals_fail_at_once(student, smtp, committed):
    unverified = UserFactory(email_verified=False)
    smtp.replies = ["550 5.1.1 No such mailbox"]
    with committed():
        notify(recipients=[student, unverified], type="admin_message", title="Hello")
    refused = Delivery.objects.get(notification__recipient=student)
    assert (refused.status, refused.attempts) == ("failed", 1) and "550" in refused.last_error
    skipped = Delivery.objects.get(notification__recipient=unverified)
    assert skipped.status == "failed" and "not verified" in skipped.last_error
    assert smtp.messages == []


def test_an_unreachable_server_leaves_the_delivery_queued(student, settings, committed):
    from learning.accounts.tests.mail_servers import apply_email_url, free_port

    apply_email_url(settings, f"smtp://127.0.0.1:{free_port()}")
    settings.EMAIL_TIMEOUT = 2
    with committed():
        result = notify(recipients=[student], type="admin_message", title="Down")
    assert result.deliveries == {"email": 1, "sms": 0}  # nobody has a verified phone
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert "Connection" in delivery.last_error or "refused" in delivery.last_error.lower()


def test_a_title_with_line_breaks_makes_a_one_line_subject(student, smtp, committed):
    with committed():
        notify(recipients=[student], type="admin_message", title="Line one\r\nBcc: victim@example.test")
    [(recipients, message)] = smtp.messages
    assert recipients == [student.email] and message["Bcc"] is None
    assert message["Subject"] == "Mr ICT: Line one Bcc: victim@example.test"
    assert Delivery.objects.get().status == "sent"


class _Postmark(BaseHTTPRequestHandler):
    """Postmark's send API as django-anymail calls it: 200 with a MessageID, or the
    queued status codes of `replies` first."""

    received: list = []
    replies: list = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        status = self.replies.pop(0) if self.replies else 200
        self.received.append((status, body))
        reply = {
            "To": body["To"],
            "SubmittedAt": "2026-01-01T00:00:00Z",
            "MessageID": "pm-77",
            "ErrorCode": 0,
            "Message": "OK",
        }
        if status != 200:
            reply = {"ErrorCode": 100, "Message": "Maintenance"}
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_through_anymail_the_provider_id_is_recorded_and_a_5xx_retried(student, settings, committed):
    _Postmark.received, _Postmark.replies = [], [503]
    server = HTTPServer(("127.0.0.1", 0), _Postmark)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
        settings.ANYMAIL = {
            "POSTMARK_SERVER_TOKEN": "t",
            "POSTMARK_API_URL": f"http://127.0.0.1:{server.server_port}/",
        }
        with committed():
            notify(recipients=[student], type="admin_message", title="Via ESP")
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts) == ("queued", 1) and "503" in delivery.last_error
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        with committed():
            async_task("learning.notifications.tasks.deliveries_retry_due", sync=True)
    finally:
        server.shutdown()
        server.server_close()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.provider_message_id) == ("sent", 2, "pm-77")
    (_, failed), (_, sent) = _Postmark.received
    assert sent["Subject"] == "Mr ICT: Via ESP" and "Via ESP" in sent["HtmlBody"] and sent["TextBody"]
    headers = {h["Name"]: h["Value"] for h in sent["Headers"]}
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
