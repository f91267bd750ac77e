"""A recording leaving its learners (RecordingUnpublished on unpublish and on every kind
of delete), abandoned uploads cleaned up by the job and the command, and splice offsets
counted in Unicode code points (characters outside the BMP round-trip)."""

import logging
import os
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from learning.events import RecordingUnpublished, bus

from ..models import Recording, RecordingStatus
from .helpers import upload
from .timeline_fixtures import *  # noqa: F403  (fixtures and helpers)
from .timeline_fixtures import post_batch, recording_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def unpublished_events():
    seen = []
    bus.subscribe(RecordingUnpublished, seen.append)
    yield seen
    bus.unsubscribe(RecordingUnpublished, seen.append)


# --- RecordingUnpublished --------------------------------------------------------------------


def test_unpublishing_announces_once_after_commit(
    auth_client, admin_user, published, unpublished_events, django_capture_on_commit_callbacks
):
    admin = auth_client(admin_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert admin.post(f"/api/v1/recordings/{published.pk}/unpublish/").status_code == 200
    assert unpublished_events == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [(e.recording_id, e.course_id, e.lesson_id) for e in unpublished_events] == [
        (published.pk, published.course_id, published.lesson_id)
    ]
    assert unpublished_events[0].occurred_at is not None
    # unpublishing again (and deleting an unpublished recording) announces nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(f"/api/v1/recordings/{published.pk}/unpublish/").status_code == 200
        assert admin.delete(f"/api/v1/authoring/recordings/{published.pk}/").status_code == 204
    assert len(unpublished_events) == 1


def test_deleting_a_published_recording_announces_it(
    auth_client, admin_user, published, unpublished_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            auth_client(admin_user).delete(f"/api/v1/authoring/recordings/{published.pk}/").status_code == 204
        )
    assert [e.recording_id for e in unpublished_events] == [published.pk]


def test_deleting_in_the_editor_announces_it(
    client, admin_user, published, unpublished_events, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/snippets/recordings/recording/delete/{published.pk}/")
    assert response.status_code == 302, response.content[:500]
    assert not Recording.objects.filter(pk=published.pk).exists()
    assert [e.recording_id for e in unpublished_events] == [published.pk]


def test_a_deleted_course_takes_its_published_recordings_and_announces_them(
    course_and_lesson, unpublished_events, django_capture_on_commit_callbacks
):
    course, lesson = course_and_lesson
    shown = recording_make(course=course, lesson=lesson, is_published=True)
    recording_make(course=course, lesson=lesson, title="a draft")
    with django_capture_on_commit_callbacks(execute=True):
        course.delete()
    assert [e.recording_id for e in unpublished_events] == [shown.pk]


# --- abandoned uploads -----------------------------------------------------------------------


def _age(recording, hours: float) -> None:
    """Make the upload `hours` old: the row's last change and the partial file's."""
    then = timezone.now() - timedelta(hours=hours)
    Recording.objects.filter(pk=recording.pk).update(updated_at=then)
    recording.refresh_from_db()
    if recording.upload_path:
        from ..services import upload_dir

        os.utime(upload_dir() / recording.upload_path, (then.timestamp(), then.timestamp()))


def _start_upload(client, recording, webm) -> None:
    """The first half of the video as the first part of a resumable upload."""
    half = len(webm) // 2
    response = upload(client, recording.pk, webm[:half], content_range=f"bytes 0-{half - 1}/{len(webm)}")
    assert response.status_code == 200, response.content
    recording.refresh_from_db()
    assert recording.status == RecordingStatus.UPLOADING and recording.upload_path


def test_the_job_drops_abandoned_uploads_and_orphans_and_keeps_fresh_ones(
    auth_client, admin_user, course_and_lesson, webm, settings, caplog
):
    from learning.recordings.tasks import recording_uploads_cleanup

    from ..services import upload_dir

    settings.RECORDING_UPLOAD_ABANDON_HOURS = 24
    course, lesson = course_and_lesson
    admin = auth_client(admin_user)
    abandoned, fresh = (
        recording_make(course=course, lesson=lesson),
        recording_make(course=course, lesson=lesson),
    )
    for recording in (abandoned, fresh):
        _start_upload(admin, recording, webm)
    _age(abandoned, 25)
    _age(fresh, 23)
    old_orphan, new_orphan = upload_dir() / "999-old.part", upload_dir() / "999-new.part"
    old_orphan.write_bytes(b"x")
    new_orphan.write_bytes(b"x")
    stamp = time.time() - 25 * 3600
    os.utime(old_orphan, (stamp, stamp))
    abandoned_file = upload_dir() / abandoned.upload_path

    with caplog.at_level(logging.INFO, logger="mrict.recordings"):
        assert recording_uploads_cleanup() == "1 abandoned uploads dropped, 2 files removed"
    assert f"recording {abandoned.pk}: dropped an upload abandoned" in caplog.text
    assert "999-old.part" in caplog.text
    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.upload_path, abandoned.upload_offset) == (
        RecordingStatus.FAILED,
        "",
        0,
    )
    assert "abandoned" in abandoned.failure_reason
    assert not abandoned_file.exists() and not old_orphan.exists()
    assert new_orphan.exists()
    fresh.refresh_from_db()
    assert fresh.status == RecordingStatus.UPLOADING and (upload_dir() / fresh.upload_path).exists()
    # the author sees the upload is gone: a part that continues it is refused, one from 0 starts anew
    half = len(webm) // 2
    response = upload(
        admin, abandoned.pk, webm[half:], content_range=f"bytes {half}-{len(webm) - 1}/{len(webm)}"
    )
    assert response.status_code == 409 and response["Upload-Offset"] == "0"
    # safe to run twice: nothing more to do
    assert recording_uploads_cleanup() == "0 abandoned uploads dropped, 0 files removed"


def test_the_command_keeps_the_video_a_replaced_upload_left(
    auth_client, admin_user, recording, webm, django_capture_on_commit_callbacks
):
    """An upload that would have replaced a ready video, abandoned: the recording is ready
    again with the video it had."""
    admin = auth_client(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(admin, recording.pk, webm).status_code == 200
    recording.refresh_from_db()
    video = recording.video.name
    assert recording.status == RecordingStatus.READY
    _start_upload(admin, recording, webm)
    _age(recording, 3)
    out = StringIO()
    call_command("recording_uploads_cleanup", "--hours", "2", stdout=out)
    assert f"recording {recording.pk}: abandoned upload dropped" in out.getvalue()
    recording.refresh_from_db()
    assert (recording.status, recording.video.name, recording.upload_path) == (
        RecordingStatus.READY,
        video,
        "",
    )
    out = StringIO()
    call_command("recording_uploads_cleanup", "--hours", "2", stdout=out)
    assert out.getvalue().strip() == "0 abandoned uploads dropped, 0 files removed."


def test_the_schedule_is_declared():
    from site_config.management.commands.setup_schedules import SCHEDULES

    assert any(s["func"] == "learning.recordings.tasks.recording_uploads_cleanup" for s in SCHEDULES)
    call_command("setup_schedules", stdout=StringIO())
    from django_q.models import Schedule

    assert Schedule.objects.filter(func="learning.recordings.tasks.recording_uploads_cleanup").count() == 1


# --- splice offsets count code points ----------------------------------------------------------


def test_characters_outside_the_bmp_round_trip(auth_client, admin_user, student, published):
    """Offsets are Unicode code points: an emoji is one (a UTF-16 client counts two)."""
    items = [
        {"id": "e0", "t_ms": 0, "files": {"app.js": "const face = '😀';\n"}},
        # after "const face = '😀" (15 code points; 16 UTF-16 units): insert a party popper
        {"id": "e1", "t_ms": 10, "diff": {"app.js": [[15, 0, "🎉"]]}},
        # replace the first emoji (at 14, one code point long) with two flags
        {"id": "e2", "t_ms": 20, "diff": {"app.js": [[14, 1, "🇫🇷🇯🇵"]]}},
        # a whole-file snapshot: stored as the splice of its changed middle, in code points
        {"id": "e3", "t_ms": 30, "files": {"app.js": "const face = '🇫🇷🙂🎉';\n"}},
    ]
    assert post_batch(auth_client(admin_user), published, items).status_code == 201
    client = auth_client(student)
    expected = {
        0: "const face = '😀';\n",
        10: "const face = '😀🎉';\n",
        20: "const face = '🇫🇷🇯🇵🎉';\n",
        30: "const face = '🇫🇷🙂🎉';\n",
    }
    for t_ms, code in expected.items():
        assert client.get(f"/api/v1/recordings/{published.pk}/state/", {"t_ms": t_ms}).json()["files"] == {
            "app.js": code
        }
    timeline = client.get(f"/api/v1/recordings/{published.pk}/timeline/").json()["snapshots"]
    assert timeline[1]["diff"] == {"app.js": [[15, 0, "🎉"]]}
    assert timeline[3]["diff"] == {"app.js": [[16, 2, "🙂"]]}  # 🇯🇵 is two code points
    # a splice past the end, counted in code points, is refused
    past = [{"id": "e4", "t_ms": 40, "diff": {"app.js": [[len(expected[30]) + 1, 0, "x"]]}}]
    response = post_batch(auth_client(admin_user), published, past)
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "splice_out_of_range"
