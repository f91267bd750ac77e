"""The video upload (docs/recordings.md, "Upload"): who may send, the size limit, the
container checks and the resumable parts, through the real endpoint and the real
ffprobe."""

from pathlib import Path

import pytest
from django.test import override_settings

from learning.accounts.tests.helpers import assert_error
from learning.recordings.models import Recording

from .helpers import CountingStream, stored_path, upload, upload_stream


@pytest.fixture(autouse=True)
def _no_job(settings):
    """The job is tested in test_transcode.py; here an upload stops at `processing`."""
    settings.RECORDING_TRANSCODE = "off"


def test_admin_uploads_a_webm_whole(auth_client, admin_user, recording, webm):
    response = upload(auth_client(admin_user), recording.pk, webm)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "processing"
    assert body["video_container"] == "webm"
    assert body["video_size"] == len(webm)
    assert body["video_codec"] == "vp8"
    assert (body["width"], body["height"]) == (160, 120)
    assert 1900 <= body["duration_ms"] <= 2100
    assert body["upload"] is None
    recording.refresh_from_db()
    assert stored_path(recording.video).read_bytes() == webm


def test_admin_uploads_an_mp4(auth_client, admin_user, recording, videos):
    response = upload(auth_client(admin_user), recording.pk, videos["mp4"], content_type="video/mp4")
    assert response.status_code == 200, response.content
    assert response.json()["video_container"] == "mp4"
    assert response.json()["video_codec"] == "h264"


@pytest.mark.parametrize("who", ["student", "teacher"])
def test_non_admin_is_refused_before_the_body_is_read(who, request, auth_client, recording, settings):
    """A body far past the limit, announced honestly: 403, and not one byte read."""
    settings.RECORDING_MAX_UPLOAD_BYTES = 1024 * 1024
    stream = CountingStream(endless=True)
    response = upload_stream(
        auth_client(request.getfixturevalue(who)), recording.pk, stream, length=400 * 1024**2
    )
    assert_error(response, 403, "permission_denied")
    assert stream.read_bytes == 0
    recording.refresh_from_db()
    assert recording.upload_offset == 0 and not recording.video


def test_anonymous_is_refused_before_the_body_is_read(auth_client, recording):
    stream = CountingStream(endless=True)
    assert_error(upload_stream(auth_client(None), recording.pk, stream, length=10**9), 401)
    assert stream.read_bytes == 0


def test_teacher_may_upload_to_own_course_only_when_allowed(
    auth_client, teacher, other_teacher, admin_user, recording, webm, settings
):
    settings.RECORDINGS_TEACHERS_MAY_UPLOAD = True
    assert upload(auth_client(teacher), recording.pk, webm).status_code == 200
    # another teacher does not even learn that the recording exists
    stream = CountingStream(endless=True)
    response = upload_stream(auth_client(other_teacher), recording.pk, stream, length=len(webm))
    assert_error(response, 404)
    assert stream.read_bytes == 0


def test_declared_size_past_the_limit_is_413_before_reading(auth_client, admin_user, recording, settings):
    settings.RECORDING_MAX_UPLOAD_BYTES = 1024 * 1024
    stream = CountingStream(endless=True)
    response = upload_stream(auth_client(admin_user), recording.pk, stream, length=1024 * 1024 + 1)
    assert_error(response, 413, "video_too_large")
    assert stream.read_bytes == 0
    # a part announcing a total past the limit, too
    stream = CountingStream(endless=True)
    response = upload_stream(
        auth_client(admin_user), recording.pk, stream, length=1000, content_range="bytes 0-999/2000000"
    )
    assert_error(response, 413, "video_too_large")
    assert stream.read_bytes == 0


