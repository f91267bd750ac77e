import datetime as dt
import uuid

import pytest
from django.utils import timezone


def event(lesson_id, type="lesson_completed", occurred_at=None, **extra):
    return {
        "event_id": str(uuid.uuid4()),
        "type": type,
        "lesson_id": lesson_id,
        "occurred_at": (occurred_at or timezone.now() - dt.timedelta(seconds=1)).isoformat(),
        **extra,
    }


@pytest.fixture
def course(build_course):
    """A published course: 2 modules x 2 lessons."""
    return build_course(modules=2, lessons_per_module=2, title="Web basics")


@pytest.fixture
def lessons(course):
    from cms.selectors import published_lessons_of_course

    return list(published_lessons_of_course(course))


@pytest.fixture
def learner(student, auth_client, course):
    client = auth_client(student)
    assert client.post(f"/api/v1/courses/{course.pk}/enrollment/").status_code == 201
    return client
