"""POST /api/v1/analytics/events/: per-item rejections, whole-body refusals, limits,
idempotency, the drain job, and the constant query count. Each test runs on the
staging table and (with REDIS_URL) on the Redis list."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import LessonPage
from learning.accounts.tests.factories import UserFactory
from learning.accounts.tests.helpers import assert_error
from learning.analytics.models import Actor, DirtyDay, Event, IngestBatch
from learning.analytics.pseudonym import actor_id

from .conftest import URL, drain, event

pytestmark = pytest.mark.django_db


def post(client, events):
    return client.post(URL, {"events": events}, format="json")


def test_accepted_events_are_stored_by_the_drain_job_with_server_side_context(
    backend, learner, student, course, lessons
):
    first, last = lessons[0], lessons[-1]
    sent = [
        # the client's course id is only a hint: the server takes the lesson's
        event("lesson_view", lesson_id=first.pk, course_id=999_999, data={"referrer": "course"}),
        event("video_play", lesson_id=last.pk, data={"position": 12.5}),
    ]
    response = post(learner, sent)
    assert response.status_code == 202, response.content
    assert response.json() == {"accepted": 2, "rejected": []}
    assert Event.objects.count() == 0  # queued, not written by the request
    assert drain() == 2
    rows = {str(e.id): e for e in Event.objects.all()}
    view, play = rows[sent[0]["id"]], rows[sent[1]["id"]]
    assert (view.type, view.source, view.verb) == (
        "lesson_view",
        "client",
        "http://adlnet.gov/expapi/verbs/experienced",
    )
    assert (view.object_type, view.object_id) == ("lesson", str(first.pk))
    assert (view.course_id, view.module_id, view.lesson_id) == (course.pk, first.get_parent().pk, first.pk)
    assert (play.course_id, play.module_id, play.lesson_id) == (course.pk, last.get_parent().pk, last.pk)
    assert first.get_parent().pk != last.get_parent().pk
    assert view.extensions == {"referrer": "course"} and play.extensions == {"position": 12.5}
    assert view.actor == play.actor == actor_id(student.pk)
    assert view.timestamp.isoformat() == dt.datetime.fromisoformat(sent[0]["timestamp"]).isoformat()
    actor = Actor.objects.get()
    assert actor.id == actor_id(student.pk)
    assert actor.signed_up_on == student.date_joined.astimezone(dt.UTC).date()
    assert set(DirtyDay.objects.values_list("day", flat=True)) == {view.timestamp.astimezone(dt.UTC).date()}
    assert IngestBatch.objects.count() == 0


def test_each_kind_of_bad_item_is_rejected_with_its_reason_and_the_rest_accepted(
    backend, learner, course, lessons, build_course, settings
):
    lesson = lessons[0]
    hidden = build_course(modules=1, lessons_per_module=1, publish=False, title="Draft course")
    draft_lesson = LessonPage.objects.descendant_of(hidden).get()
    assert not draft_lesson.live
    now = timezone.now()
    good = event("lesson_view", lesson_id=lesson.pk, course_id=course.pk)
    items = [
        good,  # 0
        "not an object",  # 1
        event(lesson_id=lesson.pk, course_id=course.pk, extra_key=1),  # 2
        event(lesson_id=lesson.pk, course_id=course.pk, id="not-a-uuid"),  # 3
        event("made_up", lesson_id=lesson.pk),  # 4
        event("lesson_completed", lesson_id=lesson.pk),  # 5: made by the server only
        event(lesson_id=lesson.pk, course_id=course.pk, timestamp=None) | {"timestamp": "yesterday"},  # 6
        event(lesson_id=lesson.pk, course_id=course.pk) | {"timestamp": "2026-01-01T10:00:00"},  # 7: no zone
        event(lesson_id=lesson.pk, course_id=course.pk, timestamp=now + dt.timedelta(hours=1)),  # 8
        event(lesson_id=lesson.pk, course_id=course.pk, timestamp=now - dt.timedelta(days=400)),  # 9
        event(lesson_id=lesson.pk),  # 10: lesson_view needs course_id too
        event("video_play", data={"position": 1}) | {"context": {"lesson_id": "7"}},  # 11
        event("video_play", lesson_id=lesson.pk, data={"position": -3}),  # 12
        event("video_seek", lesson_id=lesson.pk, data={"from": 1}),  # 13: `to` missing
        event("video_pause", lesson_id=999_999, data={"position": 1}),  # 14
        event("video_pause", lesson_id=draft_lesson.pk, data={"position": 1}),  # 15: not published
        event(
            "lesson_view", lesson_id=lesson.pk, course_id=course.pk, data={"referrer": "x", "email": "a@b"}
        ),  # 16
    ]
    response = post(learner, items)
    assert response.status_code == 202, response.content
    body = response.json()
    codes = {r["index"]: r["code"] for r in body["rejected"]}
    assert codes == {
        1: "invalid",
        2: "invalid",
        3: "invalid_id",
        4: "unknown_type",
        5: "server_only_type",
        6: "invalid_timestamp",
        7: "invalid_timestamp",
        8: "in_future",
        9: "too_old",
        10: "invalid_context",
        11: "invalid_context",
        12: "invalid_data",
        13: "invalid_data",
        14: "lesson_not_found",
        15: "lesson_not_found",
        16: "invalid_data",
    }
    assert body["accepted"] == 1
    by_index = {r["index"]: r for r in body["rejected"]}
    assert by_index[1]["id"] is None and by_index[4]["id"] == items[4]["id"]
    assert all(r["message"] for r in body["rejected"])
    assert (
        "data.position" in by_index[12]["message"]
        and "'to' is a required property" in by_index[13]["message"]
    )
    drain()
    assert list(Event.objects.values_list("id", flat=True)) == [uuid.UUID(good["id"])]


@pytest.mark.parametrize(
    ("body", "code", "attr"),
    [
        ([{"type": "lesson_view"}], "not_an_object", "non_field_errors"),
        ({"events": [], "more": 1}, "unknown_key", "non_field_errors"),
        ({}, "not_a_list", "events"),
        ({"events": {"id": "x"}}, "not_a_list", "events"),
        ({"events": []}, "empty", "events"),
    ],
)
def test_whole_body_problems_are_a_400_and_write_nothing(backend, learner, body, code, attr):
    assert_error(learner.post(URL, body, format="json"), 400, code, attr)
    assert IngestBatch.objects.count() == 0 and Event.objects.count() == 0


def test_too_many_events_is_a_400(backend, learner, lessons, settings):
    settings.ANALYTICS_INGEST_MAX_EVENTS = 3
    items = [event("video_play", lesson_id=lessons[0].pk, data={"position": 1}) for _ in range(4)]
    assert_error(post(learner, items), 400, "too_many_events", "events")
    assert post(learner, items[:3]).json() == {"accepted": 3, "rejected": []}


def test_the_default_batch_limit_is_500(backend, learner, lessons):
    items = [event("video_play", lesson_id=lessons[i % 4].pk, data={"position": i}) for i in range(501)]
    assert_error(post(learner, items), 400, "too_many_events", "events")
    response = post(learner, items[:500])
    assert response.json() == {"accepted": 500, "rejected": []}
    assert drain() == 500
    assert Event.objects.count() == 500


def test_a_body_over_the_byte_limit_is_a_413(backend, learner, lessons, settings):
    settings.ANALYTICS_INGEST_MAX_BYTES = 1000
    items = [event("video_play", lesson_id=lessons[0].pk, data={"position": 1}) for _ in range(10)]
    assert_error(post(learner, items), 413, "request_too_large")
    assert IngestBatch.objects.count() == 0


def test_not_json_is_a_400(backend, learner):
    response = learner.generic("POST", URL, "{not json", content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_idempotent_by_event_id_within_and_across_requests(backend, learner, lessons):
    lesson = lessons[0]
    one = event("video_play", lesson_id=lesson.pk, data={"position": 1})
    two = event("video_pause", lesson_id=lesson.pk, data={"position": 2})
    assert post(learner, [one, one, two]).json() == {"accepted": 3, "rejected": []}
    drain()
    assert post(learner, [one, two]).json() == {"accepted": 2, "rejected": []}
    drain()
    assert Event.objects.count() == 2
    # a retry that arrives before the first was drained is stored once as well
    three = event("video_seek", lesson_id=lesson.pk, data={"from": 1, "to": 5})
    post(learner, [three])
    post(learner, [three])
    drain()
    assert Event.objects.filter(id=three["id"]).count() == 1


def test_the_drain_job_takes_bounded_chunks(backend, learner, lessons, settings):
    settings.ANALYTICS_DRAIN_CHUNK = 3
    settings.ANALYTICS_DRAIN_MAX_CHUNKS = 2
    old = timezone.now() - dt.timedelta(days=3)
    for n in range(4):
        post(learner, [event("video_play", lesson_id=lessons[0].pk, data={"position": n}, timestamp=old)] * 1)
        post(learner, [event("video_play", lesson_id=lessons[1].pk, data={"position": n})])
    handled = drain()
    assert 0 < handled <= 6 and Event.objects.count() == handled
    drain()
    assert Event.objects.count() == 8
    assert set(DirtyDay.objects.values_list("day", flat=True)) == {
        old.astimezone(dt.UTC).date(),
        (timezone.now() - dt.timedelta(minutes=1)).astimezone(dt.UTC).date(),
    }


def test_a_drain_job_is_asked_for_once_per_debounce_window(
    backend, learner, lessons, django_capture_on_commit_callbacks
):
    from django_q.models import Task

    with django_capture_on_commit_callbacks(execute=True):
        post(learner, [event("video_play", lesson_id=lessons[0].pk, data={"position": 1})])
    # the job ran (synchronously in tests) and cleared the flag: the next request asks again
    assert Event.objects.count() == 1
    assert Task.objects.filter(name="analytics-drain").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        post(learner, [event("video_play", lesson_id=lessons[0].pk, data={"position": 2})])
    assert Event.objects.count() == 2
    from django.core.cache import cache

    from learning.analytics.queue import DRAIN_FLAG, drain_soon

    # a flag that is set (a job asked for and not started yet) holds back a second job
    cache.set(DRAIN_FLAG, 1, 60)
    drain_soon()
    assert Task.objects.filter(name="analytics-drain").count() == 2


def test_the_organisation_of_the_learner_at_the_time_is_recorded(backend, auth_client, lessons):
    from learning.accounts.models import Organisation

    school = Organisation.objects.create(name="North School")
    learner = UserFactory(email="org-learner@example.test", role="student", organisation=school)
    client = auth_client(learner)
    post(client, [event("video_play", lesson_id=lessons[0].pk, data={"position": 1})])
    drain()
    assert Event.objects.get().organisation_id == school.pk
    assert Actor.objects.get().organisation_id == school.pk


def test_unverified_and_anonymous_callers_are_refused(backend, auth_client, lessons):
    unverified = UserFactory(email="new@example.test", role="student", email_verified=False)
    items = [event("video_play", lesson_id=lessons[0].pk, data={"position": 1})]
    assert_error(
        auth_client(unverified).post(URL, {"events": items}, format="json"), 403, "email_not_verified"
    )
    assert_error(auth_client(None).post(URL, {"events": items}, format="json"), 401)
    assert IngestBatch.objects.count() == 0


def test_the_ingest_throttle(backend, learner, lessons, settings):
    settings.ANALYTICS_INGEST_RATE = "2/min"
    items = [event("video_play", lesson_id=lessons[0].pk, data={"position": 1})]
    assert post(learner, items).status_code == 202
    assert post(learner, items).status_code == 202
    response = post(learner, items)
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_the_request_runs_a_constant_number_of_queries(backend, learner, build_course, uncached_users):
    """One query resolves every lesson of the batch; the batch size changes nothing."""
    from cms.selectors import published_lessons_of_course

    course = build_course(modules=4, lessons_per_module=3, title="Big")
    lessons = list(published_lessons_of_course(course))
    counts = []
    for size in (1, 12, 300):
        items = [
            event("video_play", lesson_id=lessons[i % len(lessons)].pk, data={"position": i})
            for i in range(size)
        ]
        with CaptureQueriesContext(connection) as queries:
            assert post(learner, items).json()["accepted"] == size
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts
    lesson_queries = [q for q in queries.captured_queries if "cms_lessonpage" in q["sql"]]
    assert len(lesson_queries) == 1


def test_a_chunk_leaves_the_queue_only_once_inserted(backend, learner, lessons):
    from learning.analytics import queue
    from learning.analytics.services import _chunk_insert

    post(learner, [event("video_play", lesson_id=lessons[0].pk, data={"position": n}) for n in range(3)])

    def failing(rows):
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        queue.drain(failing, size=10, max_chunks=1)
    assert queue.pending() > 0 and Event.objects.count() == 0
    if backend == "redis":
        # a drain whose lock passed to another drain (it stalled past LOCK_SECONDS) inserts
        # its chunk but leaves it queued: the other drain reads it again
        from site_config.redis import redis_client

        def stalled(rows):
            _chunk_insert(rows)
            redis_client().set(queue._lock_key(), "another-drain")

        assert queue.drain(stalled, size=10, max_chunks=5) == 0
        assert queue.pending() == 3 and Event.objects.count() == 3
        redis_client().delete(queue._lock_key())
    assert drain() == 3
    assert queue.pending() == 0 and Event.objects.count() == 3
