"""Fixtures of the analytics ingest tests: a published course, an event builder, and
the write queue's backend as a parameter: the staging table always, the Redis list too
when the run has REDIS_URL (the PostgreSQL + Redis run)."""

import datetime as dt
import os
import uuid

import pytest
from django.utils import timezone

URL = "/api/v1/analytics/events/"
BACKENDS = ["staging", *(["redis"] if os.environ.get("REDIS_URL") else [])]


def event(type="lesson_view", *, lesson_id=None, course_id=None, timestamp=None, data=None, id=None, **extra):
    body = {
        "id": id or str(uuid.uuid4()),
        "type": type,
        "timestamp": (timestamp or timezone.now() - dt.timedelta(minutes=1)).isoformat(),
        "context": {
            k: v for k, v in {"course_id": course_id, "lesson_id": lesson_id}.items() if v is not None
        },
        "data": data if data is not None else {},
    }
    return body | extra


@pytest.fixture(params=BACKENDS)
def backend(request, settings):
    """The write queue: "staging" (IngestBatch rows, the embedded default) or "redis"."""
    if request.param == "staging":
        settings.REDIS_URL = ""
    return request.param


@pytest.fixture
def course(build_course):
    """A published course: 2 modules x 2 lessons."""
    return build_course(modules=2, lessons_per_module=2, title="Web basics")


@pytest.fixture
def lessons(course):
    from cms.selectors import published_lessons_of_course

    return list(published_lessons_of_course(course))


@pytest.fixture
def learner(student, auth_client):
    return auth_client(student)


def drain() -> int:
    """The drain job, as the worker runs it."""
    from learning.analytics.tasks import drain as job

    return job()
