"""Attachment downloads (`/documents/<id>/<name>`): the page a document belongs to must be
visible to the caller (issue 10, row 15). See cms/documents.py for the rule."""

from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cms import media, services
from cms.models import LessonPage
from learning.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = b"the answers to the quiz"


def _attach(*, user, lesson, name="notes.txt"):
    document = media.document_upload(
        user=user, file=SimpleUploadedFile(name, SECRET, content_type="text/plain")
    )
    body = [{"type": "attachment", "value": {"document": document.pk, "title": "Notes"}}]
    services.lesson_update(user=user, lesson=lesson, body=body)
    return document


def _download(client, url):
    response = client.get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, content


def _session(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def published_attachment(build_course, teacher, admin_user):
    course = build_course(title="Published")
    lesson = LessonPage.objects.descendant_of(course).first()
    document = _attach(user=teacher, lesson=lesson)
    services.page_publish(user=admin_user, page=lesson)
    return course, lesson, document


def test_draft_lesson_attachment_is_for_editors_only(
    build_course, teacher, other_teacher, admin_user, student, auth_client
):
    course = build_course(title="Draft", publish=False)
    lesson = LessonPage.objects.descendant_of(course).first()
    document = _attach(user=teacher, lesson=lesson, name="draft-answers.txt")
    url = document.url
    assert url == f"/documents/{document.pk}/draft-answers.txt"

    # anonymous and a verified student: 404, the file never comes out
    for client in (Client(), auth_client(student), _session(student)):
        status, content = _download(client, url)
        assert status == 404 and SECRET not in content
    # editors (the media library of the Wagtail editor), by session or by Bearer JWT
    for client in (_session(teacher), auth_client(teacher), _session(admin_user), auth_client(admin_user)):
        assert _download(client, url) == (200, SECRET)
    assert _download(auth_client(other_teacher), url) == (200, SECRET)


def test_published_lesson_attachment_follows_the_learner_rule(
    published_attachment, student, auth_client, admin_user
):
    course, lesson, document = published_attachment
    unverified = UserFactory(email="new@example.test", role="student", email_verified=False)
    assert _download(Client(), document.url)[0] == 404
    assert _download(auth_client(unverified), document.url)[0] == 404
    assert _download(_session(unverified), document.url)[0] == 404
    assert _download(auth_client(student), document.url) == (200, SECRET)
    assert _download(_session(student), document.url) == (200, SECRET)

    # unpublishing the course hides the attachment again
    services.page_unpublish(user=admin_user, page=course)
    assert _download(auth_client(student), document.url)[0] == 404


def test_api_hands_out_urls_signed_for_the_caller(
    published_attachment, student, auth_client, admin_user, settings
):
    """A browser link cannot carry the Bearer header: the lesson's attachment URL carries a
    token for the caller, which works without any credential until it expires, and is
    re-checked against that caller's rights at download."""
    course, lesson, document = published_attachment
    body = auth_client(student).get(f"/api/v1/lessons/{lesson.pk}/").json()["body"]
    url = body[0]["value"]["document"]["url"]
    assert urlsplit(url).path == document.url and "token=" in url
    assert _download(Client(), url) == (200, SECRET)

    # the same through Wagtail's API v2
    detail = auth_client(student).get(f"/api/cms/pages/{lesson.pk}/").json()
    cms_url = detail["body"][0]["value"]["document"]["url"]
    assert "token=" in cms_url and _download(Client(), cms_url) == (200, SECRET)

    # a token is for one document only
    other = media.document_upload(user=admin_user, file=SimpleUploadedFile("other.txt", b"other"))
    token = urlsplit(url).query
    assert _download(Client(), f"{other.url}?{token}")[0] == 404
    # forged or tampered
    assert _download(Client(), f"{document.url}?token=forged")[0] == 404
    assert _download(Client(), url[:-2] + "xx")[0] == 404
    # expired
    settings.DOCUMENT_URL_MAX_AGE = -1
    assert _download(Client(), url)[0] == 404
    settings.DOCUMENT_URL_MAX_AGE = 3600
    # the caller lost the right (course unpublished): the link dies with it
    services.page_unpublish(user=admin_user, page=course)
    assert _download(Client(), url)[0] == 404


def test_unverified_token_grants_nothing(published_attachment, auth_client):
    """A token signed for a user who may not read the lesson (here: unverified) is refused."""
    from cms.documents import document_url

    _, _, document = published_attachment
    unverified = UserFactory(email="new@example.test", role="student", email_verified=False)
    assert _download(Client(), document_url(document, user=unverified))[0] == 404


def test_preview_grants_the_draft_attachment_to_the_token_holder(build_course, teacher, auth_client):
    course = build_course(title="Previewed", publish=False)
    lesson = LessonPage.objects.descendant_of(course).first()
    document = _attach(user=teacher, lesson=lesson)
    preview = LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object().create_page_preview()
    response = auth_client(None).get(f"/api/v1/preview/?content_type=cms.lessonpage&token={preview.token}")
    url = response.json()["fields"]["body"][0]["value"]["document"]["url"]
    assert "token=" in url and _download(Client(), url) == (200, SECRET)
    assert _download(Client(), document.url)[0] == 404


def test_document_used_by_no_page_is_for_editors_only(student, teacher, auth_client):
    document = media.document_upload(user=teacher, file=SimpleUploadedFile("loose.txt", SECRET))
    assert _download(auth_client(student), document.url)[0] == 404
    assert _download(Client(), document.url)[0] == 404
    assert _download(auth_client(teacher), document.url) == (200, SECRET)


def test_debug_media_serving_leaves_attachments_to_the_checked_view(teacher, settings):
    """With DEBUG (the embedded default's runserver) /media/ is served from disk; the
    attachment folder is not, or /media/documents/<name> would bypass the check."""
    import importlib

    from django.urls import clear_url_caches

    import site_config.urls

    document = media.document_upload(user=teacher, file=SimpleUploadedFile("loose.txt", SECRET))
    assert document.file.name == "documents/loose.txt"
    settings.DEBUG = True
    try:
        importlib.reload(site_config.urls)
        clear_url_caches()
        status, content = _download(Client(), f"{settings.MEDIA_URL}{document.file.name}")
        assert status == 404 and SECRET not in content
    finally:
        settings.DEBUG = False
        importlib.reload(site_config.urls)
        clear_url_caches()
