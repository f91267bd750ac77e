"""Learner API: catalog, course detail with outline, lesson detail; published only."""

import pytest

from cms import services
from cms.models import LessonPage, ModulePage
from cms.selectors import published_lessons_of_course

pytestmark = pytest.mark.django_db


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["type"] in {"client_error", "validation_error"}
    if code:
        assert code in {e["code"] for e in body["errors"]}, body
    return body


def test_catalog_lists_published_courses_only(build_course, auth_client, student):
    live = build_course(title="Live course")
    build_course(title="Draft course", publish=False)
    response = auth_client(student).get("/api/v1/courses/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    card = body["results"][0]
    assert card["id"] == live.pk and card["title"] == "Live course"
    assert card["tags"] == ["html"] and card["level"] == "beginner"
    assert set(card) >= {"slug", "summary", "cover_image", "estimated_hours", "last_published_at"}


def test_catalog_filters_and_search(build_course, auth_client, student):
    build_course(title="HTML basics", tags=["html"], level="beginner", summary="Tags and documents")
    build_course(title="CSS layout", tags=["css"], level="intermediate", summary="Flexbox and grid")
    client = auth_client(student)
    assert [c["title"] for c in client.get("/api/v1/courses/?tag=css").json()["results"]] == ["CSS layout"]
    assert [c["title"] for c in client.get("/api/v1/courses/?level=beginner").json()["results"]] == [
        "HTML basics"
    ]
    assert [c["title"] for c in client.get("/api/v1/courses/?search=flexbox").json()["results"]] == [
        "CSS layout"
    ]
    assert client.get("/api/v1/courses/?search=nothing-like-this").json()["count"] == 0
    assert_error(client.get("/api/v1/courses/?level=expert"), 400)
    page = client.get("/api/v1/courses/?page_size=1").json()
    assert page["count"] == 2 and len(page["results"]) == 1 and page["next"]


def test_course_detail_has_outline_in_tree_order(build_course, auth_client, student, teacher):
    course = build_course(modules=2, lessons_per_module=2)
    # a draft lesson added after publication stays invisible
    module = ModulePage.objects.child_of(course).first()
    services.lesson_create(user=teacher, parent=module, title="Unpublished lesson")
    body = auth_client(student).get(f"/api/v1/courses/{course.pk}/").json()
    assert [m["title"] for m in body["modules"]] == ["Course module 1", "Course module 2"]
    assert [lesson["title"] for lesson in body["modules"][0]["lessons"]] == [
        "Course lesson 1.1",
        "Course lesson 1.2",
    ]
    assert body["lesson_count"] == 4 and body["total_minutes"] == 40
    assert body["modules"][0]["lessons"][0]["has_starter_files"] is True
    assert body["owners"][0]["id"] == teacher.pk and "email" not in body["owners"][0]


def test_lesson_detail_body_starter_files_and_neighbours(build_course, auth_client, student):
    course = build_course(modules=2, lessons_per_module=1)
    first, second = published_lessons_of_course(course)
    body = auth_client(student).get(f"/api/v1/lessons/{second.pk}/").json()
    assert body["course"]["id"] == course.pk
    assert body["module"]["title"] == "Course module 2"
    assert body["previous"]["id"] == first.pk and body["next"] is None
    assert [block["type"] for block in body["body"]] == ["heading", "rich_text", "code", "callout"]
    assert body["body"][2]["value"] == {"language": "html", "code": "<h1>Hi</h1>", "caption": ""}
    assert body["body"][3]["value"]["text"].startswith("<p")
    assert body["starter_files"] == [{"name": "index.html", "language": "html", "content": "<p></p>"}]
    first_body = auth_client(student).get(f"/api/v1/lessons/{first.pk}/").json()
    assert first_body["previous"] is None and first_body["next"]["id"] == second.pk


def test_drafts_and_unpublished_are_404_for_everyone_on_the_learner_api(
    build_course, auth_client, student, teacher, admin_user
):
    draft = build_course(title="Draft", publish=False)
    draft_lesson = LessonPage.objects.descendant_of(draft).first()
    live = build_course(title="Live")
    live_lesson = LessonPage.objects.descendant_of(live).first()
    services.page_unpublish(user=admin_user, page=live, include_descendants=False)
    for user in (student, teacher, admin_user):
        client = auth_client(user)
        for url in (
            f"/api/v1/courses/{draft.pk}/",
            f"/api/v1/lessons/{draft_lesson.pk}/",
            f"/api/v1/courses/{live.pk}/",
            f"/api/v1/lessons/{live_lesson.pk}/",
            "/api/v1/courses/999999/",
            "/api/v1/lessons/999999/",
        ):
            assert_error(client.get(url), 404, "not_found")
        assert client.get("/api/v1/courses/").json()["count"] == 0


def test_learner_api_needs_authentication(build_course, auth_client):
    course = build_course()
    lesson = published_lessons_of_course(course).first()
    anonymous = auth_client(None)
    for url in ("/api/v1/courses/", f"/api/v1/courses/{course.pk}/", f"/api/v1/lessons/{lesson.pk}/"):
        assert_error(anonymous.get(url), 401)


def test_lesson_needs_verified_email(build_course, auth_client, student):
    course = build_course()
    lesson = published_lessons_of_course(course).first()
    student.email_verified = False
    student.save()
    assert_error(auth_client(student).get(f"/api/v1/lessons/{lesson.pk}/"), 403)
    assert auth_client(student).get(f"/api/v1/courses/{course.pk}/").status_code == 200


# --- constant query counts -----------------------------------------------------------------


def _count_queries(django_assert_max_num_queries, client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up: renditions, content types and such are created/cached once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.mark.usefixtures("uncached_users")
def test_catalog_query_count_is_constant(
    build_course, auth_client, student, django_assert_num_queries, settings
):
    settings.CONTENT_CACHE_SECONDS = 0  # the render path (cache hits: test_content_cache.py)
    client = auth_client(student)
    for n in range(5):
        build_course(title=f"Small {n}", modules=0, tags=["html", f"t{n}"])
    url = "/api/v1/courses/?page_size=100"
    small = _count_queries(None, client, url)
    for n in range(45):
        build_course(title=f"Big {n}", modules=0, tags=["css", f"b{n}"])
    assert client.get(url).json()["count"] == 50
    with django_assert_num_queries(small):
        assert len(client.get(url).json()["results"]) == 50


@pytest.mark.usefixtures("uncached_users")
def test_course_detail_query_count_is_constant(
    build_course, auth_client, student, django_assert_num_queries, settings
):
    settings.CONTENT_CACHE_SECONDS = 0  # the render path (cache hits: test_content_cache.py)
    client = auth_client(student)
    small_course = build_course(title="Small", modules=3, lessons_per_module=1)
    big_course = build_course(title="Big", modules=3, lessons_per_module=10)
    small = _count_queries(None, client, f"/api/v1/courses/{small_course.pk}/")
    client.get(f"/api/v1/courses/{big_course.pk}/")
    with django_assert_num_queries(small):
        body = client.get(f"/api/v1/courses/{big_course.pk}/").json()
    assert body["lesson_count"] == 30


def test_course_owner_name_never_comes_from_the_email(build_course, auth_client, student, teacher):
    """Issue 10 row 15: an owner without a display name was shown as the email's local
    part (or by the private first/last name). Learners get the public display name only."""
    teacher.first_name, teacher.last_name, teacher.display_name = "", "", ""
    teacher.save()
    course = build_course()
    response = auth_client(student).get(f"/api/v1/courses/{course.pk}/")
    assert response.status_code == 200
    assert response.json()["owners"] == [{"id": teacher.pk, "display_name": ""}]
    assert b"teacher@" not in response.content and b'"teacher"' not in response.content
    teacher.first_name, teacher.last_name, teacher.display_name = "Private", "Surname", "Ms Lovelace"
    teacher.save()
    response = auth_client(student).get(f"/api/v1/courses/{course.pk}/")
    assert response.json()["owners"] == [{"id": teacher.pk, "display_name": "Ms Lovelace"}]
    assert b"Private" not in response.content
