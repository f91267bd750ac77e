"""Wagtail API v2 at /api/cms/: authenticated, live-with-live-ancestors only, one error shape."""

import pytest

from cms import services
from cms.models import LessonPage

pytestmark = pytest.mark.django_db


def test_pages_endpoint_exposes_custom_fields_of_published_pages(build_course, auth_client, student):
    course = build_course()
    lesson = LessonPage.objects.descendant_of(course).first()
    client = auth_client(student)
    listing = client.get("/api/cms/pages/?type=cms.CoursePage&fields=summary,level,tags,estimated_hours")
    assert listing.status_code == 200, listing.content
    item = listing.json()["items"][0]
    assert item["id"] == course.pk and item["level"] == "beginner" and item["tags"] == ["html"]
    detail = client.get(f"/api/cms/pages/{lesson.pk}/").json()
    assert detail["starter_files"][0]["name"] == "index.html"
    assert detail["required"] is True and detail["body"][0]["type"] == "heading"


def test_pages_endpoint_hides_drafts_and_pages_under_unpublished_ancestors(
    build_course, auth_client, student, admin_user
):
    draft = build_course(title="Draft", publish=False)
    live = build_course(title="Live")
    lesson = LessonPage.objects.descendant_of(live).first()
    services.page_unpublish(user=admin_user, page=live, include_descendants=False)
    client = auth_client(student)
    ids = {item["id"] for item in client.get("/api/cms/pages/?limit=20").json()["items"]}
    assert draft.pk not in ids and live.pk not in ids and lesson.pk not in ids
    response = client.get(f"/api/cms/pages/{lesson.pk}/")
    assert response.status_code == 404
    assert response.json()["type"] == "client_error"


def test_wagtail_api_roles(auth_client, student, teacher, admin_user, course_index):
    assert auth_client(None).get("/api/cms/pages/").status_code == 401
    for path in ("/api/cms/images/", "/api/cms/documents/"):
        assert auth_client(None).get(path).status_code == 401
        assert auth_client(student).get(path).status_code == 403
        assert auth_client(teacher).get(path).status_code == 200
        assert auth_client(admin_user).get(path).status_code == 200
    bad = auth_client(student).get("/api/cms/pages/?type=nope.Nothing")
    assert bad.status_code == 400 and bad.json()["type"] == "validation_error"


def test_pages_endpoint_needs_a_verified_email_like_the_learner_api(
    build_course, auth_client, teacher, admin_user
):
    """Issue 10 row 13: one rule (`user_may_learn`) for /api/v1/lessons/ and /api/cms/pages/:
    anonymous 401, an unverified account 403 on list, detail and find, verified callers 200."""
    from learning.accounts.tests.factories import UserFactory

    course = build_course()
    lesson = LessonPage.objects.descendant_of(course).first()
    unverified = UserFactory(email="new@example.test", role="student", email_verified=False)
    verified = UserFactory(email="learner@example.test", role="student")
    paths = [
        "/api/cms/pages/",
        "/api/cms/pages/?type=cms.LessonPage&fields=body,starter_files",
        f"/api/cms/pages/{lesson.pk}/",
        f"/api/cms/pages/{course.pk}/",
        f"/api/cms/pages/find/?html_path={lesson.url_path}",
        f"/api/v1/lessons/{lesson.pk}/",
    ]
    for path in paths:
        anonymous = auth_client(None).get(path)
        assert anonymous.status_code == 401, (path, anonymous.content)
        refused = auth_client(unverified).get(path)
        assert refused.status_code == 403, (path, refused.content)
        assert refused.json()["type"] == "client_error"
        assert b"index.html" not in refused.content and b"Lesson 0 text" not in refused.content
    for user in (verified, teacher, admin_user):
        client = auth_client(user)
        listing = client.get("/api/cms/pages/?type=cms.LessonPage&fields=body,starter_files")
        assert listing.status_code == 200, listing.content
        assert [item["id"] for item in listing.json()["items"]] == [lesson.pk]
        detail = client.get(f"/api/cms/pages/{lesson.pk}/")
        assert detail.status_code == 200 and detail.json()["starter_files"][0]["name"] == "index.html"
        assert client.get(f"/api/v1/lessons/{lesson.pk}/").status_code == 200
