"""Event -> xAPI 1.0.3 statement.

The statement names nobody: the actor is an Agent identified by an `account` whose
name is the pseudonymous actor id (no mbox, no name). Activity ids are IRIs under
ANALYTICS_XAPI_ACTIVITY_BASE (`<base>/<object_type>/<object_id>`); the course, when
the event has one, is the parent in `context.contextActivities`, its module and lesson
the grouping. The type's payload travels as one context extension whose key is a
namespaced IRI per event type, so an LRS report can tell the types apart.

The statement id is the event id: re-sending a statement is idempotent in an LRS (an
identical statement with a known id is ignored; a different one is refused with 409).
"""

from __future__ import annotations

from datetime import UTC
from urllib.parse import quote

from django.conf import settings

from .. import registry
from ..models import Event

VERSION = "1.0.3"
PLATFORM = "Mr ICT"
# Our vocabulary's namespaces (the verbs are in registry.py).
EXTENSIONS = "https://mrict.dev/xapi/extensions/"
ACTIVITY_TYPES = "https://mrict.dev/xapi/activity-types/"
ADL_ACTIVITY = "http://adlnet.gov/expapi/activities/"

# Object types with a well-known activity type; the others get one of ours.
_KNOWN_ACTIVITY_TYPES = {
    "course": ADL_ACTIVITY + "course",
    "module": ADL_ACTIVITY + "module",
    "lesson": ADL_ACTIVITY + "lesson",
    "quiz": ADL_ACTIVITY + "assessment",
    "recording": "https://w3id.org/xapi/video/activity-type/video",
}
_RESULT_KEYS = ("score", "success", "completion", "response", "duration")


def activity_type(object_type: str) -> str:
    return _KNOWN_ACTIVITY_TYPES.get(object_type) or ACTIVITY_TYPES + quote(object_type, safe="")


def activity_id(object_type: str, object_id: str | int | None = None) -> str:
    base = f"{settings.ANALYTICS_XAPI_ACTIVITY_BASE}/{quote(object_type, safe='')}"
    return f"{base}/{quote(str(object_id), safe='')}" if object_id not in (None, "") else base


def _activity(object_type: str, object_id) -> dict:
    return {
        "objectType": "Activity",
        "id": activity_id(object_type, object_id),
        "definition": {"type": activity_type(object_type)},
    }


def _timestamp(value) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _duration(value) -> str:
    """xAPI durations are ISO 8601 (PT12.5S); the store may hold seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = round(float(value), 2)
        return f"PT{seconds:g}S"
    return str(value)


def _result(result: dict) -> dict | None:
    if not result:
        return None
    shaped: dict = {}
    extra: dict = {}
    for key, value in result.items():
        if key == "duration":
            shaped[key] = _duration(value)
        elif key == "score" and isinstance(value, int | float) and not isinstance(value, bool):
            shaped[key] = {"raw": value}
        elif key in _RESULT_KEYS:
            shaped[key] = value
        elif key == "extensions" and isinstance(value, dict):
            extra.update(value)
        else:
            extra[EXTENSIONS + quote(str(key), safe="")] = value
    if extra:
        shaped["extensions"] = extra
    return shaped


def verb_display(event: Event) -> str:
    event_type = registry.get(event.type)
    if event_type is not None and event_type.verb == event.verb:
        return event_type.verb_display
    return event.verb.rstrip("/").rsplit("/", 1)[-1]


def statement_build(event: Event) -> dict:
    context: dict = {
        "platform": PLATFORM,
        "extensions": {EXTENSIONS + quote(event.type, safe=""): event.extensions or {}},
    }
    activities: dict = {}
    if event.course_id is not None and not (
        event.object_type == "course" and str(event.course_id) == event.object_id
    ):
        activities["parent"] = [_activity("course", event.course_id)]
    grouping = [
        _activity(kind, value)
        for kind, value in (("module", event.module_id), ("lesson", event.lesson_id))
        if value is not None and not (event.object_type == kind and str(value) == event.object_id)
    ]
    if grouping:
        activities["grouping"] = grouping
    if activities:
        context["contextActivities"] = activities

    statement = {
        "id": str(event.id),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": settings.ANALYTICS_XAPI_ACCOUNT_HOMEPAGE, "name": event.actor},
        },
        "verb": {"id": event.verb, "display": {"en-US": verb_display(event)}},
        "object": _activity(event.object_type, event.object_id),
        "context": context,
        "timestamp": _timestamp(event.timestamp),
        "version": VERSION,
    }
    result = _result(event.result)
    if result:
        statement["result"] = result
    return statement
