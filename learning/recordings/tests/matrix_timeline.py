"""Setups for the recordings playback/timeline rows of tests/permission_matrix/rows_recordings.py
(part 2 of issue 14). "teacher" owns the live course of `rec_published` and
`rec_draft`; "other" (another teacher) owns the course of `rec_other`."""

from cms.tests import matrix as cms_matrix

SNAPSHOTS = {"snapshots": [{"id": "m1", "t_ms": 0, "files": {"index.html": "<p>hi</p>"}}]}


def _recording(course_id, lesson_id, *, published: bool, title: str):
    from django.utils import timezone

    from ..models import Recording, RecordingStatus
    from ..timeline_services import snapshots_ingest

    recording = Recording.objects.create(
        title=title,
        course_id=course_id,
        lesson_id=lesson_id,
        status=RecordingStatus.READY,
        is_published=published,
        published_at=timezone.now() if published else None,
        duration_ms=5000,
    )
    snapshots_ingest(
        recording_id=recording.pk, items=[{"id": "s0", "t_ms": 0, "files": {"index.html": "<p>"}}]
    )
    return recording


def recordings(callers) -> dict:
    values = cms_matrix.live_course(callers) | cms_matrix.other_draft(callers)
    course_id, lesson_id = values["live"], values["live_lesson"]
    return values | {
        "rec_published": _recording(course_id, lesson_id, published=True, title="Published").pk,
        "rec_draft": _recording(course_id, lesson_id, published=False, title="Unpublished").pk,
        "rec_other": _recording(values["other_course"], None, published=False, title="Theirs").pk,
    }
