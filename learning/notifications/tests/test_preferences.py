"""Channels per user and type: defaults from the registry, changes through the API,
notify() honouring them per channel, and the mails' unsubscribe links (no login,
signed: a forged or altered token does nothing)."""

import pytest
from django.core import signing

from learning.accounts.tests.factories import UserFactory
from learning.accounts.tests.helpers import assert_error
from learning.notifications.models import Delivery, Notification, NotificationPreference
from learning.notifications.services import notify
from learning.notifications.tokens import SALT, unsubscribe_token

pytestmark = pytest.mark.django_db

PREFS = "/api/v1/notifications/preferences/"


def _channels(body, key):
    return next(t["channels"] for t in body["types"] if t["key"] == key)


def test_defaults_changes_and_notify_respects_each_channel(student, client_for, committed):
    api = client_for(student)
    body = api.get(PREFS).json()
    assert body["channels"][:2] == ["in_app", "email"]
    assert _channels(body, "badge_awarded") == {
        **_channels(body, "badge_awarded"),
        "in_app": True,
        "email": True,
    }
    assert _channels(body, "quiz_graded")["email"] is False  # in-app only by default

    changed = api.patch(
        PREFS,
        {
            "preferences": [
                {"type": "badge_awarded", "channel": "email", "enabled": False},
                {"type": "admin_message", "channel": "in_app", "enabled": False},
                {"type": "quiz_graded", "channel": "email", "enabled": True},
            ]
        },
    )
    assert changed.status_code == 200
    assert _channels(changed.json(), "badge_awarded")["email"] is False
    assert _channels(changed.json(), "quiz_graded")["email"] is True

    with committed():
        badge = notify(recipients=[student], type="badge_awarded", title="Badge")
        admin = notify(recipients=[student], type="admin_message", title="Admin")
        quiz = notify(recipients=[student], type="quiz_graded", title="Quiz")
    assert (badge.in_app, badge.deliveries["email"]) == (1, 0)
    assert (admin.in_app, admin.deliveries["email"]) == (0, 1)
    assert (quiz.in_app, quiz.deliveries["email"]) == (1, 1)
    assert set(Delivery.objects.values_list("notification__title", flat=True)) == {"Admin", "Quiz"}
    inbox = [n["title"] for n in api.get("/api/v1/notifications/").json()["results"]]
    assert inbox == ["Quiz", "Badge"]

    # every channel off for a type: nothing is created at all
    api.patch(PREFS, {"preferences": [{"type": "level_reached", "channel": "in_app", "enabled": False}]})
    assert notify(recipients=[student], type="level_reached", title="Level").skipped == 1
    assert not Notification.objects.filter(type="level_reached").exists()


def test_bad_preference_changes_are_400_and_change_nothing(student, client_for):
    api = client_for(student)
    bad = [
        ({"preferences": [{"type": "nope", "channel": "email", "enabled": False}]}, "preferences.0.type"),
        (
            {"preferences": [{"type": "badge_awarded", "channel": "pigeon", "enabled": False}]},
            "preferences.0.channel",
        ),
        ({"preferences": []}, "preferences.non_field_errors"),
        ({"preferences": [{"type": "badge_awarded", "channel": "email"}]}, "preferences.0.enabled"),
        ({"preferences": [{"type": "badge_awarded", "channel": "email", "enabled": False, "x": 1}]}, None),
    ]
    for body, attr in bad:
        assert_error(api.patch(PREFS, body, format="json"), 400, attr=attr)
    mixed = {
        "preferences": [
            {"type": "badge_awarded", "channel": "email", "enabled": False},
            {"type": "nope", "channel": "email", "enabled": False},
        ]
    }
    assert_error(api.patch(PREFS, mixed, format="json"), 400, attr="preferences.1.type")
    assert not NotificationPreference.objects.exists()
    assert_error(client_for(None).get(PREFS), 401)


def _mail_link(smtp) -> str:
    _, message = smtp.messages[-1]
    return message["List-Unsubscribe"].strip().strip("<>")


def test_unsubscribe_from_the_mail_without_login(student, smtp, client_for, committed):
    with committed():
        notify(recipients=[student], type="badge_awarded", title="Badge")
    link = _mail_link(smtp)
    path = link.split("localhost:8000", 1)[1]
    anonymous = client_for(None)

    described = anonymous.get(path)  # GET changes nothing (mail scanners follow links)
    assert described.json() == {
        "type": "badge_awarded",
        "type_label": "Badges earned",
        "channel": "email",
        "subscribed": True,
    }
    # RFC 8058 one-click: the mail client POSTs a form body
    done = anonymous.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert done.status_code == 200 and done.json()["subscribed"] is False
    assert anonymous.get(path).json()["subscribed"] is False
    assert anonymous.post(path).status_code == 200  # idempotent

    with committed():
        badge = notify(recipients=[student], type="badge_awarded", title="Badge 2")
        other = notify(recipients=[student], type="certificate_issued", title="Certificate")
    assert badge.deliveries["email"] == 0 and badge.in_app == 1  # only that type's email
    assert other.deliveries["email"] == 1

    # the "all" link of the body: every type's email off
    _, message = smtp.messages[-1]
    text = message.get_payload()[0].get_payload(decode=True).decode()
    all_path = text.split("Stop all notification emails: ", 1)[1].split()[0].split("localhost:8000", 1)[1]
    assert anonymous.get(all_path).json()["type"] == "*"
    assert anonymous.post(all_path).json()["subscribed"] is False
    with committed():
        after = notify(recipients=[student], type="certificate_issued", title="Certificate 2")
    assert after.deliveries["email"] == 0 and after.in_app == 1
    body = client_for(student).get(PREFS).json()
    assert body["all_types"]["email"] is False
    assert not any(t["channels"]["email"] for t in body["types"])


def test_unsubscribe_tokens_cannot_be_forged_or_altered(student, client_for):
    anonymous = client_for(None)
    victim = UserFactory()
    genuine = unsubscribe_token(user_id=student.pk, type="badge_awarded")
    payload, _, signature = genuine.rpartition(":")
    # another user's id with the student's signature; a token signed with another salt
    # or key; a plain unsigned payload; garbage
    swapped = signing.dumps({"u": victim.pk, "t": "badge_awarded", "c": "email"}, salt=SALT)
    forged = [
        swapped.rpartition(":")[0] + ":" + signature,
        signing.dumps({"u": victim.pk, "t": "*", "c": "email"}, salt="another-salt"),
        signing.dumps({"u": victim.pk, "t": "*", "c": "email"}, salt=SALT, key="not-the-secret-key"),
        payload,
        "x",
    ]
    for token in forged:
        assert_error(anonymous.post(f"/api/v1/notifications/unsubscribe/{token}/"), 404)
        assert_error(anonymous.get(f"/api/v1/notifications/unsubscribe/{token}/"), 404)
    assert_error(anonymous.post("/api/v1/notifications/unsubscribe/a%20b/"), 404)
    assert not NotificationPreference.objects.exists()
    # a token for a type that is not registered, or of a user who left, does nothing either
    for token in (
        unsubscribe_token(user_id=student.pk, type="made_up"),
        unsubscribe_token(user_id=10**9, type="*"),
    ):
        assert_error(anonymous.post(f"/api/v1/notifications/unsubscribe/{token}/"), 404)
    assert anonymous.post(f"/api/v1/notifications/unsubscribe/{genuine}/").status_code == 200
    assert list(NotificationPreference.objects.values_list("user_id", "type", "channel", "enabled")) == [
        (student.pk, "badge_awarded", "email", False)
    ]
