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
    assert detail["starter_code"][0]["value"]["name"] == "index.html"
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
