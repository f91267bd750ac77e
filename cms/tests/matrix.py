"""Setups for the content rows of tests/permission_matrix/rows_content.py. Each gets the
callers dict (student, teacher, admin, other = another teacher) and returns the ids the
row's URL uses. "teacher" owns `draft`/`live`; "other" owns `other_draft`."""

from .fixtures import course_build, ensure_course_index


def live_course(callers) -> dict:
    from cms.models import LessonPage

    ensure_course_index()
    course = course_build(owner=callers["teacher"], admin=callers["admin"], title="Live")
    return {"live": course.pk, "live_lesson": LessonPage.objects.descendant_of(course).first().pk}


def _draft(owner, title) -> dict:
    from cms.models import LessonPage, ModulePage

    ensure_course_index()
    course = course_build(owner=owner, publish=False, title=title)
    return {
        "course": course.pk,
        "module": ModulePage.objects.child_of(course).first().pk,
        "lesson": LessonPage.objects.descendant_of(course).first().pk,
    }


def teacher_draft(callers) -> dict:
    return {f"draft_{k}": v for k, v in _draft(callers["teacher"], "Mine").items()}


def other_draft(callers) -> dict:
    return {f"other_{k}": v for k, v in _draft(callers["other"], "Theirs").items()}


def in_review(callers) -> dict:
    from wagtail.models import TaskState

    from cms import services

    ensure_course_index()
    course = course_build(owner=callers["teacher"], publish=False, modules=0, title="Review")
    services.page_submit_for_review(user=callers["teacher"], page=course)
    return {"task": TaskState.objects.get(status="in_progress").pk}


def catalog(callers) -> dict:
    ensure_course_index()
    return {}


def image(callers) -> dict:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from cms import media

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    upload = SimpleUploadedFile("matrix.png", buffer.getvalue(), content_type="image/png")
    return {"image": media.image_upload(user=callers["teacher"], file=upload).pk}


def draft_document(callers) -> dict:
    """An attachment in the body of the teacher's draft lesson."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cms import media, services
    from cms.models import LessonPage

    ensure_course_index()
    course = course_build(owner=callers["teacher"], publish=False, title="Attached")
    lesson = LessonPage.objects.descendant_of(course).first()
    upload = SimpleUploadedFile("draft-notes.txt", b"draft answers", content_type="text/plain")
    document = media.document_upload(user=callers["teacher"], file=upload)
    body = [{"type": "attachment", "value": {"document": document.pk, "title": "Notes"}}]
    services.lesson_update(user=callers["teacher"], lesson=lesson, body=body)
    return {"document": document.pk, "document_name": document.filename, "draft_lesson": lesson.pk}


def live_document(callers) -> dict:
    """An attachment in the body of a published lesson."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cms import media, services
    from cms.models import LessonPage

    ensure_course_index()
    course = course_build(owner=callers["teacher"], admin=callers["admin"], title="Attached live")
    lesson = LessonPage.objects.descendant_of(course).first()
    upload = SimpleUploadedFile("live-notes.txt", b"lesson notes", content_type="text/plain")
    document = media.document_upload(user=callers["teacher"], file=upload)
    body = [{"type": "attachment", "value": {"document": document.pk, "title": "Notes"}}]
    services.lesson_update(user=callers["teacher"], lesson=lesson, body=body)
    services.page_publish(user=callers["admin"], page=lesson)
    return {"live_document": document.pk, "live_document_name": document.filename}
