"""The fan-out: through the API and django-q2 jobs (inline in tests), batch by batch
with a bounded number of queries, resumable and idempotent, per channel with each
recipient's preferences, to the right audience."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.notifications.models import Delivery, Notification, NotificationPreference
from learning.progress.services import enrollment_create

from ..models import Announcement
from ..tasks import announcement_fan_out
from .helpers import AUTHOR, author_url, bulk_students

pytestmark = pytest.mark.django_db


def _create(api, **fields) -> dict:
    body = {"title": "Exams", "body": "Exams start Monday.", "channels": ["in_app"]} | fields
    response = api.post(AUTHOR, body)
    assert response.status_code == 201, response.content
    return response.json()


def test_fan_out_to_10000_learners_in_batches_with_bounded_queries(api, admin_user, settings):
    settings.ANNOUNCEMENT_BATCH_SIZE = 1000
    settings.ANNOUNCEMENT_BATCHES_PER_JOB = 4  # three jobs: 4 + 4 + 2 batches, then the last look
    crowd = bulk_students(10_000)
    api.login_as(admin_user)
    created = _create(api, target="role", role="student")
    assert created["status"] == "draft"

    with CaptureQueriesContext(connection) as queries:
        sent = api.post(author_url(created["id"], "send"))
    assert sent.status_code == 202 and sent.json()["status"] == "sending"
    assert sent.json()["progress"]["recipient_count"] == 10_000

    polled = api.get(author_url(created["id"])).json()
    assert polled["status"] == "sent" and polled["finished_at"]
    assert polled["progress"] == {
        "recipient_count": 10_000,
        "processed_count": 10_000,
        "notified_count": 10_000,
        "in_app_count": 10_000,
        "deliveries": {},
    }
    key = f"announcement:{created['id']}"
    assert Notification.objects.filter(key=key).count() == 10_000
    assert set(Notification.objects.filter(key=key).values_list("recipient_id", flat=True)) == set(crowd)
    # Batched: a fixed number of statements per batch of 1,000 (lock, ids, users,
    # preferences, two INSERTs of 500, progress; savepoints), never one per recipient.
    inserts = [q for q in queries.captured_queries if re.match(r"\s*INSERT", q["sql"], re.I)]
    assert len(inserts) <= 2 * 10 + 2, len(inserts)
    assert len(queries) <= 20 * 11 + 30, len(queries)


def test_a_rerun_resumes_and_notifies_nobody_twice(api, admin_user, settings):
    settings.ANNOUNCEMENT_BATCH_SIZE = 7
    bulk_students(30)
    api.login_as(admin_user)
    created = _create(api, target="all")
    api.post(author_url(created["id"], "send"))
    announcement = Announcement.objects.get()
    assert announcement.status == "sent" and announcement.notified_count == announcement.recipient_count
    total = Notification.objects.count()

    # a job that died after its batches committed but is run again from the start
    Announcement.objects.update(status="sending", cursor=0, processed_count=0, finished_at=None)
    assert announcement_fan_out(announcement.pk) == "sent"
    assert Notification.objects.count() == total
    assert Notification.objects.filter(key=announcement.key).values("recipient").distinct().count() == total


def test_cancelling_stops_the_remaining_batches(api, admin_user, settings):
    settings.ANNOUNCEMENT_BATCH_SIZE = 5
    settings.ANNOUNCEMENT_BATCHES_PER_JOB = 1
    bulk_students(12)
    api.login_as(admin_user)
    created = _create(api, target="role", role="student")
    announcement = Announcement.objects.get()
    # sent, but its jobs not run yet: the queued job finds it cancelled after one batch
    from .. import services

    services.announcement_send(user=admin_user, announcement=announcement)  # on_commit: not run here
    assert announcement_fan_out(announcement.pk) == "sending"  # one batch, continuation queued
    assert api.post(author_url(created["id"], "cancel")).json()["status"] == "cancelled"
    assert announcement_fan_out(announcement.pk) == "cancelled"
    announcement.refresh_from_db()
    assert announcement.processed_count == 5 and Notification.objects.count() == 5


def test_each_channel_goes_out_as_each_recipient_chose(api, admin_user, student, twilio, build_course):
    course = build_course(title="Web")
    others = bulk_students(2, prefix="learner")
    for user_id in [student.pk, *others]:
        enrollment_create(user=type(student).objects.get(pk=user_id), course=course)
    # the student: SMS on, with a verified number; learner0: no email; learner1: defaults
    from learning.notifications.sms.models import PhoneNumber

    PhoneNumber.objects.create(user=student, number="+447911123456", verified_at="2026-01-01T00:00:00Z")
    NotificationPreference.objects.create(user=student, type="announcement", channel="sms", enabled=True)
    NotificationPreference.objects.create(
        user_id=others[0], type="announcement", channel="email", enabled=False
    )

    api.login_as(admin_user)
    created = _create(api, target="course", course=course.pk, channels=["in_app", "email", "sms"])
    assert api.post(author_url(created["id"], "send")).status_code == 202
    progress = api.get(author_url(created["id"])).json()["progress"]
    assert progress | {"deliveries": None} == {
        "recipient_count": 3,
        "processed_count": 3,
        "notified_count": 3,
        "in_app_count": 3,
        "deliveries": None,
    }
    assert progress["deliveries"] == {"email": 2, "sms": 1}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["student@example.test", "learner1@example.test"])
    assert all("Exams" in m.subject or "Exams" in m.body for m in mail.outbox)
    assert twilio.bodies_to("+447911123456") == ["Mr ICT: Exams\nExams start Monday."]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    link = Notification.objects.filter(recipient=student).values("target_kind", "target_id").get()
    assert link == {"target_kind": "announcement", "target_id": created["id"]}


def test_the_audience_is_the_target(api, admin_user, student, teacher, other_teacher, build_course):
    course = build_course(title="Web")
    enrollment_create(user=student, course=course)
    api.login_as(admin_user)

    def recipients(**target) -> set:
        created = _create(api, **target)
        api.post(author_url(created["id"], "send"))
        return set(
            Notification.objects.filter(key=f"announcement:{created['id']}").values_list(
                "recipient__email", flat=True
            )
        )

    assert recipients(target="role", role="teacher") == {teacher.email, other_teacher.email}
    assert recipients(target="role", role="admin") == {admin_user.email}
    assert recipients(target="course", course=course.pk) == {student.email}
    everyone = recipients(target="all")
    assert {student.email, teacher.email, other_teacher.email, admin_user.email} <= everyone
    student.is_active = False
    student.save()
    assert student.email not in recipients(target="all")
