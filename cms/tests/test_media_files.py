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
