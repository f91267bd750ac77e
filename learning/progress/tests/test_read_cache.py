"""My courses, resume and course progress from the cache on a repeat: never stale.

Each test warms the learner's reads (a repeat is a hit: no query with Redis, the user
and the version tokens without it, asserted so the test proves the read came from the
cache), makes one kind of write through the API or the editor, and reads again: the
answer must be the new one at once. Runs on local memory (tokens in the database) and,
with REDIS_URL, on Redis."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms import services as cms_services
from cms.models import LessonPage
from cms.selectors import published_lessons_of_course
from learning.accounts.tests.helpers import assert_error

pytestmark = pytest.mark.django_db

MY_COURSES = "/api/v1/me/courses/"


def _event(lesson, type="lesson_viewed", **extra):
    return {
        "event_id": str(uuid.uuid4()),
        "type": type,
        "lesson_id": lesson.pk,
        "occurred_at": timezone.now().isoformat(),
        **extra,
    }


def _post(client, *events):
    response = client.post("/api/v1/progress/events/", list(events), format="json")
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] == len(events)


def _urls(course) -> list[str]:
    return [MY_COURSES, f"/api/v1/courses/{course.pk}/resume/", f"/api/v1/courses/{course.pk}/progress/"]


def _cached_read(client, url):
    """Read twice; the second read must come from the cache: no query with Redis, the
    version tokens' without it (one), besides the user behind the token (read from the
    database when it is not in the user cache: users saved in the last seconds are
    not). Returns the body."""
    first = client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url)
    assert again.status_code == first.status_code
    if first.status_code == 200:
        queries = [q["sql"] for q in ctx.captured_queries if 'FROM "accounts_user"' not in q["sql"]]
        assert len(queries) == (0 if settings.REDIS_URL else 1), queries
        assert again.content == first.content
    return again.json()


def _warm(client, course) -> dict[str, dict]:
    return {url: _cached_read(client, url) for url in _urls(course)}


@pytest.fixture
def setup(build_course, auth_client, student):
    course = build_course(modules=2, lessons_per_module=2, title="Web basics")
    lessons = list(published_lessons_of_course(course))
    client = auth_client(student)
    assert client.post(f"/api/v1/courses/{course.pk}/enrollment/").status_code == 201
    return client, course, lessons


def test_a_progress_event_is_seen_at_once(setup):
    client, course, lessons = setup
    before = _warm(client, course)
    assert before[_urls(course)[1]]["reason"] == "next_uncompleted"
    _post(client, _event(lessons[2], position={"scroll": 40}))
    resume = _cached_read(client, _urls(course)[1])
    assert (resume["reason"], resume["lesson"]["id"], resume["position"]) == (
        "last_started",
        lessons[2].pk,
        {"scroll": 40},
    )
    mine = _cached_read(client, MY_COURSES)["results"][0]
    assert mine["resume"] == resume
    assert mine["last_activity_at"] != before[MY_COURSES]["results"][0]["last_activity_at"]


def test_a_lesson_completed_is_seen_at_once(setup):
    client, course, lessons = setup
    _warm(client, course)
    _post(client, _event(lessons[0], "lesson_completed"))
    progress = _cached_read(client, _urls(course)[2])
    assert progress["required_completed_count"] == 1 and progress["completed_lesson_ids"] == [lessons[0].pk]
    assert _cached_read(client, MY_COURSES)["results"][0]["required_completed_count"] == 1
    assert _cached_read(client, _urls(course)[1])["lesson"]["id"] == lessons[1].pk


def test_course_completion_is_seen_at_once(setup):
    client, course, lessons = setup
    _post(client, *[_event(lesson, "lesson_completed") for lesson in lessons[:3]])
    _warm(client, course)
    _post(client, _event(lessons[3], "lesson_completed"))
    progress = _cached_read(client, _urls(course)[2])
    assert progress["completed_at"] is not None and progress["completion_stats"]["required_lesson_count"] == 4
    assert _cached_read(client, MY_COURSES)["results"][0]["completed_at"] == progress["completed_at"]
    assert _cached_read(client, _urls(course)[1])["state"] == "completed"


def test_enrol_unenrol_and_enrol_again_are_seen_at_once(setup, build_course):
    client, course, _ = setup
    other = build_course(title="Second course")
    _warm(client, course)
    assert _cached_read(client, f"/api/v1/courses/{other.pk}/progress/")["enrolled"] is False

    assert client.post(f"/api/v1/courses/{other.pk}/enrollment/").status_code == 201
    assert {r["course"]["title"] for r in _cached_read(client, MY_COURSES)["results"]} == {
        "Web basics",
        "Second course",
    }
    assert _cached_read(client, f"/api/v1/courses/{other.pk}/progress/")["enrolled"] is True

    assert client.delete(f"/api/v1/courses/{other.pk}/enrollment/").status_code == 204
    assert [r["course"]["title"] for r in _cached_read(client, MY_COURSES)["results"]] == ["Web basics"]
    assert _cached_read(client, f"/api/v1/courses/{other.pk}/progress/")["enrolled"] is False

    assert client.post(f"/api/v1/courses/{other.pk}/enrollment/").status_code == 201
    assert _cached_read(client, MY_COURSES)["count"] == 2
    assert _cached_read(client, f"/api/v1/courses/{other.pk}/progress/")["enrolled"] is True


def test_publishing_the_course_is_seen_at_once(
    setup, teacher, admin_user, auth_client, django_capture_on_commit_callbacks
):
    """A new title and a new lesson, published through the API."""
    client, course, lessons = setup
    for lesson in lessons:
        _post(client, _event(lesson, "lesson_completed"))
    before = _warm(client, course)
    assert before[_urls(course)[1]]["state"] == "completed"
    cms_services.course_update(user=teacher, course=course, title="Web basics, revised")
    module = course.get_children().live().order_by("path").last()
    new = cms_services.lesson_create(user=teacher, parent=module.specific, title="A new lesson")
    admin = auth_client(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            f"/api/v1/authoring/pages/{course.pk}/publish/", {"include_descendants": True}, format="json"
        )
    assert response.status_code == 200, response.content
    mine = _cached_read(client, MY_COURSES)["results"][0]
    assert mine["course"]["title"] == "Web basics, revised"
    assert (mine["required_lesson_count"], mine["completed_at"] is not None) == (5, True)
    progress = _cached_read(client, _urls(course)[2])
    assert progress["required_lesson_count"] == 5 and progress["required_completed_count"] == 4
    # the completion record stays; resume still says the course is complete
    assert _cached_read(client, _urls(course)[1])["state"] == "completed"
    assert LessonPage.objects.get(pk=new.pk).live


def test_a_new_lesson_changes_resume_at_once(
    setup, teacher, admin_user, auth_client, django_capture_on_commit_callbacks
):
    client, course, lessons = setup
    for lesson in lessons[:3]:
        _post(client, _event(lesson, "lesson_completed"))
    before = _warm(client, course)
    assert before[_urls(course)[1]]["lesson"]["id"] == lessons[3].pk
    # a lesson in the first module: before the one to resume in course order
    module = course.get_children().live().order_by("path").first()
    new = cms_services.lesson_create(user=teacher, parent=module.specific, title="Inserted lesson")
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client(admin_user).post(
            f"/api/v1/authoring/pages/{new.pk}/publish/", {}, format="json"
        )
    assert response.status_code == 200, response.content
    assert _cached_read(client, _urls(course)[1])["lesson"]["id"] == new.pk


def test_unpublishing_the_course_is_seen_at_once(
    setup, admin_user, auth_client, django_capture_on_commit_callbacks
):
    client, course, _ = setup
    _warm(client, course)
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client(admin_user).post(
            f"/api/v1/authoring/pages/{course.pk}/unpublish/", {}, format="json"
        )
    assert response.status_code == 200, response.content
    assert _cached_read(client, MY_COURSES)["results"] == []
    for url in _urls(course)[1:]:
        assert_error(client.get(url), 404, "not_found")
        assert_error(client.get(url), 404, "not_found")


def test_a_deleted_account_gets_nothing_and_its_id_serves_nothing_old(setup, auth_client, django_user_model):
    """Deleting the account in the editor: its token is refused, and a new account that
    got the same id (a database reusing ids) does not see the old account's reads."""
    client, course, _ = setup
    student = django_user_model.objects.get(email="student@example.test")
    _warm(client, course)
    editor = Client()
    editor.force_login(
        django_user_model.objects.create_superuser(email="root@example.test", password="x-Strong-pass-1")
    )
    response = editor.post(reverse("wagtailusers_users:delete", args=[student.pk]))
    assert response.status_code == 302, response.content[:500]
    assert not django_user_model.objects.filter(pk=student.pk).exists()
    assert client.get(MY_COURSES).status_code == 401

    reborn = django_user_model.objects.create_user(
        id=student.pk, email="new@example.test", password="x-Strong-pass-1", email_verified=True
    )
    fresh = auth_client(reborn)
    assert _cached_read(fresh, MY_COURSES)["results"] == []
    progress = _cached_read(fresh, _urls(course)[2])
    assert (progress["enrolled"], progress["required_completed_count"]) == (False, 0)


