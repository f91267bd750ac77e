"""The registry of analytics event types (docs/analytics.md#event-types).

Every event the store accepts has a registered type: its xAPI verb, the kind of object
it is about, where it comes from, and (for client events) the JSON Schema its `data`
must satisfy. The ingest endpoint rejects an unknown type or a payload its schema
refuses, per item, with the reason; server types are made by our own receivers from
domain events (receivers.py) and cannot be sent by a client.

Adding a type: one `_register(...)` line here, a row in docs/analytics.md, and for a
server type a mapping in receivers.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Source

ADL = "http://adlnet.gov/expapi/verbs/"
VIDEO = "https://w3id.org/xapi/video/verbs/"
MRICT = "https://mrict.dev/xapi/verbs/"

# Schema pieces shared by the client types.
_SECONDS = {"type": "number", "minimum": 0, "maximum": 86_400}
_NO_DATA = {"type": "object", "additionalProperties": False, "properties": {}}


def _object(properties: dict, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": required or [],
    }


@dataclass(frozen=True)
class EventType:
    name: str
    verb: str
    object_type: str
    source: str
    description: str
    schema: dict = field(default_factory=lambda: dict(_NO_DATA))
    # what the object id is, for the docs and the xAPI object IRI
    context: tuple[str, ...] = ()  # context ids the event needs (course_id, lesson_id, ...)

    @property
    def verb_display(self) -> str:
        return self.verb.rstrip("/").rsplit("/", 1)[-1]


TYPES: dict[str, EventType] = {}


def _register(event_type: EventType) -> EventType:
    if event_type.name in TYPES:
        raise ValueError(f"analytics event type {event_type.name!r} registered twice")
    if event_type.source == Source.CLIENT and event_type.context and "lesson_id" not in event_type.context:
        # ingest checks a client's course through the lesson (one query per batch)
        raise ValueError(f"client event type {event_type.name!r}: a context needs lesson_id")
    TYPES[event_type.name] = event_type
    return event_type


def get(name: str) -> EventType | None:
    return TYPES.get(name)


def client_types() -> list[EventType]:
    return [t for t in TYPES.values() if t.source == Source.CLIENT]


def server_types() -> list[EventType]:
    return [t for t in TYPES.values() if t.source == Source.SERVER]


# --- client events: sent by the front end through POST /api/v1/analytics/events/ ---

_register(
    EventType(
        "lesson_view",
        ADL + "experienced",
        "lesson",
        Source.CLIENT,
        "The learner opened a lesson.",
        _object({"referrer": {"type": "string", "enum": ["course", "resume", "search", "link", "other"]}}),
        context=("course_id", "lesson_id"),
    )
)
_register(
    EventType(
        "video_play",
        VIDEO + "played",
        "recording",
        Source.CLIENT,
        "Playback started at `position` seconds.",
        _object({"position": _SECONDS}, ["position"]),
        context=("lesson_id",),
    )
)
_register(
    EventType(
        "video_pause",
        VIDEO + "paused",
        "recording",
        Source.CLIENT,
        "Playback paused at `position` seconds.",
        _object({"position": _SECONDS}, ["position"]),
        context=("lesson_id",),
    )
)
_register(
    EventType(
        "video_seek",
        VIDEO + "seeked",
        "recording",
        Source.CLIENT,
        "The learner jumped from `from` to `to` seconds.",
        _object({"from": _SECONDS, "to": _SECONDS}, ["from", "to"]),
        context=("lesson_id",),
    )
)
_register(
    EventType(
        "editor_focus",
        ADL + "interacted",
        "editor",
        Source.CLIENT,
        "The code editor got the focus.",
        _object({"file": {"type": "string", "maxLength": 128}}),
        context=("lesson_id",),
    )
)
_register(
    EventType(
        "editor_blur",
        ADL + "interacted",
        "editor",
        Source.CLIENT,
        "The code editor lost the focus after `focused_seconds`.",
        _object({"file": {"type": "string", "maxLength": 128}, "focused_seconds": _SECONDS}),
        context=("lesson_id",),
    )
)

# --- server events: made from domain events by receivers.py (never sent by a client) ---

for _name, _verb, _object_type, _description in [
    ("user_signed_up", ADL + "registered", "platform", "A learner account was created."),
    ("enrolled", ADL + "registered", "course", "The learner enrolled in a course."),
    ("lesson_started", ADL + "attempted", "lesson", "The learner started a lesson."),
    ("lesson_completed", ADL + "completed", "lesson", "The learner completed a lesson."),
    ("course_completed", ADL + "completed", "course", "The learner completed a course."),
    ("code_run", MRICT + "ran", "code", "The learner ran code in the sandbox."),
    ("challenge_submitted", ADL + "attempted", "challenge", "The learner submitted a challenge."),
    ("challenge_passed", ADL + "passed", "challenge", "A submission passed every test."),
    ("hint_requested", ADL + "asked", "lesson", "The learner asked the tutor for help."),
    ("quiz_submitted", ADL + "answered", "quiz", "The learner submitted a quiz attempt."),
    ("quiz_passed", ADL + "passed", "quiz", "A quiz attempt passed."),
    ("badge_awarded", MRICT + "earned", "badge", "The learner earned a badge."),
    ("certificate_issued", MRICT + "earned", "certificate", "The learner earned a course certificate."),
]:
    _register(EventType(_name, _verb, _object_type, Source.SERVER, _description))
