"""Fixtures of the rewards tests: the default XP rules, a published course the student
is enrolled in, a recorder of the events rewards publishes, and builders of the events
rewards hears (the inputs of this app, published on the real bus)."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from learning.events import bus
from learning.events.types import BadgeAwarded, LevelReached, XpAwarded


@pytest.fixture
def rules(db):
    from learning.rewards.demo import rules_ensure

    rules_ensure()


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


@pytest.fixture
def published():
    """The events rewards published during the test, in order."""
    seen = []

    def record(event):
        seen.append(event)

    for event_type in (XpAwarded, LevelReached, BadgeAwarded):
        bus.subscribe(event_type, record)
    yield seen
    for event_type in (XpAwarded, LevelReached, BadgeAwarded):
        bus.unsubscribe(event_type, record)


def progress_event(lesson_id, occurred_at=None):
    return {
        "event_id": str(uuid.uuid4()),
        "type": "lesson_completed",
        "lesson_id": lesson_id,
        "occurred_at": (occurred_at or timezone.now() - dt.timedelta(seconds=1)).isoformat(),
    }


def deliver(event, capture):
    """Publish `event` on the bus and run what it triggers (jobs run synchronously in
    tests), as the publisher's commit would."""
    with capture(execute=True):
        bus.publish(event)
