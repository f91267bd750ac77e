"""The admin API: an admin notifies chosen users; nobody else may; bad input is a 400
that sends nothing."""

import pytest

from learning.accounts.tests.factories import UserFactory
from learning.accounts.tests.helpers import assert_error
from learning.notifications.models import Notification

pytestmark = pytest.mark.django_db

SEND = "/api/v1/notifications/send/"


def test_an_admin_notifies_users_with_a_link(admin_user, student, teacher, client_for, mailoutbox):
    body = {
        "recipients": [student.pk, teacher.pk, student.pk],
        "title": "Maintenance tonight",
        "body": "The site is down 22:00-23:00.",
        "link": {"kind": "url", "url": "https://status.example.test/"},
    }
    sent = client_for(admin_user).post(SEND, body, format="json")
    assert sent.status_code == 201, sent.content
    assert sent.json() == {
        "notifications": 2,
        "in_app": 2,
        "deliveries": {"email": 2, "sms": 0},
        "skipped": 0,
    }
    assert len(mailoutbox) == 2
    inbox = client_for(student).get("/api/v1/notifications/").json()["results"]
    assert [(n["type"], n["title"], n["link"]["url"]) for n in inbox] == [
        ("admin_message", "Maintenance tonight", "https://status.example.test/")
    ]
    only_in_app = client_for(admin_user).post(
        SEND, {"recipients": [student.pk], "title": "Quiet", "channels": ["in_app"]}, format="json"
    )
    assert only_in_app.json()["deliveries"] == {}


def test_only_admins_send_and_bad_input_sends_nothing(admin_user, student, teacher, client_for, settings):
    body = {"recipients": [student.pk], "title": "Hi"}
    assert_error(client_for(student).post(SEND, body, format="json"), 403)
    assert_error(client_for(teacher).post(SEND, body, format="json"), 403)
    assert_error(client_for(None).post(SEND, body, format="json"), 401)
    admin = client_for(admin_user)
    gone = UserFactory(is_active=False)
    cases = [
        ({"recipients": [student.pk, 10**12], "title": "x"}, "unknown_user", "recipients"),
        ({"recipients": [gone.pk], "title": "x"}, "unknown_user", "recipients"),
        ({"recipients": [], "title": "x"}, "min_length", "recipients"),
        ({"recipients": [0], "title": "x"}, "min_value", "recipients.0"),
        ({"recipients": [student.pk], "title": ""}, "blank", "title"),
        ({"recipients": [student.pk], "title": "x" * 201}, "max_length", "title"),
        ({"recipients": [student.pk], "title": "x", "channels": ["pigeon"]}, "invalid_choice", "channels.0"),
        ({"recipients": [student.pk], "title": "x", "link": {"kind": "course"}}, "required", "link.id"),
        (
            {"recipients": [student.pk], "title": "x", "link": {"kind": "url", "url": "nope"}},
            "invalid",
            "link.url",
        ),
        (
            {"recipients": [student.pk], "title": "x", "link": {"kind": "planet", "id": 1}},
            "invalid_choice",
            "link.kind",
        ),
        ({"recipients": [student.pk], "title": "x", "sender": 1}, "unknown_field", None),
    ]
    for payload, code, attr in cases:
        assert_error(admin.post(SEND, payload, format="json"), 400, code, attr)
    settings.NOTIFICATIONS_ADMIN_MAX_RECIPIENTS = 1
    assert_error(
        admin.post(SEND, {"recipients": [student.pk, teacher.pk], "title": "x"}, format="json"),
        400,
        "too_many",
    )
    assert not Notification.objects.exists()
