"""Fixtures of the certificates tests: a published one-lesson course, and a learner who
completes it through the real progress API (which publishes CourseCompleted; the
certificate job runs synchronously in tests, django-q2 `sync: True`)."""

import uuid

import pytest
from django.utils import timezone


def completion_event(lesson_id) -> dict:
    return {
        "event_id": str(uuid.uuid4()),
        "type": "lesson_completed",
        "lesson_id": lesson_id,
        "occurred_at": timezone.now().isoformat(),
    }


def complete_course(client, course) -> None:
    """Enroll and complete every lesson of `course` through the API."""
    from cms.selectors import published_lessons_of_course

    assert client.post(f"/api/v1/courses/{course.pk}/enrollment/").status_code in (200, 201)
    events = [completion_event(lesson.pk) for lesson in published_lessons_of_course(course)]
    response = client.post("/api/v1/progress/events/", events, format="json")
    assert response.status_code == 200, response.content


def pdf_text(data: bytes) -> str:
    """The PDF's text, extracted by PDFium (a real PDF reader, not our renderer)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


@pytest.fixture
def course(build_course):
    return build_course(modules=1, lessons_per_module=1, title="Web basics")


@pytest.fixture
def events_seen():
    """Certificate events delivered on the bus during the test (an in-process subscriber)."""
    from learning.events import CertificateIssued, CertificateRevoked, bus

    seen = []

    def record(event):
        seen.append(event)

    bus.subscribe(CertificateIssued, record)
    bus.subscribe(CertificateRevoked, record)
    yield seen
    bus.unsubscribe(CertificateIssued, record)
    bus.unsubscribe(CertificateRevoked, record)