def test_two_learners_never_see_each_others_reads(setup, auth_client, django_user_model):
    client, course, lessons = setup
    other = django_user_model.objects.create_user(
        email="other@example.test", password="x-Strong-pass-1", email_verified=True
    )
    other_client = auth_client(other)
    assert other_client.post(f"/api/v1/courses/{course.pk}/enrollment/").status_code == 201
    _post(client, _event(lessons[0], "lesson_completed"), _event(lessons[1], position={"at": 1}))
    _post(other_client, _event(lessons[3], position={"at": 9}))
    for _ in range(2):  # misses, then hits
        mine, theirs = _warm(client, course), _warm(other_client, course)
        resume = _urls(course)[1]
        assert (mine[resume]["lesson"]["id"], mine[resume]["position"]) == (lessons[1].pk, {"at": 1})
        assert (theirs[resume]["lesson"]["id"], theirs[resume]["position"]) == (lessons[3].pk, {"at": 9})
        progress = _urls(course)[2]
        assert mine[progress]["completed_lesson_ids"] == [lessons[0].pk]
        assert theirs[progress]["completed_lesson_ids"] == []
        assert mine[MY_COURSES]["results"][0]["required_completed_count"] == 1
        assert theirs[MY_COURSES]["results"][0]["required_completed_count"] == 0


