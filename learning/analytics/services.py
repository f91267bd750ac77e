"""State changes of the analytics store (docs/analytics.md#event-pipeline).

- `client_events_ingest`: a batch from the front end, checked item by item (ingest.py),
  lessons resolved for the whole batch in one query, the accepted rows queued.
- `server_event_queue`: a row made from a domain event (receivers.py), queued.
- `events_drain`: the drain job's work: chunks off the queue, bulk-inserted into Event
  (idempotent by event id), Actor rows upserted, DirtyDay marked for the chunk's days.
- `actors_refile`: users moved to another organisation (OrganisationMembershipChanged):
  their actors follow, and the days that count them by organisation are marked dirty.

Event rows are only ever inserted: there is no update or delete path for Event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from . import queue, statements
from .ingest import Checked, Code, Rejection, item_check
from .models import Actor, DirtyDay, Source
from .pseudonym import actor_id
from .rollups.services import week_start
from .selectors import page_contexts, visible_lesson_contexts

# A queued row holds statements.COLUMNS (but `stored`) and may carry private keys
# that the drain job resolves and drops (they never reach the store):
# "signed_up_on": the actor's signup day (client rows know it from the request's user);
# "user_id": a server row's user, for its organisation and signup day (drain only);
# "page_id": a server row's lesson or quiz page, for its module and course (drain only).
PRIVATE_KEYS = ("signed_up_on", "user_id", "page_id")


@dataclass
class IngestOutcome:
    accepted: int = 0
    rejected: list[dict] = field(default_factory=list)


def client_events_ingest(*, user, items: list) -> IngestOutcome:
    """Check each item, resolve the lessons of the batch in one query (a lesson the
    learner may not see rejects its item; the client's course id is only a hint), and
    queue the accepted rows for the drain job. The same id twice in a batch is accepted
    once and stored once; an id stored before is accepted and stored once (idempotent)."""
    now = timezone.now()
    earliest = now - dt.timedelta(days=settings.ANALYTICS_MAX_EVENT_AGE_DAYS)
    latest = now + dt.timedelta(seconds=settings.ANALYTICS_CLOCK_SKEW_SECONDS)
    checked: list[Checked] = []
    rejected: list[Rejection] = []
    for index, item in enumerate(items):
        outcome = item_check(index, item, earliest=earliest, latest=latest)
        (checked if type(outcome) is Checked else rejected).append(outcome)
    lessons = visible_lesson_contexts({c.lesson_id for c in checked if c.lesson_id is not None})
    actor = actor_id(user.pk)
    organisation_id = user.organisation_id
    signed_up_on = timezone.localdate(user.date_joined, dt.UTC).isoformat() if user.date_joined else None
    rows, seen = [], set()
    for event in checked:
        module_id = course_id = None
        if event.lesson_id is not None:
            context = lessons.get(event.lesson_id)
            if context is None:
                rejected.append(
                    Rejection(
                        event.index,
                        str(event.id),
                        Code.LESSON_NOT_FOUND,
                        "No such lesson, or not one you may see.",
                    )
                )
                continue
            module_id, course_id = context
        if event.id in seen:
            continue  # accepted once already in this batch
        seen.add(event.id)
        event_type = event.type
        rows.append(
            {
                "id": str(event.id),
                "type": event_type.name,
                "source": Source.CLIENT.value,
                "actor": actor,
                "verb": event_type.verb,
                "object_type": event_type.object_type,
                "object_id": str(event.lesson_id) if event_type.object_type == "lesson" else "",
                "course_id": course_id,
                "module_id": module_id,
                "lesson_id": event.lesson_id,
                "organisation_id": organisation_id,
                "timestamp": event.timestamp.isoformat(),
                "result": {},
                "extensions": event.data,
                "signed_up_on": signed_up_on,
            }
        )
    queue.rows_push(rows)
    rejected.sort(key=lambda r: r.index)
    return IngestOutcome(accepted=len(items) - len(rejected), rejected=[r.as_dict() for r in rejected])


def server_event_queue(*, row: dict) -> None:
    """Queue one row made from a domain event (receivers.py): no query, no insert here."""
    queue.rows_push([row])


def events_drain(*, chunk: int | None = None, max_chunks: int | None = None) -> int:
    """Bulk-insert queued rows, chunk by chunk. Returns the rows handled (duplicates of
    stored events included: they insert nothing)."""
    queue.drain_started()
    return queue.drain(
        _chunk_insert,
        size=chunk or settings.ANALYTICS_DRAIN_CHUNK,
        max_chunks=max_chunks or settings.ANALYTICS_DRAIN_MAX_CHUNKS,
    )


def _chunk_insert(rows: list[dict]) -> None:
    """One chunk, inside the drain's transaction: resolve what server rows left to the
    drain (a user's organisation and signup day, a page's module and course) in one
    query each, insert the events ignoring known ids, upsert the actors, mark the days."""
    now = timezone.now()
    users = _users({row["user_id"] for row in rows if row.get("user_id")})
    pages = page_contexts({row["page_id"] for row in rows if row.get("page_id")})
    actors, days = {}, set()
    for row in rows:
        timestamp = dt.datetime.fromisoformat(row["timestamp"])
        signed_up_on = row.get("signed_up_on")
        user_id = row.get("user_id")
        if user_id:
            organisation_id, joined = users.get(user_id, (None, None))
            row["organisation_id"] = organisation_id
            signed_up_on = signed_up_on or joined
        page_id = row.get("page_id")
        if page_id and page_id in pages:
            module_id, course_id = pages[page_id]
            row["module_id"] = row.get("module_id") or module_id
            row["course_id"] = row.get("course_id") or course_id
        days.add(timestamp.astimezone(dt.UTC).date())
        known = actors.get(row["actor"])
        if known is None or timestamp < known.first_seen:
            actors[row["actor"]] = Actor(
                id=row["actor"],
                signed_up_on=_date(signed_up_on),
                organisation_id=row.get("organisation_id"),
                first_seen=timestamp,
            )
    statements.events_insert(rows, stored=now)
    # An actor keeps its first-seen time; its organisation follows the user's latest, its
    # signup day is the account's (an actor whose user is gone keeps what it had).
    known = sorted((a for a in actors.values() if a.signed_up_on is not None), key=lambda a: a.id)
    unknown = sorted((a for a in actors.values() if a.signed_up_on is None), key=lambda a: a.id)
    if known:
        # An actor that changed organisation (or signup day) moves between cohorts: the
        # days that count it by its organisation are recomputed too.
        stored = Actor.objects.filter(id__in=[a.id for a in known])
        before = {
            pk: (org, signed)
            for pk, org, signed in stored.values_list("id", "organisation_id", "signed_up_on")
        }
        for a in known:
            was = before.get(a.id)
            if was is not None and was != (a.organisation_id, a.signed_up_on):
                days |= cohort_days(was[1], today=now.date()) | cohort_days(a.signed_up_on, today=now.date())
        Actor.objects.bulk_create(
            known,
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["organisation_id", "signed_up_on"],
        )
    if unknown:
        Actor.objects.bulk_create(unknown, ignore_conflicts=True)
    days_mark_dirty(days, now=now)


def days_mark_dirty(days, *, now: dt.datetime) -> None:
    """The rollup job recomputes these days (and what depends on them) on its next run."""
    DirtyDay.objects.bulk_create(
        [DirtyDay(day=day, marked_at=now) for day in sorted(days)],
        update_conflicts=True,
        unique_fields=["day"],
        update_fields=["marked_at"],
    )


def cohort_days(signed_up_on: dt.date | None, *, today: dt.date) -> set[dt.date]:
    """The days to recompute when an actor who signed up on `signed_up_on` changes
    organisation: the signup day (signups, the size of its week's cohort) and the first
    day of each later week its retention cohort follows (ANALYTICS_RETENTION_WEEKS), up
    to today. Everything else counts an event by the event's own organisation."""
    if signed_up_on is None:
        return set()
    first = week_start(signed_up_on)
    weeks = (first + dt.timedelta(weeks=n) for n in range(1, settings.ANALYTICS_RETENTION_WEEKS + 1))
    return {signed_up_on, *(day for day in weeks if day <= today)}


def actors_refile(*, user_ids: list[int], organisation_id: int | None) -> int:
    """Users moved into `organisation_id` (None: out of any) with no event of theirs to
    say so: their actors follow, and their cohort days are marked for the rollup job
    (cohort_days). Users who never produced an event have no actor and need nothing.
    Returns how many actors moved. Safe to run twice: an actor already there is left."""
    now = timezone.now()
    moved = 0
    days: set[dt.date] = set()
    ids = [actor_id(user_id) for user_id in user_ids]
    for first in range(0, len(ids), 500):
        stale = list(
            Actor.objects.filter(id__in=ids[first : first + 500])
            .exclude(organisation_id=organisation_id)
            .values_list("id", "signed_up_on")
        )
        if not stale:
            continue
        moved += Actor.objects.filter(id__in=[pk for pk, _ in stale]).update(organisation_id=organisation_id)
        for _, signed_up_on in stale:
            days |= cohort_days(signed_up_on, today=now.date())
    days_mark_dirty(days, now=now)
    return moved


def _users(user_ids: set[int]) -> dict[int, tuple[int | None, str | None]]:
    if not user_ids:
        return {}
    rows = (
        get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "organisation_id", "date_joined")
    )
    return {
        pk: (organisation_id, timezone.localdate(joined, dt.UTC).isoformat() if joined else None)
        for pk, organisation_id, joined in rows
    }


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
