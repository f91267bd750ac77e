"""The learner's own reads (my courses, resume, course progress): lean (the outline
from the content cache, the learner's rows from the database, a fixed small number of
queries), private for HTTP caches, and in the shapes their serializers document."""

import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import LessonPage
from learning.accounts.tests.helpers import assert_error
from learning.progress.api import serializers as s

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return response, len(ctx.captured_queries)


@pytest.fixture
def learner(build_course, auth_client, student):
    course = build_course(modules=2, lessons_per_module=2)
    client = auth_client(student)
    assert client.post(f"/api/v1/courses/{course.pk}/enrollment/").status_code == 201
    lesson = LessonPage.objects.descendant_of(course).live().order_by("path").first()
    event = {
        "event_id": str(uuid.uuid4()),
        "type": "lesson_completed",
        "lesson_id": lesson.pk,
        "occurred_at": timezone.now().isoformat(),
    }
    assert client.post("/api/v1/progress/events/", event).json()["accepted"] == 1
    cache.clear()  # with Redis: the user cache refuses a user saved in the last 10 s
    return client, course


# A repeat is a hit: no query with Redis (the user cache on); without Redis the user
# behind the token and the version tokens (ContentVersion), one query each.
def _hit() -> int:
    return 0 if settings.REDIS_URL else 2


# A miss (the first read after a write), besides the learner's own rows: a course read
# asks whether the course is visible before and after reading the tokens (2); without
# Redis also the user, the learner's and the content's tokens (course reads: looked up,
# then read) and the outline's token.
def _miss_extra(path) -> int:
    if path == "/api/v1/me/courses/":
        return 0 if settings.REDIS_URL else 3
    return 2 + (0 if settings.REDIS_URL else 4)


def _viewed(client, course):
    """A write through the API that changes the learner's data (a lesson viewed)."""
    lesson = LessonPage.objects.descendant_of(course).live().order_by("path").last()
    event = {
        "event_id": str(uuid.uuid4()),
        "type": "lesson_viewed",
        "lesson_id": lesson.pk,
        "occurred_at": timezone.now().isoformat(),
    }
    assert client.post("/api/v1/progress/events/", event).json()["accepted"] == 1


@pytest.mark.parametrize(
    ("path", "own_rows", "serializer"),
    [
        ("/api/v1/courses/{id}/resume/", 1, s.ResumeSerializer),  # lesson states + completion (one)
        ("/api/v1/courses/{id}/progress/", 2, s.CourseProgressSerializer),  # + enrolled
        # enrollments with their count (visibility in the list query); states
        ("/api/v1/me/courses/", 2, s.EnrollmentSerializer),
    ],
)
def test_lean_private_and_in_the_documented_shape(learner, path, own_rows, serializer):
    client, course = learner
    url = path.format(id=course.pk)
    client.get(url)  # the tokens and the outline exist from here on (and the user, with Redis)
    _viewed(client, course)  # the learner's data changed: the next read renders
    miss, miss_count = _queries(client, url)
    response, count = _queries(client, url)  # a repeat: from the cache
    assert miss_count == own_rows + _miss_extra(path)
    assert count == _hit()
    assert response.content == miss.content and response["ETag"] == miss["ETag"]
    for got in (miss, response):
        assert got["Cache-Control"] == "private, no-cache" and "Authorization" in got["Vary"]
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    body = response.json()
    items = body.get("results", [body])
    assert items
    for item in items:
        check = serializer(data=item)
        assert check.is_valid(), check.errors
        assert set(item) == set(serializer().fields)
        assert serializer(check.validated_data).data == item


def test_progress_numbers_through_the_cached_outline(learner):
    client, course = learner
    for _ in range(2):  # a miss, then a hit: the same answer
        body = client.get(f"/api/v1/courses/{course.pk}/progress/").json()
        assert (
            body["required_completed_count"] == 1
            and body["required_lesson_count"] == 4
            and body["enrolled"] is True
        )
        assert [m["required_completed_count"] for m in body["modules"]] == [1, 0] and [
            m["required_lesson_count"] for m in body["modules"]
        ] == [
            2,
            2,
        ]


def test_my_courses_pages_like_every_list(build_course, auth_client, student, teacher):
    """My courses reads a page and the count in one query (COUNT(*) OVER ()), through
    the same `page`/`page_size` parameters, links and errors as every paginated list."""
    client = auth_client(student)
    courses = [build_course(title=f"Course {n}") for n in range(3)]
    for course in courses:
        assert client.post(f"/api/v1/courses/{course.pk}/enrollment/").status_code == 201
    cache.clear()
    for url in ("/api/v1/me/courses/?page_size=2", "/api/v1/me/courses/?page_size=2&page=2"):
        client.get(url)  # outlines cached (and the user, with Redis)
    first, count = _queries(client, "/api/v1/me/courses/?page_size=2")
    second, count_2 = _queries(client, "/api/v1/me/courses/?page_size=2&page=2")
    assert count == count_2 == _hit()  # repeats: from the cache
    first, second = first.json(), second.json()
    assert first["count"] == second["count"] == 3
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    assert first["previous"] is None and first["next"].endswith("?page=2&page_size=2")
    assert second["next"] is None and second["previous"].endswith("/api/v1/me/courses/?page_size=2")
    seen = [row["course"]["id"] for row in first["results"] + second["results"]]
    assert sorted(seen) == sorted(c.pk for c in courses)
    assert client.get("/api/v1/me/courses/?page_size=2&page=last").json() == second
    for page in ("3", "0", "-1", "abc", "1.0", "99999999999999999999"):
        body = assert_error(client.get(f"/api/v1/me/courses/?page_size=2&page={page}"), 404, "not_found")
        assert body["errors"][0]["detail"] == "Invalid page."
    # nobody enrolled: an empty first page (not a 404), a 404 past it
    empty = auth_client(teacher)
    assert empty.get("/api/v1/me/courses/").json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
    assert_error(empty.get("/api/v1/me/courses/?page=2"), 404, "not_found")
