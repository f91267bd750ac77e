"""Fixtures of the recordings tests: real videos made by the real ffmpeg (once per
session, a few KB each), a course with a lesson, and helpers that send a video through
the real upload endpoint."""

import shutil
import subprocess

import pytest

from cms.tests.fixtures import course_build, ensure_course_index


def _ffmpeg(*arguments: str) -> None:
    binary = shutil.which("ffmpeg")
    assert binary, "the recordings tests need ffmpeg (apt-get install -y ffmpeg; .ci/system-packages.txt)"
    subprocess.run([binary, "-v", "error", "-y", *arguments], check=True, timeout=60)  # noqa: S603


@pytest.fixture(scope="session")
def videos(tmp_path_factory) -> dict[str, bytes]:
    """{"webm": 2 s of VP8 at 160x120 with a tone, "mp4": the same as H.264/AAC}."""
    folder = tmp_path_factory.mktemp("videos")
    source = ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-f", "lavfi", "-i", "sine=frequency=440"]
    _ffmpeg(*source, "-t", "2", "-c:v", "libvpx", "-b:v", "60k", "-c:a", "libvorbis", str(folder / "v.webm"))
    _ffmpeg(
        *source, "-t", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(folder / "v.mp4")
    )
    return {name: (folder / f"v.{name}").read_bytes() for name in ("webm", "mp4")}


@pytest.fixture
def webm(videos) -> bytes:
    return videos["webm"]


@pytest.fixture(autouse=True)
def recording_settings(settings, tmp_path):
    settings.RECORDING_UPLOAD_DIR = str(tmp_path / "uploads")
    settings.RECORDING_UPLOAD_CHUNK_BYTES = 4096
    settings.RECORDING_TRANSCODE = "mp4"
    settings.RECORDINGS_TEACHERS_MAY_UPLOAD = False
    return settings


@pytest.fixture
def course(db, teacher, admin_user):
    ensure_course_index()
    return course_build(owner=teacher, admin=admin_user, title="Screencasts")


@pytest.fixture
def lesson(course):
    from cms.models import LessonPage

    return LessonPage.objects.descendant_of(course).first()


@pytest.fixture
def recording(course, lesson, admin_user):
    from learning.recordings.services import recording_create

    return recording_create(user=admin_user, title="Building a page", course=course, lesson=lesson)