def test_only_page_parameters_are_cached(setup):
    """my courses repeats any other query parameter in its links: such a query is
    answered uncached (no entry per spelling), with the same results."""
    client, course, _ = setup
    plain = _cached_read(client, MY_COURSES)
    with CaptureQueriesContext(connection) as ctx:
        odd = client.get(MY_COURSES + "?utm=1").json()
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "progress_enrollment" in sql and "progress_lessonprogress" in sql  # rendered
    assert odd["results"] == plain["results"]


def test_a_missing_course_leaves_no_token(auth_client, student):
    """Resume and progress of an id that names no visible course: a 404, and nothing
    created for it (no version token) whatever the id."""
    from cms.models import ContentVersion

    client = auth_client(student)
    for course_id in (999_999, 2**31 - 1, 2**31):
        for kind in ("resume", "progress"):
            response = client.get(f"/api/v1/courses/{course_id}/{kind}/")
            assert response.status_code == 404
    if not settings.REDIS_URL:
        assert not ContentVersion.objects.filter(scope__startswith="course:").exists()


def test_with_the_cache_off_every_read_renders(setup, settings):
    """CONTENT_CACHE_SECONDS=0 turns the per-learner entries off with the content cache:
    each read renders, and a write is seen at once."""
    settings.CONTENT_CACHE_SECONDS = 0
    client, course, lessons = setup
    for url in _urls(course):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(_urls(course)[1]).json()
    assert any("progress_lessonprogress" in q["sql"] for q in ctx.captured_queries)
    assert body["reason"] == "next_uncompleted"
    _post(client, _event(lessons[0], "lesson_completed"))
    assert client.get(_urls(course)[2]).json()["completed_lesson_ids"] == [lessons[0].pk]
    assert client.get(MY_COURSES).json()["results"][0]["required_completed_count"] == 1
