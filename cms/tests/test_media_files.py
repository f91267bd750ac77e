"""Image files are served by URL without a check (MEDIA_URL, or a presigned bucket URL):
their names must not be guessable from what the author called the file (issue 10, row 15:
the same class of leak as attachments)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image as PILImage
from wagtail.images import get_image_model

pytestmark = pytest.mark.django_db


def _png(name="lesson-diagram-answer.png"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _assert_unguessable(image):
    assert "diagram" not in image.file.name and image.file.name.endswith(".png")
    rendition = image.get_rendition("fill-320x180")
    assert "diagram" not in rendition.file.name and "diagram" not in rendition.url


def test_api_image_upload_gets_a_random_file_name(auth_client, teacher):
    response = auth_client(teacher).post("/api/v1/authoring/images/", {"file": _png()}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "lesson-diagram-answer" and "diagram" not in body["url"]
    _assert_unguessable(get_image_model().objects.get(pk=body["id"]))


def test_editor_image_upload_gets_a_random_file_name(teacher):
    client = Client()
    client.force_login(teacher)
    response = client.post("/admin/images/add/", {"title": "Diagram", "file": _png()})
    assert response.status_code == 302, response.content[:2000]
    image = get_image_model().objects.get(title="Diagram")
    _assert_unguessable(image)


def test_an_image_past_the_pixel_limit_is_refused_before_decoding(auth_client, teacher):
    """Issue 10, row 8's class of bug for authors' images: a small file can decode to
    gigabytes (Wagtail's own default allows 128 M pixels). IMAGE_MAX_PIXELS is checked
    from the header, in the authoring API and the editor alike."""
    buffer = io.BytesIO()
    PILImage.new("I;16", (5000, 4000)).save(buffer, format="PNG")  # 20 M pixels, a few KB
    file = SimpleUploadedFile("huge.png", buffer.getvalue(), content_type="image/png")
    response = auth_client(teacher).post("/api/v1/authoring/images/", {"file": file}, format="multipart")
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert error["attr"] == "file" and "pixels" in error["detail"].lower()
    assert not get_image_model().objects.exists()

    client = Client()
    client.force_login(teacher)
    file.seek(0)
    editor = client.post("/admin/images/add/", {"title": "Huge", "file": file})
    assert editor.status_code == 200  # the form again, with the error
    assert not get_image_model().objects.exists()
