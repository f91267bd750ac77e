"""The demo recording: published on the demo course's first lesson, playable, idempotent;
with ffmpeg it is transcoded, without it the shipped WebM is kept as uploaded."""

import pytest
from django.test import override_settings
from django.utils.module_loading import import_string

from learning.recordings.demo import SHIPPED_WEBM, demo_recording

pytestmark = pytest.mark.django_db

LOADERS = ("site_config.demo.load_site", "learning.accounts.demo.load", "cms.demo.load")


def _load():
    for loader in LOADERS:
        import_string(loader)()
    return import_string("learning.recordings.demo.load")()


def test_demo_recording_is_made_by_ffmpeg_and_transcoded(auth_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lines = _load()
    assert "made by ffmpeg" in lines[0]
    recording = demo_recording()
    assert recording.is_published and recording.status == "ready", recording.failure_reason
    assert recording.lesson is not None and 5900 <= recording.duration_ms <= 6100
    assert recording.poster and recording.rendition
    assert "already" in import_string("learning.recordings.demo.load")()[0]
    # a learner of the demo plays it
    from django.contrib.auth import get_user_model

    learner = get_user_model().objects.get(email="student@mrict.local")
    response = auth_client(learner).get(f"/api/v1/recordings/{recording.pk}/video/", HTTP_RANGE="bytes=0-3")
    assert response.status_code == 206 and b"".join(response.streaming_content) == b"\x1a\x45\xdf\xa3"


@override_settings(FFMPEG_BIN="/nonexistent/ffmpeg", FFPROBE_BIN="/nonexistent/ffprobe")
def test_demo_recording_without_ffmpeg_is_the_shipped_webm():
    lines = _load()
    assert "shipped screencast.webm" in lines[0] and "no ffmpeg" in lines[0]
    recording = demo_recording()
    assert recording.is_published and recording.status == "ready"
    assert recording.video.read() == SHIPPED_WEBM.read_bytes()
    assert SHIPPED_WEBM.stat().st_size < 16 * 1024
