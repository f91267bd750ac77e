"""Setups for the recordings rows of tests/permission_matrix/rows_recordings.py: a recording on the
live course owned by "teacher", with a video, a poster and a rendition on disk (the
demo's shipped WebM and a tiny JPEG: no ffmpeg needed), unpublished or published."""

from cms.tests import matrix as cms_matrix


def _recording(callers, *, published: bool) -> dict:
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from cms.models import CoursePage

    from ..demo import SHIPPED_WEBM
    from ..models import Recording, RecordingStatus
    from ..services import recording_create

    values = cms_matrix.live_course(callers)
    recording = recording_create(
        user=callers["admin"], title="Matrix", course=CoursePage.objects.get(pk=values["live"])
    )
    video = SHIPPED_WEBM.read_bytes()
    recording.video.save("matrix.webm", ContentFile(video), save=False)
    recording.rendition.save("matrix.webm", ContentFile(video), save=False)
    poster = io.BytesIO()
    Image.new("RGB", (16, 9), "navy").save(poster, format="JPEG")
    recording.poster.save("matrix.jpg", ContentFile(poster.getvalue()), save=False)
    recording.video_size = len(video)
    recording.status = RecordingStatus.READY
    recording.is_published = published
    recording.save()
    assert Recording.objects.filter(pk=recording.pk, status="ready").exists()
    return values | {"recording": recording.pk}


def draft_recording(callers) -> dict:
    """Unpublished: its managers (admin; the owning teacher) see it, students do not."""
    return _recording(callers, published=False)


def published_recording(callers) -> dict:
    return _recording(callers, published=True)