def test_parts_past_the_limit_are_413_before_reading(auth_client, admin_user, recording, webm, settings):
    """Parts with `*` as total: a part whose end passes the limit is refused from its
    headers; the bytes already received stay (the upload may still finish in time)."""
    limit = 64 * 1024
    settings.RECORDING_MAX_UPLOAD_BYTES = limit
    client = auth_client(admin_user)
    body = (webm * 10)[: limit + 10_000]
    assert upload(client, recording.pk, body[:40_000], content_range="bytes 0-39999/*").status_code == 200
    stream = CountingStream(body[40_000:])
    response = upload_stream(
        client,
        recording.pk,
        stream,
        length=len(body) - 40_000,
        content_range=f"bytes 40000-{len(body) - 1}/*",
    )
    assert_error(response, 413, "video_too_large")
    assert stream.read_bytes == 0
    recording.refresh_from_db()
    assert recording.upload_offset == 40_000


def test_chunked_upload_is_cut_off_at_the_limit_while_streaming(auth_client, admin_user, recording, settings):
    """A chunked body announces no size: the limit holds as the bytes arrive, the read
    stops there, and nothing of it is kept."""
    limit = 256 * 1024
    settings.RECORDING_MAX_UPLOAD_BYTES = limit
    stream = CountingStream(endless=True)
    response = auth_client(admin_user).post(
        f"/api/v1/recordings/{recording.pk}/video/",
        b"",
        content_type="video/webm",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": stream, "wsgi.input_terminated": True},
    )
    assert_error(response, 413, "video_too_large")
    assert limit <= stream.read_bytes <= limit + settings.RECORDING_UPLOAD_CHUNK_BYTES
    recording.refresh_from_db()
    assert recording.status == "failed" and "limit" in recording.failure_reason
    assert recording.upload_path == "" and recording.upload_offset == 0
    assert not any(Path(settings.RECORDING_UPLOAD_DIR).glob("*"))


def test_chunked_upload_of_a_whole_webm(auth_client, admin_user, recording, webm):
    response = auth_client(admin_user).post(
        f"/api/v1/recordings/{recording.pk}/video/",
        b"",
        content_type="video/webm",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": CountingStream(webm), "wsgi.input_terminated": True},
    )
    assert response.status_code == 200, response.content
    assert response.json()["video_size"] == len(webm)


def test_renamed_text_file_is_refused(auth_client, admin_user, recording, settings):
    text = b"These are my lecture notes, not a video at all.\n" * 20
    response = upload(auth_client(admin_user), recording.pk, text)
    assert_error(response, 415, "video_format_unsupported")
    recording.refresh_from_db()
    assert recording.status == "failed" and not recording.video


def test_text_file_is_refused_at_its_first_part(auth_client, admin_user, recording):
    """The first bytes are checked as soon as they arrive, not after the whole upload."""
    part = b"#!/bin/sh\necho not a video\n" * 10
    response = upload(
        auth_client(admin_user), recording.pk, part, content_range=f"bytes 0-{len(part) - 1}/99999999"
    )
    assert_error(response, 415, "video_format_unsupported")


def test_ebml_file_of_another_doctype_is_refused(auth_client, admin_user, recording, webm):
    matroska = webm.replace(b"\x42\x82\x84webm", b"\x42\x82\x84wxbm", 1)
    assert matroska != webm
    assert_error(upload(auth_client(admin_user), recording.pk, matroska), 415, "video_format_unsupported")


