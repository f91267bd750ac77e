"""The video on S3-compatible storage (moto in server mode: site_config/tests/s3_server.py):
uploaded through the API into the private storage, played through a signed URL."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from .helpers import upload


@pytest.fixture
def uploaded_to_s3(s3_media, settings, auth_client, admin_user, recording, webm):
    settings.RECORDING_TRANSCODE = "off"
    settings.MEDIA_SIGNED_URL_SECONDS = 300
    s3_media.configure()
    assert upload(auth_client(admin_user), recording.pk, webm).status_code == 200
    recording.refresh_from_db()
    return recording


def test_the_video_is_a_private_object_played_through_a_signed_url(
    s3_media, auth_client, admin_user, uploaded_to_s3, webm
):
    key = uploaded_to_s3.video.name
    assert key in s3_media.object_keys() and not key.startswith("public/")
    assert s3_media.object_bytes(key) == webm
    response = auth_client(admin_user).get(f"/api/v1/recordings/{uploaded_to_s3.pk}/video/")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{s3_media.server.endpoint}/{s3_media.bucket}/{key}?")
    assert parse_qs(urlsplit(location).query)["X-Amz-Expires"] == ["300"]
    played = requests.get(location, headers={"Range": "bytes=0-99"}, timeout=10)
    assert played.status_code == 206 and played.content == webm[:100]
    # the object itself is not public
    assert requests.get(location.split("?")[0], timeout=10).status_code == 403


def test_no_signed_link_for_a_caller_who_may_not_see_the_recording(
    s3_media, auth_client, student, uploaded_to_s3
):
    """An unpublished recording: 404 to a student, and no link to the object."""
    response = auth_client(student).get(f"/api/v1/recordings/{uploaded_to_s3.pk}/video/")
    assert response.status_code == 404
    assert "Location" not in response and "X-Amz-Signature" not in response.content.decode()
