"""Serving the video with HTTP Range, to those who may see the recording: with a JWT
or a signed URL handed out by the API."""

import pytest

from learning.accounts.tests.helpers import assert_error
from learning.recordings.models import Recording

from .helpers import upload


@pytest.fixture
def uploaded(settings, auth_client, admin_user, recording, webm):
    settings.RECORDING_TRANSCODE = "off"
    assert upload(auth_client(admin_user), recording.pk, webm).status_code == 200
    recording.refresh_from_db()
    return recording


def _video(client, recording, **headers):
    return client.get(f"/api/v1/recordings/{recording.pk}/video/", **headers)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_whole_video(auth_client, admin_user, uploaded, webm):
    response = _video(auth_client(admin_user), uploaded)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/webm"
    assert int(response["Content-Length"]) == len(webm)
    assert _body(response) == webm


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, None),
        ("bytes=-50", -50, None),
        ("bytes=10-999999999", 10, None),
    ],
)
def test_range_requests(auth_client, admin_user, uploaded, webm, header, first, last):
    response = _video(auth_client(admin_user), uploaded, HTTP_RANGE=header)
    assert response.status_code == 206
    expected = webm[first : None if last is None else last + 1]
    start = first if first >= 0 else len(webm) + first
    assert response["Content-Range"] == f"bytes {start}-{start + len(expected) - 1}/{len(webm)}"
    assert int(response["Content-Length"]) == len(expected)
    assert _body(response) == expected


def test_range_past_the_end_is_416(auth_client, admin_user, uploaded, webm):
    response = _video(auth_client(admin_user), uploaded, HTTP_RANGE=f"bytes={len(webm)}-")
    assert_error(response, 416, "range_not_satisfiable")
    assert response["Content-Range"] == f"bytes */{len(webm)}"


def test_malformed_or_multiple_ranges_get_the_whole_file(auth_client, admin_user, uploaded, webm):
    for header in ("bytes=0-9,20-29", "pages=1-2", "bytes=9-2"):
        response = _video(auth_client(admin_user), uploaded, HTTP_RANGE=header)
        assert response.status_code == 200 and _body(response) == webm, header


def test_if_range(auth_client, admin_user, uploaded, webm):
    client = auth_client(admin_user)
    etag = _video(client, uploaded)["ETag"]
    assert _video(client, uploaded, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag).status_code == 206
    stale = _video(client, uploaded, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"something-else"')
    assert stale.status_code == 200 and _body(stale) == webm


def test_signed_url_works_without_a_jwt(auth_client, admin_user, uploaded, webm):
    detail = auth_client(admin_user).get(f"/api/v1/authoring/recordings/{uploaded.pk}/").json()
    anonymous = auth_client(None)
    response = anonymous.get(detail["video_url"], HTTP_RANGE="bytes=0-3")
    assert response.status_code == 206 and _body(response) == webm[:4]
    # the token is for this file of this recording only
    token = detail["video_url"].split("token=")[1]
    assert_error(anonymous.get(f"/api/v1/recordings/{uploaded.pk}/poster/?token={token}"), 401)
    assert_error(anonymous.get(f"/api/v1/recordings/{uploaded.pk}/video/?token={token[:-2]}xx"), 401)
    assert_error(anonymous.get(f"/api/v1/recordings/{uploaded.pk}/video/"), 401)


def test_signed_url_expires(auth_client, admin_user, uploaded, settings):
    detail = auth_client(admin_user).get(f"/api/v1/authoring/recordings/{uploaded.pk}/").json()
    settings.RECORDING_MEDIA_URL_TTL_S = -1
    assert_error(auth_client(None).get(detail["video_url"]), 401)


def test_signed_url_follows_the_users_rights(auth_client, admin_user, student, uploaded):
    """A token carries who it was made for; the recording is checked again on use."""
    from learning.recordings.serving import media_url

    Recording.objects.filter(pk=uploaded.pk).update(is_published=True)
    url = media_url(Recording.objects.get(pk=uploaded.pk), "video", user=student)
    assert auth_client(None).get(url).status_code == 200
    Recording.objects.filter(pk=uploaded.pk).update(is_published=False)
    assert_error(auth_client(None).get(url), 404)


def test_unpublished_recording_is_invisible_to_students(
    auth_client, student, teacher, other_teacher, uploaded
):
    assert_error(_video(auth_client(student), uploaded), 404)
    assert_error(_video(auth_client(other_teacher), uploaded), 404)
    assert _video(auth_client(teacher), uploaded).status_code == 200  # owns the course
    Recording.objects.filter(pk=uploaded.pk).update(is_published=True)
    assert _video(auth_client(student), uploaded).status_code == 200
    assert _video(auth_client(other_teacher), uploaded).status_code == 200


def test_published_recording_of_an_unpublished_course_is_invisible(
    auth_client, admin_user, student, uploaded
):
    from cms import services

    Recording.objects.filter(pk=uploaded.pk).update(is_published=True)
    services.page_unpublish(user=admin_user, page=uploaded.course)
    assert_error(_video(auth_client(student), uploaded), 404)


def test_no_video_yet_is_404(auth_client, admin_user, recording):
    assert_error(_video(auth_client(admin_user), recording), 404)