def test_truncated_webm_is_refused(auth_client, admin_user, recording, webm):
    response = upload(auth_client(admin_user), recording.pk, webm[: len(webm) // 2])
    body = assert_error(response, 400, "video_unreadable")
    assert "end" in body["errors"][0]["detail"]
    recording.refresh_from_db()
    assert recording.status == "failed" and not recording.video
    assert recording.failure_reason


def test_resumable_upload_survives_a_dropped_connection(auth_client, admin_user, recording, webm):
    client = auth_client(admin_user)
    total = len(webm)
    third = total // 3
    # part 1
    response = upload(client, recording.pk, webm[:third], content_range=f"bytes 0-{third - 1}/{total}")
    assert response.status_code == 200
    assert response.json()["status"] == "uploading"
    assert response.json()["upload"] == {"offset": third, "size": total}
    # part 2: the connection drops after 1000 bytes of it
    announced = webm[third : 2 * third]
    stream = CountingStream(announced[:1000])
    response = upload_stream(
        client,
        recording.pk,
        stream,
        length=len(announced),
        content_range=f"bytes {third}-{2 * third - 1}/{total}",
    )
    assert_error(response, 400, "upload_incomplete")
    assert response["Upload-Offset"] == str(third + 1000)
    # the client asks where to resume
    detail = client.get(f"/api/v1/authoring/recordings/{recording.pk}/").json()
    assert detail["upload"] == {"offset": third + 1000, "size": total}
    # a part from the wrong place is refused and says where to continue
    response = upload(client, recording.pk, webm[third:], content_range=f"bytes {third}-{total - 1}/{total}")
    assert_error(response, 409, "upload_offset_mismatch")
    assert response["Upload-Offset"] == str(third + 1000)
    # the rest, from the offset
    resume = third + 1000
    response = upload(
        client, recording.pk, webm[resume:], content_range=f"bytes {resume}-{total - 1}/{total}"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "processing"
    recording.refresh_from_db()
    assert stored_path(recording.video).read_bytes() == webm


def test_a_part_must_match_the_announced_total(auth_client, admin_user, recording, webm):
    client = auth_client(admin_user)
    total = len(webm)
    upload(client, recording.pk, webm[:1000], content_range=f"bytes 0-999/{total}")
    response = upload(client, recording.pk, webm[1000:2000], content_range=f"bytes 1000-1999/{total + 5}")
    assert_error(response, 409, "upload_total_mismatch")


@pytest.mark.parametrize(
    ("content_range", "code"),
    [
        ("bytes 0-9", "invalid_content_range"),
        ("items 0-9/10", "invalid_content_range"),
        ("bytes 5-2/10", "invalid_content_range"),
        ("bytes 0-10/10", "invalid_content_range"),
        ("bytes 0-4/10", "invalid_content_range"),  # announces 5 bytes, the body has 10
    ],
)
def test_bad_content_range_is_400(auth_client, admin_user, recording, content_range, code):
    response = upload(auth_client(admin_user), recording.pk, b"0123456789", content_range=content_range)
    assert_error(response, 400, code)
    recording.refresh_from_db()
    assert recording.upload_offset == 0


def test_missing_length_and_wrong_media_type(auth_client, admin_user, recording, webm):
    client = auth_client(admin_user)
    response = client.post(
        f"/api/v1/recordings/{recording.pk}/video/", b"", content_type="video/webm", CONTENT_LENGTH=""
    )
    assert_error(response, 411, "length_required")
    response = client.post(f"/api/v1/recordings/{recording.pk}/video/", {"file": "x"}, format="multipart")
    assert_error(response, 415, "unsupported_media_type")
    assert_error(upload(client, recording.pk, b"", CONTENT_LENGTH="0"), 400, "empty_upload")


def test_published_recording_keeps_its_video(auth_client, admin_user, recording, webm):
    Recording.objects.filter(pk=recording.pk).update(is_published=True)
    assert_error(upload(auth_client(admin_user), recording.pk, webm), 409, "recording_published")


def test_a_new_upload_replaces_the_old_video(
    auth_client, admin_user, recording, videos, django_capture_on_commit_callbacks
):
    client = auth_client(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, recording.pk, videos["webm"])
    recording.refresh_from_db()
    old = stored_path(recording.video)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, recording.pk, videos["mp4"], content_type="video/mp4")
    assert response.json()["video_container"] == "mp4"
    assert not old.exists()


@override_settings(FFPROBE_BIN="/nonexistent/ffprobe", FFMPEG_BIN="/nonexistent/ffmpeg")
def test_without_ffmpeg_the_video_is_ready_as_uploaded(auth_client, admin_user, recording, webm):
    response = upload(auth_client(admin_user), recording.pk, webm)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["video_container"] == "webm" and body["duration_ms"] is None
    assert body["video_url"]
