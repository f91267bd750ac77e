"""Moderation API (admins) and the headless preview endpoint."""

import pytest
from django.test import RequestFactory
from wagtail.models import TaskState

from cms import services
from cms.models import LessonPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(build_course, teacher):
    course = build_course(publish=False, modules=0)
    services.page_submit_for_review(user=teacher, page=course)
    return course


def test_moderation_roles(in_review, auth_client, student, teacher, admin_user):
    state = TaskState.objects.get(status="in_progress")
    for user, code in ((None, 401), (student, 403), (teacher, 403)):
        client = auth_client(user)
        assert client.get("/api/v1/moderation/").status_code == code
        assert client.post(f"/api/v1/moderation/{state.pk}/approve/", {}).status_code == code
        assert client.post(f"/api/v1/moderation/{state.pk}/reject/", {"comment": "x"}).status_code == code
    items = auth_client(admin_user).get("/api/v1/moderation/").json()
    assert items["count"] == 1
    item = items["results"][0]
    assert item["page"] == {
        "id": in_review.pk,
        "title": in_review.title,
        "type": "cms.coursepage",
        "live": False,
    }
    assert item["submitted_by"]["id"] == teacher.pk and item["workflow"] == "Course review"
    assert auth_client(admin_user).post("/api/v1/moderation/999999/approve/", {}).status_code == 404


def test_reject_needs_a_comment_then_author_sees_changes_requested(
    in_review, auth_client, admin_user, teacher
):
    state = TaskState.objects.get(status="in_progress")
    admin = auth_client(admin_user)
    response = admin.post(f"/api/v1/moderation/{state.pk}/reject/", {})
    assert response.status_code == 400 and response.json()["errors"][0]["attr"] == "comment"
    response = admin.post(f"/api/v1/moderation/{state.pk}/reject/", {"comment": "Add learning goals."})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "rejected"
    assert TaskState.objects.get(pk=state.pk).comment == "Add learning goals."
    page = auth_client(teacher).get(f"/api/v1/authoring/courses/{in_review.pk}/").json()
    assert page["status"] == "changes requested"
    # acting twice on a finished task is a 404: it is no longer in review
    assert admin.post(f"/api/v1/moderation/{state.pk}/approve/", {}).status_code == 404


def test_approve_with_comment_publishes(in_review, auth_client, admin_user, student):
    state = TaskState.objects.get(status="in_progress")
    response = auth_client(admin_user).post(f"/api/v1/moderation/{state.pk}/approve/", {"comment": "Nice"})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert auth_client(student).get(f"/api/v1/courses/{in_review.pk}/").status_code == 200


# --- headless preview --------------------------------------------------------------------


def test_editor_preview_points_to_the_front_end_with_a_signed_token(build_course, teacher, settings):
    course = build_course()
    lesson = LessonPage.objects.descendant_of(course).first()
    request = RequestFactory().get("/admin/", HTTP_HOST="localhost")
    request.user = teacher
    response = lesson.serve_preview(request, "")
    html = response.content.decode()
    assert settings.FRONTEND_PREVIEW_URL in html
    assert "content_type=cms.lessonpage" in html and "token=" in html


def test_preview_returns_the_draft_for_that_token_only(build_course, teacher, auth_client, student, settings):
    course = build_course()
    lesson = LessonPage.objects.descendant_of(course).first()
    services.lesson_update(
        user=teacher, lesson=lesson, title="Draft title", body=[{"type": "rich_text", "value": "<p>New</p>"}]
    )
    draft = LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object()
    preview = draft.create_page_preview()
    url = f"/api/v1/preview/?content_type=cms.lessonpage&token={preview.token}"
    for user in (None, student, teacher):
        response = auth_client(user).get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["title"] == "Draft title" and body["id"] == lesson.pk
        assert "New" in body["fields"]["body"][0]["value"]
    # the learner API still shows the published version
    assert auth_client(student).get(f"/api/v1/lessons/{lesson.pk}/").json()["title"] != "Draft title"
    bad = [
        f"/api/v1/preview/?content_type=cms.lessonpage&token={preview.token}x",
        f"/api/v1/preview/?content_type=cms.coursepage&token={preview.token}",
        f"/api/v1/preview/?content_type=auth.user&token={preview.token}",
        "/api/v1/preview/?content_type=cms.lessonpage&token=id%3D1%3Aforged%3Asig",
    ]
    for bad_url in bad:
        response = auth_client(student).get(bad_url)
        assert response.status_code == 404 and response.json()["type"] == "client_error"
    assert auth_client(student).get("/api/v1/preview/").status_code == 400
    settings.PREVIEW_TOKEN_MAX_AGE = -1
    assert auth_client(student).get(url).status_code == 404
