"""The state-at-t and timeline reads from the read cache (learning/recordings/read_cache.py):
a repeat read asks the database nothing about the recording, answers byte for byte what
the serializer renders, and every write that changes the answer is seen at once: each
test warms the cache (proving the hit), writes through the real API or service, and
reads again."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from cms import services as cms_services
from cms.content_cache import store
from cms.models import LessonPage
from learning.accounts.tests.helpers import assert_error

from .. import read_cache
from ..api.timeline_serializers import StateSerializer
from ..playback import state_at
from .timeline_fixtures import *  # noqa: F403  (fixtures and helpers)
from .timeline_fixtures import post_batch, recording_make, typing

pytestmark = pytest.mark.django_db


def state_url(recording) -> str:
    return f"/api/v1/recordings/{recording.pk}/state/"


def timeline_url(recording) -> str:
    return f"/api/v1/recordings/{recording.pk}/timeline/"


def recording_sql(queries) -> list[str]:
    """The statements that read the recordings app's or the pages' tables."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if "recordings_" in q["sql"] or "wagtailcore_page" in q["sql"]
    ]


@pytest.fixture
def warm(auth_client, admin_user, student, published):
    """A published recording with 30 snapshots, its state read twice by a student."""
    assert post_batch(auth_client(admin_user), published, typing(30)).status_code == 201
    client = auth_client(student)
    for _ in range(2):
        response = client.get(state_url(published), {"t_ms": 150})
        assert response.status_code == 200, response.content
    assert response.json()["files"] == {"index.html": "abcdefghijabcdef"}
    return client


def test_a_repeat_read_asks_the_database_nothing_about_the_recording(warm, published):
    from django.core.cache import cache

    cache.clear()  # with Redis, also the user cache's "saved in the last 10 s" markers
    for _ in range(2):
        assert warm.get(state_url(published), {"t_ms": 150}).status_code == 200
        assert warm.get(timeline_url(published), {"from_ms": 0, "to_ms": 50}).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = warm.get(state_url(published), {"t_ms": 150})
        window = warm.get(timeline_url(published), {"from_ms": 0, "to_ms": 50})
    assert again.status_code == 200 and window.status_code == 200
    # the window reads its snapshots (one query); the access check and the state none
    assert [sql for sql in recording_sql(queries) if "recordings_snapshot" not in sql] == []
    assert len([sql for sql in recording_sql(queries) if "recordings_snapshot" in sql]) == 1
    if store.redis_client() is not None:  # tokens and entries in Redis, the user cached
        assert len(queries) == 1  # the window's snapshots


@pytest.mark.parametrize("t_ms", [0, 5, 10, 69, 70, 150, 289, 290, 10**6])
def test_the_answer_is_what_the_serializer_renders_miss_and_hit(
    auth_client, admin_user, student, published, settings, t_ms
):
    settings.RECORDING_KEYFRAME_EVERY = 7
    assert post_batch(auth_client(admin_user), published, typing(30, t0=5)).status_code == 201
    state = state_at(recording=published, t_ms=t_ms)
    expected = JSONRenderer().render(
        StateSerializer(
            {
                "recording_id": published.pk,
                "t_ms": t_ms,
                "seq": state.seq,
                "snapshot_t_ms": state.snapshot_t_ms,
                "files": state.files,
                "cursor": state.cursor,
            }
        ).data
    )
    client = auth_client(student)
    for _ in range(2):  # the miss, then the hit
        response = client.get(state_url(published), {"t_ms": t_ms})
        assert response.status_code == 200
        assert response.content == expected
        assert response["Content-Type"] == "application/json"


