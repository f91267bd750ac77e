"""Teacher write API: revisions, ownership, workflow, and bad input that changes nothing."""

import json

import pytest
from wagtail.models import Page, PageLogEntry, Revision

from cms.models import CoursePage, LessonPage, ModulePage

pytestmark = pytest.mark.django_db


def tree():
    return list(Page.objects.order_by("path").values_list("path", "title", "live", "latest_revision_id"))


def assert_error(response, status, code=None, attr=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["type"] in {"client_error", "validation_error"}
    if code:
        assert code in {e["code"] for e in body["errors"]}, body
    if attr:
        assert attr in {e["attr"] for e in body["errors"]}, body
    return body


@pytest.fixture
def draft_course(build_course):
    return build_course(publish=False)


def test_teacher_builds_a_course_through_the_api(course_index, auth_client, teacher):
    client = auth_client(teacher)
    course = client.post(
        "/api/v1/authoring/courses/",
        {"title": "Forms", "summary": "HTML forms", "level": "beginner", "tags": ["html", "forms"]},
    )
    assert course.status_code == 201, course.content
    course = course.json()
    assert course["status"] == "draft" and course["fields"]["owners"] == [teacher.pk]
    module = client.post("/api/v1/authoring/modules/", {"parent": course["id"], "title": "Inputs"})
    assert module.status_code == 201, module.content
    lesson = client.post(
        "/api/v1/authoring/lessons/",
        {
            "parent": module.json()["id"],
            "title": "Text inputs",
            "body": [
                {"type": "rich_text", "value": "<p>Use <code>&lt;input&gt;</code>.</p>"},
                {"type": "video", "value": {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"}},
            ],
            "starter_files": [{"name": "index.html", "language": "html", "content": "<form></form>"}],
            "estimated_minutes": 15,
        },
    )
    assert lesson.status_code == 201, lesson.content
    lesson = lesson.json()
    assert lesson["parent"] == module.json()["id"]
    assert lesson["fields"]["starter_files"][0]["name"] == "index.html"
    page = LessonPage.objects.get(pk=lesson["id"])
    assert not page.live
    # the edit is a Wagtail revision by the teacher, logged in the page history
    assert Revision.page_revisions.filter(object_id=str(page.pk)).get().user == teacher
    assert PageLogEntry.objects.filter(page=page, action="wagtail.create").exists()

    patched = client.patch(f"/api/v1/authoring/lessons/{page.pk}/", {"title": "Text inputs, updated"})
    assert patched.status_code == 200, patched.content
    assert patched.json()["title"] == "Text inputs, updated"
    assert Revision.page_revisions.filter(object_id=str(page.pk)).count() == 2


def test_edit_of_a_live_lesson_is_a_draft_until_published(build_course, auth_client, teacher, student):
    course = build_course()
    lesson = LessonPage.objects.descendant_of(course).first()
    response = auth_client(teacher).patch(
        f"/api/v1/authoring/lessons/{lesson.pk}/", {"title": "Renamed draft"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "live + draft"
    assert auth_client(student).get(f"/api/v1/lessons/{lesson.pk}/").json()["title"] != "Renamed draft"


def test_submit_approve_via_api_publishes(draft_course, auth_client, teacher, admin_user, student):
    response = auth_client(teacher).post(
        f"/api/v1/authoring/pages/{draft_course.pk}/submit/", {"include_descendants": True}
    )
    assert response.status_code == 200, response.content
    assert len(response.json()["submitted"]) == 3
    again = auth_client(teacher).post(f"/api/v1/authoring/pages/{draft_course.pk}/submit/", {})
    assert_error(again, 409, "already_in_review")
    # in review: locked for the teacher
    assert_error(
        auth_client(teacher).patch(f"/api/v1/authoring/courses/{draft_course.pk}/", {"title": "x"}), 409
    )
    admin = auth_client(admin_user)
    items = admin.get("/api/v1/moderation/").json()["results"]
    assert {item["page"]["id"] for item in items} >= {draft_course.pk}
    for item in items:
        assert admin.post(f"/api/v1/moderation/{item['id']}/approve/", {}).status_code == 200
    assert auth_client(student).get(f"/api/v1/courses/{draft_course.pk}/").status_code == 200


def test_other_teacher_sees_nothing_of_my_drafts(draft_course, auth_client, other_teacher):
    client = auth_client(other_teacher)
    lesson = LessonPage.objects.descendant_of(draft_course).first()
    module = ModulePage.objects.child_of(draft_course).first()
    before = tree()
    assert client.get("/api/v1/authoring/courses/").json()["count"] == 0
    for url in (
        f"/api/v1/authoring/courses/{draft_course.pk}/",
        f"/api/v1/authoring/modules/{module.pk}/",
        f"/api/v1/authoring/lessons/{lesson.pk}/",
    ):
        assert_error(client.get(url), 404)
        assert_error(client.patch(url, {"title": "hijack"}), 404)
        assert_error(client.delete(url), 404)
    assert_error(client.post("/api/v1/authoring/lessons/", {"parent": module.pk, "title": "x"}), 404)
    assert_error(client.post(f"/api/v1/authoring/pages/{lesson.pk}/submit/", {}), 404)
    assert tree() == before


def test_students_cannot_write(draft_course, auth_client, student):
    client = auth_client(student)
    before = tree()
    assert_error(client.post("/api/v1/authoring/courses/", {"title": "x"}), 403)
    assert_error(client.get(f"/api/v1/authoring/courses/{draft_course.pk}/"), 403)
    assert_error(client.post("/api/v1/authoring/import/", {"title": "x"}), 403)
    assert_error(auth_client(None).post("/api/v1/authoring/courses/", {"title": "x"}), 401)
    assert tree() == before


def test_teachers_cannot_publish_unpublish_or_set_owners(build_course, auth_client, teacher, other_teacher):
    course = build_course()
    client = auth_client(teacher)
    assert_error(client.post(f"/api/v1/authoring/pages/{course.pk}/publish/", {}), 403)
    assert_error(client.post(f"/api/v1/authoring/pages/{course.pk}/unpublish/", {}), 403)
    assert_error(
        client.put(f"/api/v1/authoring/courses/{course.pk}/owners/", {"owners": [other_teacher.pk]}), 403
    )
    # a teacher deletes only never-published pages
    lesson = LessonPage.objects.descendant_of(course).first()
    assert_error(client.delete(f"/api/v1/authoring/lessons/{lesson.pk}/"), 403)


def test_admin_publishes_unpublishes_and_sets_owners(draft_course, auth_client, admin_user, other_teacher):
    admin = auth_client(admin_user)
    response = admin.post(
        f"/api/v1/authoring/pages/{draft_course.pk}/publish/", {"include_descendants": True}
    )
    assert response.status_code == 200 and response.json()["status"] == "live"
    response = admin.put(
        f"/api/v1/authoring/courses/{draft_course.pk}/owners/", {"owners": [other_teacher.pk]}
    )
    assert response.json() == {"owners": [other_teacher.pk]}
    assert auth_client(other_teacher).get(f"/api/v1/authoring/courses/{draft_course.pk}/").status_code == 200
    response = admin.post(f"/api/v1/authoring/pages/{draft_course.pk}/unpublish/", {})
    assert response.status_code == 200 and response.json()["live"] is False


def test_teacher_deletes_a_draft_lesson(draft_course, auth_client, teacher):
    lesson = LessonPage.objects.descendant_of(draft_course).first()
    assert auth_client(teacher).delete(f"/api/v1/authoring/lessons/{lesson.pk}/").status_code == 204
    assert not LessonPage.objects.filter(pk=lesson.pk).exists()


def test_a_teacher_is_told_why_a_course_with_pages_below_it_is_not_deleted(
    draft_course, auth_client, teacher
):
    """Wagtail lets a user without bulk-delete rights delete leaf pages only: the 403
    says so, rather than blaming publication (the course is a draft)."""
    response = auth_client(teacher).delete(f"/api/v1/authoring/courses/{draft_course.pk}/")
    assert_error(response, 403)
    assert "pages below it" in response.json()["errors"][0]["detail"]
    assert CoursePage.objects.filter(pk=draft_course.pk).exists()


# --- bad input: 4xx in the error shape and the tree unchanged ------------------------------


def test_unknown_block_type(draft_course, auth_client, teacher):
    module = ModulePage.objects.child_of(draft_course).first()
    before = tree()
    response = auth_client(teacher).post(
        "/api/v1/authoring/lessons/",
        {"parent": module.pk, "title": "x", "body": [{"type": "marquee", "value": "hi"}]},
    )
    assert_error(response, 400, attr="body.0.type")
    lesson = LessonPage.objects.descendant_of(draft_course).first()
    response = auth_client(teacher).patch(
        f"/api/v1/authoring/lessons/{lesson.pk}/", {"body": [{"type": "code", "value": "not an object"}]}
    )
    assert_error(response, 400)
    assert tree() == before


def test_missing_title(draft_course, auth_client, teacher):
    module = ModulePage.objects.child_of(draft_course).first()
    before = tree()
    assert_error(
        auth_client(teacher).post("/api/v1/authoring/lessons/", {"parent": module.pk}), 400, attr="title"
    )
    lesson = LessonPage.objects.descendant_of(draft_course).first()
    assert_error(auth_client(teacher).patch(f"/api/v1/authoring/lessons/{lesson.pk}/", {"title": ""}), 400)
    assert_error(auth_client(teacher).post("/api/v1/authoring/courses/", {"summary": "no title"}), 400)
    assert tree() == before


def test_lesson_directly_under_a_course_is_refused(draft_course, auth_client, teacher):
    lesson = LessonPage.objects.descendant_of(draft_course).first()
    before = tree()
    client = auth_client(teacher)
    assert_error(
        client.post("/api/v1/authoring/lessons/", {"parent": draft_course.pk, "title": "x"}),
        400,
        attr="parent",
    )
    assert_error(
        client.patch(f"/api/v1/authoring/lessons/{lesson.pk}/", {"parent": draft_course.pk}),
        400,
        attr="parent",
    )
    assert_error(
        client.post("/api/v1/authoring/modules/", {"parent": lesson.pk, "title": "x"}), 400, attr="parent"
    )
    assert tree() == before


def test_ten_megabyte_body_is_413(draft_course, auth_client, teacher):
    module = ModulePage.objects.child_of(draft_course).first()
    before = tree()
    big = "x" * (10 * 1024 * 1024)
    payload = json.dumps(
        {"parent": module.pk, "title": "Huge", "body": [{"type": "rich_text", "value": big}]}
    )
    response = auth_client(teacher).post(
        "/api/v1/authoring/lessons/", payload, content_type="application/json"
    )
    assert_error(response, 413, "request_too_large")
    assert tree() == before


def test_stream_limits_apply_below_the_body_limit(draft_course, auth_client, teacher, settings):
    settings.CONTENT_STREAM_MAX_BLOCKS = 3
    module = ModulePage.objects.child_of(draft_course).first()
    body = [{"type": "rich_text", "value": "<p>a</p>"}] * 4
    response = auth_client(teacher).post(
        "/api/v1/authoring/lessons/", {"parent": module.pk, "title": "x", "body": body}
    )
    assert_error(response, 400, attr="body")


def test_bad_video_and_missing_image_are_400(draft_course, auth_client, teacher):
    module = ModulePage.objects.child_of(draft_course).first()
    client = auth_client(teacher)
    response = client.post(
        "/api/v1/authoring/lessons/",
        {
            "parent": module.pk,
            "title": "x",
            "body": [{"type": "video", "value": {"url": "http://evil.example/v"}}],
        },
    )
    assert_error(response, 400, attr="body.0.url")
    response = client.post(
        "/api/v1/authoring/lessons/",
        {"parent": module.pk, "title": "x", "body": [{"type": "image", "value": {"image": 999999}}]},
    )
    assert_error(response, 400)


def test_duplicate_starter_file_names(draft_course, auth_client, teacher):
    module = ModulePage.objects.child_of(draft_course).first()
    files = [{"name": "a.js", "language": "javascript", "content": ""}] * 2
    response = auth_client(teacher).post(
        "/api/v1/authoring/lessons/", {"parent": module.pk, "title": "x", "starter_files": files}
    )
    assert_error(response, 400)
    bad_name = [{"name": "../etc/passwd", "language": "text", "content": ""}]
    response = auth_client(teacher).post(
        "/api/v1/authoring/lessons/", {"parent": module.pk, "title": "x", "starter_files": bad_name}
    )
    assert_error(response, 400)


def test_duplicate_slug_is_400(draft_course, auth_client, teacher):
    response = auth_client(teacher).post(
        "/api/v1/authoring/courses/", {"title": "Again", "summary": "s", "slug": draft_course.slug}
    )
    assert_error(response, 400, attr="slug")
    assert CoursePage.objects.count() == 1


# --- scheduled publishing ---------------------------------------------------------------


def test_scheduled_publishing(draft_course, auth_client, admin_user, student):
    from datetime import timedelta

    from django.utils import timezone
    from wagtail.models import Revision

    from cms.tasks import publish_scheduled

    admin = auth_client(admin_user)
    past = admin.post(
        f"/api/v1/authoring/pages/{draft_course.pk}/publish/", {"go_live_at": "2000-01-01T00:00:00Z"}
    )
    assert_error(past, 400, attr="go_live_at")
    when = timezone.now() + timedelta(hours=1)
    response = admin.post(
        f"/api/v1/authoring/pages/{draft_course.pk}/publish/", {"go_live_at": when.isoformat()}
    )
    assert response.status_code == 200, response.content
    assert response.json()["live"] is False
    publish_scheduled()
    assert auth_client(student).get(f"/api/v1/courses/{draft_course.pk}/").status_code == 404
    # time passes: the approved go-live moment is now behind us
    past = timezone.now() - timedelta(minutes=1)
    for revision in Revision.page_revisions.filter(
        object_id=str(draft_course.pk), approved_go_live_at__isnull=False
    ):
        revision.approved_go_live_at = past
        revision.content["go_live_at"] = past.isoformat()
        revision.save()
    publish_scheduled()
    assert CoursePage.objects.get(pk=draft_course.pk).live
    assert auth_client(student).get(f"/api/v1/courses/{draft_course.pk}/").status_code == 200


# --- uploads -----------------------------------------------------------------------------


def _png_bytes():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_image_upload_and_use_in_a_lesson(draft_course, auth_client, teacher, student, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = auth_client(teacher)
    upload = SimpleUploadedFile("box.png", _png_bytes(), content_type="image/png")
    response = client.post("/api/v1/authoring/images/", {"file": upload, "title": "Box"}, format="multipart")
    assert response.status_code == 201, response.content
    image_id = response.json()["id"]
    module = ModulePage.objects.child_of(draft_course).first()
    lesson = client.post(
        "/api/v1/authoring/lessons/",
        {
            "parent": module.pk,
            "title": "With image",
            "body": [{"type": "image", "value": {"image": image_id, "alt": "A box", "caption": ""}}],
        },
    ).json()
    auth_client(admin_user).post(
        f"/api/v1/authoring/pages/{draft_course.pk}/publish/", {"include_descendants": True}
    )
    body = auth_client(student).get(f"/api/v1/lessons/{lesson['id']}/").json()["body"]
    image = body[0]["value"]["image"]
    assert image["id"] == image_id and image["width"] == 40
    assert set(image["renditions"]) == {"thumbnail", "medium", "large"}
    assert image["renditions"]["thumbnail"]["url"].startswith("/media/")
    not_image = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    assert_error(
        client.post("/api/v1/authoring/images/", {"file": not_image}, format="multipart"), 400, attr="file"
    )


def test_attachment_upload_rules(draft_course, auth_client, teacher, student, admin_user, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = auth_client(teacher)
    ok = SimpleUploadedFile("notes.md", b"# Notes", content_type="text/markdown")
    response = client.post("/api/v1/authoring/documents/", {"file": ok}, format="multipart")
    assert response.status_code == 201, response.content
    document_id = response.json()["id"]
    bad_ext = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    assert_error(
        client.post("/api/v1/authoring/documents/", {"file": bad_ext}, format="multipart"), 400, attr="file"
    )
    settings.ATTACHMENT_MAX_BYTES = 10
    too_big = SimpleUploadedFile("big.txt", b"x" * 11, content_type="text/plain")
    assert_error(
        client.post("/api/v1/authoring/documents/", {"file": too_big}, format="multipart"), 400, attr="file"
    )
    assert_error(
        auth_client(student).post("/api/v1/authoring/documents/", {"file": ok}, format="multipart"), 403
    )
    module = ModulePage.objects.child_of(draft_course).first()
    lesson = client.post(
        "/api/v1/authoring/lessons/",
        {
            "parent": module.pk,
            "title": "Attach",
            "body": [{"type": "attachment", "value": {"document": document_id}}],
        },
    ).json()
    auth_client(admin_user).post(
        f"/api/v1/authoring/pages/{draft_course.pk}/publish/", {"include_descendants": True}
    )
    block = auth_client(student).get(f"/api/v1/lessons/{lesson['id']}/").json()["body"][0]["value"]
    assert block["document"]["url"].startswith("/documents/") and block["document"]["extension"] == "md"
    assert block["title"] == "notes"


def test_editor_document_form_applies_extension_and_size_limits(settings, teacher):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.documents import get_document_model
    from wagtail.documents.forms import get_document_form

    form_class = get_document_form(get_document_model())
    settings.ATTACHMENT_MAX_BYTES = 10

    def form(name, content):
        return form_class(
            data={"title": "Doc", "collection": 1},
            files={"file": SimpleUploadedFile(name, content)},
            user=teacher,
        )

    too_big = form("notes.txt", b"x" * 11)
    assert not too_big.is_valid() and "file" in too_big.errors
    settings.ATTACHMENT_MAX_BYTES = 1000
    assert form("notes.txt", b"fine").is_valid(), form("notes.txt", b"fine").errors
    assert not form("tool.exe", b"MZ").is_valid()
