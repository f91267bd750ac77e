"""The event contract: the typed events published on the bus (as rewards, assessments
and recordings publish them) become notifications for the right people, once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.tests.fixtures import course_build, ensure_course_index
from learning.accounts.tests.factories import UserFactory
from learning.events import CertificateIssued, LevelReached, QuizSubmitted, RecordingPublished, bus
from learning.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(teacher, admin_user):
    ensure_course_index()
    return course_build(owner=teacher, admin=admin_user, title="Web basics")


def _inbox(user):
    return list(
        Notification.objects.filter(recipient=user).values_list("type", "title", "target_kind", "target_id")
    )


def test_certificate_level_and_quiz_events(student, course, committed, mailoutbox):
    now = timezone.now()
    with committed():
        bus.publish(
            CertificateIssued(
                user_id=student.pk,
                certificate_id=9,
                course_id=course.pk,
                serial="MRICT-0009",
                occurred_at=now,
            )
        )
        bus.publish(LevelReached(user_id=student.pk, level=3, occurred_at=now))
        bus.publish(
            QuizSubmitted(
                user_id=student.pk, quiz_id=10**6, score=7.5, max_score=10, attempt_id=5, passed=True
            )
        )
    assert sorted(_inbox(student)) == [
        ("certificate_issued", "Your certificate for Web basics is ready", "certificate", 9),
        ("level_reached", "You reached level 3", "", None),
        ("quiz_graded", "your quiz: 7.5 / 10 (passed)", "quiz", 10**6),
    ]
    # email by default only for the certificate (registry defaults)
    assert [m.subject for m in mailoutbox] == ["Mr ICT: Your certificate for Web basics is ready"]
    with committed():  # the same events again: nothing new
        bus.publish(LevelReached(user_id=student.pk, level=3, occurred_at=now))
        bus.publish(
            QuizSubmitted(
                user_id=student.pk, quiz_id=10**6, score=7.5, max_score=10, attempt_id=5, passed=True
            )
        )
    assert len(_inbox(student)) == 3


def _publish_recording(course, recording_id):
    bus.publish(
        RecordingPublished(
            recording_id=recording_id,
            course_id=course.pk,
            lesson_id=None,
            snapshot_count=0,
            duration_ms=None,
            occurred_at=timezone.now(),
        )
    )


def test_recording_published_reaches_the_courses_active_learners_in_batches(
    course, admin_user, committed, settings, mailoutbox
):
    from learning.progress.models import Enrollment
    from learning.recordings.services import recording_create

    settings.NOTIFICATIONS_BATCH_SIZE = 10
    recording = recording_create(user=admin_user, title="Flexbox live", course=course)
    learners = [UserFactory() for _ in range(23)]
    now = timezone.now()
    Enrollment.objects.bulk_create(
        [Enrollment(user=u, course=course, enrolled_at=now) for u in learners[:20]]
        + [Enrollment(user=u, course=course, enrolled_at=now, active=False) for u in learners[20:]]
    )
    with CaptureQueriesContext(connection) as queries, committed():
        _publish_recording(course, recording.pk)
    notified = set(
        Notification.objects.filter(type="recording_published").values_list("recipient_id", flat=True)
    )
    assert notified == {u.pk for u in learners[:20]}
    assert (
        Notification.objects.filter(title="New recording: Flexbox live", body="In Web basics.").count() == 20
    )
    assert Delivery.objects.filter(status="sent").count() == 20 and len(mailoutbox) == 20
    inserts = [
        q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "notifications_notification"')
    ]
    assert len(inserts) == 2  # 20 learners, batches of 10: one INSERT per batch

    with committed():  # published again (after an unpublish): no second notification
        _publish_recording(course, recording.pk)
    assert Notification.objects.filter(type="recording_published").count() == 20