def test_an_etag_answers_304_and_changes_with_the_state(warm, auth_client, admin_user, published):
    first = warm.get(state_url(published), {"t_ms": 10**6})
    assert (
        warm.get(state_url(published), {"t_ms": 10**6}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    )
    assert post_batch(auth_client(admin_user), published, typing(2, start=30)).status_code == 201
    after = warm.get(state_url(published), {"t_ms": 10**6}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after.json()["seq"] == 31


def test_new_snapshots_are_seen_at_once(
    warm, auth_client, admin_user, published, django_capture_on_commit_callbacks
):
    before = warm.get(state_url(published), {"t_ms": 10**6}).json()
    assert before["seq"] == 29
    with django_capture_on_commit_callbacks(execute=True):
        assert post_batch(auth_client(admin_user), published, typing(5, start=30)).status_code == 201
    after = warm.get(state_url(published), {"t_ms": 10**6}).json()
    assert after["seq"] == 34 and after["files"]["index.html"].endswith("abcde")
    window = warm.get(timeline_url(published), {"from_ms": 300}).json()
    assert [s["seq"] for s in window["snapshots"]] == [30, 31, 32, 33, 34]


def _unpublish_recording(ctx):
    assert ctx["admin"].post(f"/api/v1/recordings/{ctx['recording'].pk}/unpublish/").status_code == 200


def _delete_recording(ctx):
    assert ctx["admin"].delete(f"/api/v1/authoring/recordings/{ctx['recording'].pk}/").status_code == 204


def _move_to_a_draft_course(ctx):
    other = ctx["build_course"](title="Draft course", publish=False)
    response = ctx["admin"].patch(
        f"/api/v1/authoring/recordings/{ctx['recording'].pk}/",
        {"course": other.pk, "lesson": None},
        format="json",
    )
    assert response.status_code == 200, response.content


def _unpublish_lesson(ctx):
    cms_services.page_unpublish(user=ctx["admin_user"], page=LessonPage.objects.get(pk=ctx["lesson"].pk))


def _unpublish_module(ctx):
    module = LessonPage.objects.get(pk=ctx["lesson"].pk).get_parent()
    cms_services.page_unpublish(user=ctx["admin_user"], page=module)


def _unpublish_course(ctx):
    cms_services.page_unpublish(user=ctx["admin_user"], page=ctx["course"])


@pytest.mark.parametrize(
    "hide",
    [
        _unpublish_recording,
        _delete_recording,
        _move_to_a_draft_course,
        _unpublish_lesson,
        _unpublish_module,
        _unpublish_course,
    ],
    ids=[
        "unpublish",
        "delete",
        "move to a draft course",
        "unpublish lesson",
        "unpublish module",
        "unpublish course",
    ],
)
def test_hiding_a_warm_recording_is_seen_at_once(
    warm,
    auth_client,
    admin_user,
    build_course,
    published,
    course_and_lesson,
    django_capture_on_commit_callbacks,
    hide,
):
    course, lesson = course_and_lesson
    ctx = {
        "admin": auth_client(admin_user),
        "admin_user": admin_user,
        "build_course": build_course,
        "recording": published,
        "lesson": lesson,
        "course": course,
    }
    with django_capture_on_commit_callbacks(execute=True):
        hide(ctx)
    assert_error(warm.get(state_url(published), {"t_ms": 150}), 404)
    assert_error(warm.get(timeline_url(published)), 404)


def test_a_lesson_moved_out_of_the_course_and_hidden_there_is_seen(
    warm,
    auth_client,
    admin_user,
    build_course,
    published,
    course_and_lesson,
    django_capture_on_commit_callbacks,
):
    """The answer is kept under the token of the course the lesson is in as well: a
    lesson moved to another course and unpublished there hides the recording."""
    from cms.models import ModulePage

    course, lesson = course_and_lesson
    other = build_course(title="Elsewhere")
    admin = auth_client(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.patch(
            f"/api/v1/authoring/lessons/{lesson.pk}/",
            {"parent": ModulePage.objects.child_of(other).first().pk},
            format="json",
        )
    assert response.status_code == 200, response.content
    for _ in range(2):  # still visible (its lesson is live), now cached under both courses
        assert warm.get(state_url(published), {"t_ms": 150}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        cms_services.page_unpublish(user=admin_user, page=LessonPage.objects.get(pk=lesson.pk))
    assert_error(warm.get(state_url(published), {"t_ms": 150}), 404)


def test_publishing_again_is_seen_at_once(
    warm, auth_client, admin_user, published, django_capture_on_commit_callbacks
):
    admin = auth_client(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/api/v1/recordings/{published.pk}/unpublish/")
    assert_error(warm.get(state_url(published), {"t_ms": 150}), 404)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/api/v1/recordings/{published.pk}/publish/")
    assert warm.get(state_url(published), {"t_ms": 150}).json()["seq"] == 15


def test_teachers_and_admins_read_unpublished_recordings_and_others_get_404(
    auth_client, admin_user, teacher, student, course_and_lesson
):
    course, lesson = course_and_lesson
    draft = recording_make(course=course, lesson=lesson)
    assert post_batch(auth_client(admin_user), draft, typing(3)).status_code == 201
    for user in (teacher, admin_user, teacher):  # the course's owner, an admin
        body = auth_client(user).get(state_url(draft), {"t_ms": 20}).json()
        assert body["seq"] == 2 and body["files"] == {"index.html": "abc"}
    assert_error(auth_client(student).get(state_url(draft), {"t_ms": 20}), 404)
    assert_error(auth_client(student).get(f"/api/v1/recordings/{draft.pk + 1000}/state/", {"t_ms": 0}), 404)


def test_a_missing_recording_leaves_no_token(auth_client, student):
    from cms.models import ContentVersion

    assert_error(auth_client(student).get("/api/v1/recordings/987654/state/", {"t_ms": 0}), 404)
    if store.redis_client() is None:
        assert not ContentVersion.objects.filter(scope__startswith="recording:").exists()
    else:
        assert store.redis_client().get(read_cache._key("v:recording:987654")) is None


def test_with_the_cache_off_answers_are_the_same(warm, published, settings):
    settings.CONTENT_CACHE_SECONDS = 0
    assert warm.get(state_url(published), {"t_ms": 150}).json()["files"] == {"index.html": "abcdefghijabcdef"}


def test_the_time_index_keeps_a_bounded_number_of_recordings(
    auth_client, admin_user, student, course_and_lesson, settings
):
    settings.RECORDING_TIME_INDEX_KEPT = 2
    read_cache.time_indexes.clear()
    course, lesson = course_and_lesson
    admin, client = auth_client(admin_user), auth_client(student)
    for n in range(3):
        recording = recording_make(course=course, lesson=lesson, is_published=True)
        assert post_batch(admin, recording, typing(n + 1)).status_code == 201
        assert client.get(state_url(recording), {"t_ms": 10**6}).json()["seq"] == n
    assert len(read_cache.time_indexes._kept) == (2 if store.enabled() else 0)
