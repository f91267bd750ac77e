"""Raw analytics rows for rollup tests, written directly (the ingest's job is not what
these tests are about), and the courses they are about, built through the CMS services."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from learning.analytics import registry
from learning.analytics.models import Actor, DirtyDay, Event


def at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def event(
    type_: str, actor: str, when: dt.datetime, *, course=None, module=None, lesson=None, org=None
) -> Event:
    kind = registry.get(type_)
    return Event(
        id=uuid.uuid4(),
        type=type_,
        source=kind.source,
        actor=actor,
        verb=kind.verb,
        object_type=kind.object_type,
        object_id=str(lesson or course or ""),
        course_id=course,
        module_id=module,
        lesson_id=lesson,
        organisation_id=org,
        timestamp=when,
        stored=when,
    )


def actor(name: str, signed_up_on: dt.date | None, org: int | None = None) -> Actor:
    return Actor.objects.create(
        id=name,
        signed_up_on=signed_up_on,
        organisation_id=org,
        first_seen=at(signed_up_on) if signed_up_on else timezone.now(),
    )


def store(events: list[Event], *, dirty: bool = False) -> None:
    """Insert the events; `dirty` marks their days as the ingest's drain does."""
    Event.objects.bulk_create(events)
    if dirty:
        for day in {e.timestamp.astimezone(dt.UTC).date() for e in events}:
            DirtyDay.objects.update_or_create(day=day, defaults={"marked_at": timezone.now()})


def structure(course) -> list[tuple[int, list[int]]]:
    """[(module id, [lesson ids])] of a built course, in order."""
    from cms.models import LessonPage, ModulePage

    return [
        (module.pk, list(LessonPage.objects.child_of(module).order_by("path").values_list("pk", flat=True)))
        for module in ModulePage.objects.child_of(course).order_by("path")
    ]
