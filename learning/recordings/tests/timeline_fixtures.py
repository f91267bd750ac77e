"""Fixtures of the timeline tests (part 2): a ready recording on a published lesson of a
course owned by `teacher`, and helpers that drive the real API. Imported by the test
modules that use them."""

import json

import pytest

from cms.models import LessonPage

from ..models import Recording, RecordingStatus


def recording_make(*, course, lesson=None, status=RecordingStatus.READY, is_published=False, **fields):
    """A recording row as part 1's upload leaves it (the video itself does not matter here)."""
    from django.utils import timezone

    return Recording.objects.create(
        title=fields.pop("title", "Typing a page"),
        course=course,
        lesson=lesson,
        status=status,
        is_published=is_published,
        published_at=timezone.now() if is_published else None,
        duration_ms=fields.pop("duration_ms", 120_000),
        **fields,
    )


@pytest.fixture
def course_and_lesson(build_course):
    course = build_course(modules=1, lessons_per_module=1)
    return course, LessonPage.objects.descendant_of(course).live().first()


@pytest.fixture
def recording(course_and_lesson):
    course, lesson = course_and_lesson
    return recording_make(course=course, lesson=lesson)


@pytest.fixture
def published(course_and_lesson):
    course, lesson = course_and_lesson
    return recording_make(course=course, lesson=lesson, is_published=True, title="Published")


def snapshots_url(recording) -> str:
    return f"/api/v1/recordings/{recording.pk}/snapshots/"


def post_batch(client, recording, items):
    return client.post(snapshots_url(recording), {"snapshots": items}, format="json")


def post_ndjson(client, recording, items):
    body = "\n".join(json.dumps(item) for item in items) + "\n"
    return client.generic("POST", snapshots_url(recording), body, content_type="application/x-ndjson")


def typing(n: int, *, start: int = 0, path: str = "index.html", t0: int = 0, step_ms: int = 10) -> list[dict]:
    """n snapshots of a teacher typing one character each into `path`."""
    return [
        {
            "id": f"k{start + i}",
            "t_ms": t0 + (start + i) * step_ms,
            "diff": {path: [[start + i, 0, "abcdefghij"[i % 10]]]},
        }
        for i in range(n)
    ]
