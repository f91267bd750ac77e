"""The transcoding job end to end: a real WebM uploaded through the API, the real
ffmpeg run by the django-q2 job (synchronous in tests), the status a client polls."""

import pytest
from django.test import override_settings

from learning.accounts.tests.helpers import assert_error
from learning.recordings.models import Recording

from .helpers import stored_path, upload


def _upload_and_run_job(client, recording, body, capture, **kwargs):
    with capture(execute=True):
        response = upload(client, recording.pk, body, **kwargs)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "processing"  # what the client sees until the job is done
    return client.get(f"/api/v1/authoring/recordings/{recording.pk}/").json()


def test_webm_is_transcoded_to_mp4_with_a_poster(
    auth_client, admin_user, recording, webm, django_capture_on_commit_callbacks
):
    client = auth_client(admin_user)
    body = _upload_and_run_job(client, recording, webm, django_capture_on_commit_callbacks)
    assert body["status"] == "ready", body["failure_reason"]
    assert body["rendition_kind"] == "mp4"
    assert 1900 <= body["duration_ms"] <= 2100
    recording.refresh_from_db()
    poster = stored_path(recording.poster).read_bytes()
    assert poster[:3] == b"\xff\xd8\xff"  # a JPEG
    rendition = stored_path(recording.rendition).read_bytes()
    assert rendition[4:8] == b"ftyp"
    # the rendition really is H.264 of the same length (ffprobe over the file the job wrote)
    from learning.recordings import media

    probe = media.probe(stored_path(recording.rendition), container="mp4")
    assert probe.video_codec == "h264" and abs(probe.duration_ms - body["duration_ms"]) < 200
    # and it is served to whoever may see the recording
    response = client.get(body["rendition_url"])
    assert response.status_code == 200 and response["Content-Type"] == "video/mp4"
    assert b"".join(response.streaming_content) == rendition
    response = client.get(body["poster_url"])
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_rerunning_the_job_is_safe(
    auth_client, admin_user, recording, webm, django_capture_on_commit_callbacks
):
    client = auth_client(admin_user)
    first = _upload_and_run_job(client, recording, webm, django_capture_on_commit_callbacks)
    recording.refresh_from_db()
    old_poster, old_rendition = stored_path(recording.poster), stored_path(recording.rendition)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/authoring/recordings/{recording.pk}/process/")
    assert response.status_code == 202 and response.json()["status"] == "processing"
    again = client.get(f"/api/v1/authoring/recordings/{recording.pk}/").json()
    assert again["status"] == "ready"
    assert again["duration_ms"] == first["duration_ms"]
    recording.refresh_from_db()
    assert stored_path(recording.poster).exists() and stored_path(recording.rendition).exists()
    assert not old_poster.exists() and not old_rendition.exists()  # replaced, not piled up
    assert len(list(stored_path(recording.poster).parent.iterdir())) == 1
    assert len(list(stored_path(recording.rendition).parent.iterdir())) == 1


def test_hls_rendition(
    auth_client, admin_user, recording, webm, settings, django_capture_on_commit_callbacks
):
    settings.RECORDING_TRANSCODE = "hls"
    body = _upload_and_run_job(auth_client(admin_user), recording, webm, django_capture_on_commit_callbacks)
    assert body["status"] == "ready", body["failure_reason"]
    assert body["rendition_kind"] == "hls"
    recording.refresh_from_db()
    playlist = stored_path(recording.rendition)
    assert playlist.read_text().startswith("#EXTM3U")
    segments = sorted(playlist.parent.glob("*.ts"))
    assert segments
    # a player without a JWT: the signed playlist URL, whose segment lines carry the token
    anonymous = auth_client(None)
    response = anonymous.get(body["rendition_url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/vnd.apple.mpegurl"
    lines = [line for line in response.content.decode().splitlines() if line and not line.startswith("#")]
    assert len(lines) == len(segments) and all("?token=" in line for line in lines)
    base = body["rendition_url"].split("?")[0]
    segment = anonymous.get(base + lines[0], HTTP_RANGE="bytes=0-187")
    assert segment.status_code == 206 and segment["Content-Type"] == "video/mp2t"
    assert b"".join(segment.streaming_content) == segments[0].read_bytes()[:188]
    # with a JWT the names stay plain; unknown names and a forged token are refused
    client = auth_client(admin_user)
    plain = client.get(base).content.decode()
    assert segments[0].name in plain and "token=" not in plain
    assert client.get(base + segments[0].name).status_code == 200
    assert_error(client.get(base + "segment99999.ts"), 404)
    assert_error(client.get(base + "..%2Fvideo"), 404)
    assert_error(anonymous.get(base + segments[0].name + "?token=forged"), 401)


def test_transcode_off_keeps_the_upload_and_makes_a_poster(
    auth_client, admin_user, recording, webm, settings, django_capture_on_commit_callbacks
):
    settings.RECORDING_TRANSCODE = "off"
    body = _upload_and_run_job(auth_client(admin_user), recording, webm, django_capture_on_commit_callbacks)
    assert body["status"] == "ready"
    assert body["rendition_kind"] == "" and body["rendition_url"] is None
    assert body["poster_url"]


def test_a_failing_job_says_why(
    auth_client, admin_user, recording, webm, settings, django_capture_on_commit_callbacks
):
    """ffmpeg refusing its arguments (a bad RECORDING_FFMPEG_ARGS): failed, with the reason."""
    settings.RECORDING_FFMPEG_ARGS = "-c:v no-such-codec"
    body = _upload_and_run_job(auth_client(admin_user), recording, webm, django_capture_on_commit_callbacks)
    assert body["status"] == "failed"
    assert "ffmpeg exited" in body["failure_reason"]
    # fixing the setting and running again brings it to ready
    settings.RECORDING_FFMPEG_ARGS = ""
    with django_capture_on_commit_callbacks(execute=True):
        auth_client(admin_user).post(f"/api/v1/authoring/recordings/{recording.pk}/process/")
    assert Recording.objects.get(pk=recording.pk).status == "ready"


def test_process_needs_a_video(auth_client, admin_user, recording):
    response = auth_client(admin_user).post(f"/api/v1/authoring/recordings/{recording.pk}/process/")
    assert_error(response, 409, "no_video")


@override_settings(FFMPEG_BIN="/nonexistent/ffmpeg")
def test_process_without_ffmpeg(auth_client, admin_user, recording):
    response = auth_client(admin_user).post(f"/api/v1/authoring/recordings/{recording.pk}/process/")
    assert_error(response, 409, "ffmpeg_missing")


@pytest.mark.parametrize("who", ["student", "teacher"])
def test_process_is_for_admins(who, request, auth_client, recording):
    response = auth_client(request.getfixturevalue(who)).post(
        f"/api/v1/authoring/recordings/{recording.pk}/process/"
    )
    assert_error(response, 403)
