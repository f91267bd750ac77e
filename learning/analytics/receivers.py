"""Server events: domain events heard on the bus, turned into analytics rows and queued
(docs/analytics.md#event-types). Subscribed in apps.py ready(); in-process, they only
compute a row and queue it (no query): the drain job resolves the user's organisation
and signup day and the page's module and course for the whole chunk at once.

The event id is a UUID5 of the domain event's name and payload, so a replayed delivery
inserts nothing twice. Events whose payload has neither a time nor an id of their own
(code_run, hint_requested) also hash their delivery time: two identical runs a moment
apart are two events, not one.

What a row holds about the person: the pseudonymous actor id only. The user id travels
in the queued row (private key `user_id`) for the drain to resolve, and is dropped there.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable

from django.utils import timezone

from learning.events import (
    BadgeAwarded,
    CertificateIssued,
    ChallengePassed,
    ChallengeSubmitted,
    CodeRun,
    CourseCompleted,
    DomainEvent,
    Enrolled,
    HintRequested,
    LessonCompleted,
    LessonStarted,
    OrganisationMembershipChanged,
    QuizPassed,
    QuizSubmitted,
    UserSignedUp,
)

from . import registry
from .models import Source
from .pseudonym import actor_id

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://mrict.dev/analytics/server-events")
# Payloads without their own time or id: the delivery time makes each one distinct.
HASH_DELIVERY_TIME = frozenset({"code_run", "hint_requested"})


def event_id(event: DomainEvent, delivered_at: dt.datetime) -> uuid.UUID:
    payload = event.to_payload()
    if event.name in HASH_DELIVERY_TIME:
        payload = payload | {"_delivered_at": delivered_at.isoformat()}
    return uuid.uuid5(NAMESPACE, event.name + json.dumps(payload, sort_keys=True, default=str))


def _duration(ms: float) -> str:
    """xAPI result.duration (ISO 8601)."""
    return f"PT{max(ms, 0) / 1000:.3f}S"


def _sig(value) -> str:
    return "" if value is None else str(value)


# Per event name: the parts of the row that depend on the event (object id, context
# ids, the page the drain resolves module/course from, result, extensions, time).
def _user_signed_up(e: UserSignedUp) -> dict:
    return {"signed_up_on": e.occurred_at.astimezone(dt.UTC).date().isoformat(), "timestamp": e.occurred_at}


def _enrolled(e: Enrolled) -> dict:
    return {"object_id": str(e.course_id), "course_id": e.course_id, "timestamp": e.occurred_at}


def _lesson(e: LessonStarted | LessonCompleted) -> dict:
    return {
        "object_id": str(e.lesson_id),
        "course_id": e.course_id,
        "lesson_id": e.lesson_id,
        "page_id": e.lesson_id,
        "timestamp": e.occurred_at,
        "result": {"completion": True} if e.name == "lesson_completed" else {},
    }


def _course_completed(e: CourseCompleted) -> dict:
    return {
        "object_id": str(e.course_id),
        "course_id": e.course_id,
        "timestamp": e.completed_at,
        "result": {"completion": True},
    }


def _code_run(e: CodeRun) -> dict:
    return {
        "object_id": _sig(e.challenge_id),
        "lesson_id": e.lesson_id,
        "page_id": e.lesson_id,
        "result": {"success": e.status == "ok", "duration": _duration(e.wall_ms)},
        "extensions": {"status": e.status, "language": e.language, "source_bytes": e.source_bytes},
    }


def _challenge_submitted(e: ChallengeSubmitted) -> dict:
    return {
        "object_id": str(e.challenge_id),
        "result": {"success": bool(e.passed)},
        "extensions": {"duplicate": e.duplicate_of_id is not None},
    }


def _challenge_passed(e: ChallengePassed) -> dict:
    return {
        "object_id": str(e.challenge_id),
        "lesson_id": e.lesson_id,
        "page_id": e.lesson_id,
        "result": {"success": True},
    }


def _hint_requested(e: HintRequested) -> dict:
    return {
        "object_id": _sig(e.lesson_id),
        "lesson_id": e.lesson_id,
        "page_id": e.lesson_id,
        "extensions": {"level": e.level, "challenge_id": e.challenge_id},
    }


def _score(raw: float | None, max_score: float | None) -> dict:
    score = {"raw": raw, "max": max_score, "min": 0}
    if raw is not None and max_score:
        score["scaled"] = round(max(-1.0, min(1.0, raw / max_score)), 4)
    return score


def _quiz_submitted(e: QuizSubmitted) -> dict:
    result = {"score": _score(e.score, e.max_score)}
    if e.passed is not None:
        result["success"] = bool(e.passed)
    return {"object_id": str(e.quiz_id), "course_id": e.course_id, "page_id": e.quiz_id, "result": result}


def _quiz_passed(e: QuizPassed) -> dict:
    return {
        "object_id": str(e.quiz_id),
        "course_id": e.course_id,
        "page_id": e.quiz_id,
        "timestamp": e.occurred_at,
        "result": {"success": True, "score": {"scaled": round(e.grade_percent / 100, 4)}},
    }


def _badge_awarded(e: BadgeAwarded) -> dict:
    return {"object_id": str(e.badge_id), "timestamp": e.occurred_at, "extensions": {"badge": e.badge_slug}}


def _certificate_issued(e: CertificateIssued) -> dict:
    # not the serial: it looks the holder up on the public verify page
    return {"object_id": str(e.certificate_id), "course_id": e.course_id, "timestamp": e.occurred_at}


MAPPERS: dict[type[DomainEvent], Callable[[DomainEvent], dict]] = {
    UserSignedUp: _user_signed_up,
    Enrolled: _enrolled,
    LessonStarted: _lesson,
    LessonCompleted: _lesson,
    CourseCompleted: _course_completed,
    CodeRun: _code_run,
    ChallengeSubmitted: _challenge_submitted,
    ChallengePassed: _challenge_passed,
    HintRequested: _hint_requested,
    QuizSubmitted: _quiz_submitted,
    QuizPassed: _quiz_passed,
    BadgeAwarded: _badge_awarded,
    CertificateIssued: _certificate_issued,
}


def server_row(event: DomainEvent, *, delivered_at: dt.datetime | None = None) -> dict:
    """The queued row of a domain event (JSON-safe). Its type is the registry type of
    the same name."""
    delivered_at = delivered_at or timezone.now()
    event_type = registry.get(event.name)
    parts = MAPPERS[type(event)](event)
    timestamp = parts.pop("timestamp", None) or delivered_at
    return {
        "id": str(event_id(event, delivered_at)),
        "type": event_type.name,
        "source": Source.SERVER.value,
        "actor": actor_id(event.user_id),
        "verb": event_type.verb,
        "object_type": event_type.object_type,
        "object_id": parts.pop("object_id", ""),
        "course_id": parts.pop("course_id", None),
        "module_id": None,
        "lesson_id": parts.pop("lesson_id", None),
        "organisation_id": None,  # the drain job's: the user's organisation
        "timestamp": timestamp.astimezone(dt.UTC).isoformat(),
        "result": parts.pop("result", {}),
        "extensions": parts.pop("extensions", {}),
        "user_id": event.user_id,
        **parts,  # signed_up_on, page_id
    }


def on_domain_event(event: DomainEvent) -> None:
    """The bus handler for every mapped domain event: queue its row."""
    from .services import server_event_queue

    server_event_queue(row=server_row(event))


def on_membership_changed(event: OrganisationMembershipChanged) -> None:
    """A job (one organisation's members may be thousands): the moved users' actors
    follow them, and their cohort days are marked for the rollup job."""
    from .services import actors_refile

    actors_refile(user_ids=list(event.user_ids), organisation_id=event.organisation_id)


def subscribe() -> None:
    from learning.events import bus

    for event_class in MAPPERS:
        bus.subscribe(event_class, on_domain_event)
    bus.subscribe(OrganisationMembershipChanged, on_membership_changed, job=True)
