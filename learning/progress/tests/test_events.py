import datetime as dt
import math
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms import services as cms_services
from learning.events import CourseCompleted, LessonCompleted, LessonStarted, bus
from learning.progress.models import CourseCompletion, LessonProgress, ProgressEvent

from .conftest import event

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_events():
    seen = []

    def handler(e):
        seen.append(e)

    bus.subscribe(LessonCompleted, handler)
    bus.subscribe(CourseCompleted, handler)
    yield seen
    bus.unsubscribe(LessonCompleted, handler)
    bus.unsubscribe(CourseCompleted, handler)


def post(client, payload):
    return client.post("/api/v1/progress/events/", payload, format="json")


def test_single_event_and_batch_forms(learner, lessons):
    single = post(learner, event(lessons[0].pk, "lesson_started", position={"block": 2}))
    assert single.status_code == 200
    assert single.json()["accepted"] == 1
    batch = post(learner, [event(lessons[1].pk, "lesson_viewed"), event(lessons[1].pk, "lesson_completed")])
    assert batch.json()["accepted"] == 2
    wrapped = post(learner, {"events": [event(lessons[2].pk, "lesson_started")]})
    assert wrapped.json()["accepted"] == 1
    assert ProgressEvent.objects.count() == 4


def test_a_retried_batch_changes_nothing_and_names_the_duplicates(learner, lessons, student):
    batch = [event(lesson.pk) for lesson in lessons[:3]]
    assert post(learner, batch).json()["accepted"] == 3
    before = list(LessonProgress.objects.filter(user=student).values())
    retry = post(learner, batch).json()
    assert (retry["accepted"], retry["duplicates"]) == (0, 3)
    assert {r["event_id"] for r in retry["results"]} == {e["event_id"] for e in batch}
    assert all(r["status"] == "duplicate" for r in retry["results"])
    assert list(LessonProgress.objects.filter(user=student).values()) == before
    assert ProgressEvent.objects.count() == 3


def test_the_same_event_twice_in_one_batch_is_stored_once(learner, lessons):
    e = event(lessons[0].pk)
    body = post(learner, [e, e]).json()
    assert [r["status"] for r in body["results"]] == ["accepted", "duplicate"]


def test_mixed_batch_rejects_per_item_with_reasons(learner, lessons, build_course, admin_user, student):
    other = build_course(title="Not enrolled")
    other_lesson = other.get_descendants().type(cms_services.LessonPage).first()
    unpublished = lessons[3]
    unpublished.unpublish()
    batch = [
        event(lessons[0].pk),  # ok
        event(other_lesson.pk),  # not enrolled
        event(unpublished.pk),  # unpublished
        event(lessons[1].pk, occurred_at=timezone.now() + dt.timedelta(days=2)),  # in the future
        {
            "event_id": "not-a-uuid",
            "type": "lesson_started",
            "lesson_id": lessons[1].pk,
            "occurred_at": timezone.now().isoformat(),
        },
        event(lessons[1].pk, type="lesson_exploded"),
        event(lessons[1].pk, occurred_at=dt.datetime(2026, 1, 1)),  # naive datetime: no zone
        "just a string",
        event(999999),  # unknown lesson
        event(lessons[2].pk, "lesson_started"),  # ok
    ]
    body = post(learner, batch).json()
    codes = [r.get("code", r["status"]) for r in body["results"]]
    assert codes == [
        "accepted",
        "not_enrolled",
        "lesson_not_found",
        "in_future",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "lesson_not_found",
        "accepted",
    ]
    assert (body["accepted"], body["rejected"]) == (2, 8)
    assert body["results"][4]["detail"]["event_id"]
    assert ProgressEvent.objects.filter(user=student).count() == 2


@pytest.mark.parametrize(
    "payload, code",
    [([], "empty"), ("nope", "empty"), ({"events": []}, "empty")],
)
def test_empty_or_meaningless_bodies_are_a_400(learner, payload, code):
    response = post(learner, payload)
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"


def test_a_batch_over_the_limit_is_a_400_and_writes_nothing(learner, lessons, settings):
    settings.PROGRESS_MAX_BATCH = 10
    response = post(learner, [event(lessons[0].pk) for _ in range(11)])
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "batch_too_large"
    assert ProgressEvent.objects.count() == 0


