"""The demo recording: one short published screencast on the demo course's first
lesson, through the same upload service and job as a real one. Idempotent.

The video is made by ffmpeg when it is installed (6 s of a test pattern), else it is the
tiny WebM shipped beside this module (3 s, 8 KB), kept playable as uploaded. The
snapshot timeline is part 2's: `demo_recording()` is the recording to add them to
(the lead wires `add_demo_snapshots(demo_recording())` into DEMO_LOADERS)."""

from __future__ import annotations

import io
import subprocess  # noqa: S404 (fixed argument list)
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.models import CoursePage, LessonPage

from .. import media, services
from ..models import Recording, RecordingStatus
from ..upload import Part

SHIPPED_WEBM = Path(__file__).with_name("screencast.webm")
TITLE = "Demo: building a first web page"
ADMIN_EMAIL = "admin@mrict.local"


def demo_recording() -> Recording | None:
    return Recording.objects.filter(title=TITLE).order_by("pk").first()


def demo_video() -> tuple[bytes, str]:
    """(WebM bytes, where they came from)."""
    ffmpeg = media.tool_path("ffmpeg")
    if ffmpeg:
        with tempfile.TemporaryDirectory() as work:
            target = Path(work) / "demo.webm"
            command = [
                ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=10",
                "-t", "6", "-c:v", "libvpx", "-b:v", "80k", "-an", str(target),
            ]  # fmt: skip
            result = subprocess.run(command, capture_output=True, timeout=120, check=False)  # noqa: S603
            if result.returncode == 0:
                return target.read_bytes(), "made by ffmpeg"
    return SHIPPED_WEBM.read_bytes(), f"the shipped {SHIPPED_WEBM.name}"


def load() -> list[str]:
    existing = demo_recording()
    if existing is not None:
        return [f"Demo recording already there ('{existing.title}', {existing.status})."]
    course = CoursePage.objects.live().order_by("path").first()
    if course is None:
        return ["No course to put the demo recording on (the cms loader did not run)."]
    lesson = LessonPage.objects.descendant_of(course).live().order_by("path").first()
    admin = get_user_model().objects.filter(email__iexact=ADMIN_EMAIL).first()
    if admin is None:
        admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return ["No admin to own the demo recording (the accounts loader did not run)."]
    recording = services.recording_create(
        user=admin,
        title=TITLE,
        course=course,
        lesson=lesson,
        description="A teacher types a small HTML page and a script; pause to edit the code.",
    )
    video, source = demo_video()
    recording = services.recording_upload_part(
        user=admin,
        recording=recording,
        part=Part(first=0, length=len(video), total=len(video)),
        stream=io.BytesIO(video),
    )
    recording.refresh_from_db()
    if recording.status == RecordingStatus.PROCESSING:
        # Now rather than when a worker gets to it, so the demo plays at once (the queued
        # run is a harmless re-run).
        services.recording_process(recording_id=recording.pk)
    recording.refresh_from_db()
    Recording.objects.filter(pk=recording.pk).update(is_published=True, published_at=timezone.now())
    return [
        f"Demo recording '{recording.title}' on '{lesson.title if lesson else course.title}' "
        f"({source}, {recording.status}, {recording.duration_ms or '?'} ms"
        f"{'' if media.tool_path('ffmpeg') else ', no ffmpeg: kept as uploaded'})."
    ]
