"""Events for the forwarding tests, written straight into the store (the ingest path
is another piece's; the forwarder reads whatever the store holds)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from learning.analytics import registry
from learning.analytics.models import Event
from learning.analytics.pseudonym import actor_id


def event(type_name: str = "lesson_view", **fields) -> Event:
    event_type = registry.get(type_name)
    now = timezone.now()
    values = {
        "id": uuid.uuid4(),
        "type": type_name,
        "source": event_type.source,
        "actor": actor_id(fields.pop("user_id", 1)),
        "verb": event_type.verb,
        "object_type": event_type.object_type,
        "object_id": "12",
        "course_id": 3,
        "lesson_id": 12,
        "timestamp": now - timedelta(minutes=10),
        "stored": now - timedelta(minutes=5),
        "extensions": {"referrer": "course"} if type_name == "lesson_view" else {},
    }
    return Event(**(values | fields))


def store(count: int, **fields) -> list[Event]:
    """`count` events in store order (each stored a millisecond after the last)."""
    start = fields.pop("stored", timezone.now() - timedelta(minutes=5))
    events = [event(stored=start + timedelta(milliseconds=i), **fields) for i in range(count)]
    Event.objects.bulk_create(events)
    return events