def test_completing_every_required_lesson_completes_the_course_once(
    learner, lessons, student, published_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(learner, [event(lesson.pk) for lesson in lessons[:3]])
        assert not CourseCompletion.objects.exists()
        post(learner, [event(lessons[3].pk), event(lessons[3].pk)])
        completion = CourseCompletion.objects.get(user=student)
        assert completion.stats["required_lessons"] == 4
        assert completion.stats["events_recorded"] == 5
        post(learner, [event(lessons[0].pk)])  # completing again changes nothing
    assert CourseCompletion.objects.count() == 1
    names = [e.name for e in published_events]
    assert names.count("lesson_completed") == 4
    assert names.count("course_completed") == 1


def test_optional_lessons_do_not_block_completion(learner, lessons, student, teacher, admin_user):
    optional = lessons[3]
    cms_services.lesson_update(user=teacher, lesson=optional, required=False)
    cms_services.page_publish(user=admin_user, page=optional)
    post(learner, [event(lesson.pk) for lesson in lessons[:3]])
    assert CourseCompletion.objects.filter(user=student).exists()


def test_state_keeps_earliest_start_and_latest_position_whatever_the_arrival_order(learner, lessons, student):
    t0 = timezone.now() - dt.timedelta(hours=2)
    later = event(lessons[0].pk, "lesson_viewed", occurred_at=t0 + dt.timedelta(minutes=30), position=7)
    earlier = event(lessons[0].pk, "lesson_started", occurred_at=t0, position=1)
    post(learner, [later])
    post(learner, [earlier])  # an offline client syncs an older event late
    state = LessonProgress.objects.get(user=student, lesson=lessons[0])
    assert state.started_at == t0
    assert state.position == 7
    assert state.completed_at is None


@pytest.mark.usefixtures("uncached_users")
def test_a_500_event_batch_runs_as_many_queries_as_a_5_event_batch(learner, lessons):
    def measure(n):
        batch = [event(lessons[i % 4].pk, ["lesson_viewed", "lesson_started"][i % 2]) for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            response = post(learner, batch)
        assert response.json()["accepted"] == n
        return len(ctx.captured_queries)

    def insert_batches(n):
        # SQLite caps parameters per statement (999), so Django splits one bulk insert
        # into a few statements; PostgreSQL takes it in one. Not a query per event.
        fields = [f for f in ProgressEvent._meta.concrete_fields if not f.primary_key]
        return math.ceil(n / connection.ops.bulk_batch_size(fields, [None] * n))

    measure(4)  # create every per-lesson state row first, so both runs below only update
    assert measure(500) - insert_batches(500) == measure(5) - insert_batches(5)


def test_event_ids_are_scoped_to_the_learner(learner, lessons, auth_client, django_user_model, course):
    other = django_user_model.objects.create_user(
        email="o@example.com", password="x-Strong-pass-1", email_verified=True
    )
    other_client = auth_client(other)
    other_client.post(f"/api/v1/courses/{course.pk}/enrollment/")
    e = event(lessons[0].pk)
    assert post(learner, [e]).json()["accepted"] == 1
    # the same client id from someone else is their own event, not a duplicate of mine
    assert post(other_client, [e]).json()["accepted"] == 1
    assert ProgressEvent.objects.filter(event_id=uuid.UUID(e["event_id"])).count() == 2


def test_a_stored_event_sent_again_is_a_duplicate_even_when_it_would_now_be_rejected(
    learner, lessons, course, student
):
    stored = event(lessons[0].pk)
    assert post(learner, [stored]).json()["accepted"] == 1
    assert learner.delete(f"/api/v1/courses/{course.pk}/enrollment/").status_code == 204
    body = post(learner, [stored, event(lessons[1].pk)]).json()
    assert [r.get("code", r["status"]) for r in body["results"]] == ["duplicate", "not_enrolled"]
    assert ProgressEvent.objects.filter(user=student).count() == 1


def test_within_a_batch_only_an_accepted_copy_makes_later_copies_duplicates(learner, lessons, student):
    first = event(999999)  # unknown lesson: rejected, so the id is still free
    valid = {**first, "lesson_id": lessons[0].pk}
    body = post(learner, [first, valid, first, valid]).json()
    assert [r.get("code", r["status"]) for r in body["results"]] == [
        "lesson_not_found",
        "accepted",
        "duplicate",
        "duplicate",
    ]
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (1, 2, 1)
    assert ProgressEvent.objects.filter(user=student).count() == 1


def test_a_partly_retried_batch_stores_only_the_new_events(learner, lessons, student):
    old = [event(lessons[0].pk, "lesson_viewed", position=1), event(lessons[1].pk, "lesson_started")]
    post(learner, old)
    new = event(lessons[0].pk, "lesson_viewed", position={"block": 3})
    body = post(learner, [*old, new]).json()
    assert [r["status"] for r in body["results"]] == ["duplicate", "duplicate", "accepted"]
    assert ProgressEvent.objects.filter(user=student).count() == 3
    stored = ProgressEvent.objects.get(event_id=uuid.UUID(new["event_id"]))
    assert (stored.position, stored.type, stored.lesson_id) == ({"block": 3}, "lesson_viewed", lessons[0].pk)
    assert stored.occurred_at == dt.datetime.fromisoformat(new["occurred_at"])
    assert LessonProgress.objects.get(user=student, lesson=lessons[0]).position == {"block": 3}


def test_lesson_started_and_completed_are_published_once_per_lesson(
    learner, lessons, django_capture_on_commit_callbacks
):
    seen = []
    bus.subscribe(LessonStarted, seen.append)
    bus.subscribe(LessonCompleted, seen.append)
    try:
        t0 = timezone.now() - dt.timedelta(hours=1)
        with django_capture_on_commit_callbacks(execute=True):
            post(
                learner,
                [
                    event(lessons[0].pk, "lesson_viewed", occurred_at=t0 + dt.timedelta(minutes=5)),
                    event(lessons[0].pk, "lesson_started", occurred_at=t0),
                ],
            )
            post(
                learner, [event(lessons[0].pk, "lesson_completed", occurred_at=t0 + dt.timedelta(minutes=9))]
            )
            post(
                learner, [event(lessons[0].pk, "lesson_completed", occurred_at=t0 + dt.timedelta(minutes=8))]
            )
    finally:
        bus.unsubscribe(LessonStarted, seen.append)
        bus.unsubscribe(LessonCompleted, seen.append)
    assert [(e.name, e.lesson_id, e.occurred_at) for e in seen] == [
        ("lesson_started", lessons[0].pk, t0),
        ("lesson_completed", lessons[0].pk, t0 + dt.timedelta(minutes=9)),
    ]
    state = LessonProgress.objects.get(lesson=lessons[0])
    assert (state.started_at, state.completed_at) == (t0, t0 + dt.timedelta(minutes=8))
