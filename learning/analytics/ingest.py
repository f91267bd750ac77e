"""Client events: the rules one item of an ingest batch must pass (docs/analytics.md#event-pipeline).

`item_check` looks at one item on its own (shape, id, type, timestamp window, context
keys, `data` against the type's JSON Schema) and returns either a `Checked` item or a
`Rejection` with a machine-readable code. The batch-wide rule (the lesson exists and
the learner may see it) is services.client_events_ingest's, in one query for the batch.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from . import registry
from .models import Source

MAX_ID = 2**63 - 1
ITEM_KEYS = frozenset({"id", "type", "timestamp", "context", "data"})
CONTEXT_KEYS = ("course_id", "lesson_id")


class Code:
    """Why an item was rejected (`rejected[i].code`)."""

    INVALID = "invalid"  # not an object, or keys the item does not take
    INVALID_ID = "invalid_id"  # `id` missing or not a UUID
    UNKNOWN_TYPE = "unknown_type"
    SERVER_ONLY_TYPE = "server_only_type"  # made by the server from domain events only
    INVALID_TIMESTAMP = "invalid_timestamp"  # missing, not ISO 8601, or without a time zone
    IN_FUTURE = "in_future"  # later than now + ANALYTICS_CLOCK_SKEW_SECONDS
    TOO_OLD = "too_old"  # earlier than now - ANALYTICS_MAX_EVENT_AGE_DAYS
    INVALID_CONTEXT = "invalid_context"  # not an object, a missing/unknown key, a bad id
    INVALID_DATA = "invalid_data"  # `data` refused by the type's JSON Schema
    LESSON_NOT_FOUND = "lesson_not_found"  # no such lesson, or one the learner may not see

    ALL = (
        INVALID,
        INVALID_ID,
        UNKNOWN_TYPE,
        SERVER_ONLY_TYPE,
        INVALID_TIMESTAMP,
        IN_FUTURE,
        TOO_OLD,
        INVALID_CONTEXT,
        INVALID_DATA,
        LESSON_NOT_FOUND,
    )


@dataclass(frozen=True, slots=True)
class Rejection:
    index: int
    id: str | None
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"index": self.index, "id": self.id, "code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class Checked:
    index: int
    id: uuid.UUID
    type: registry.EventType
    timestamp: dt.datetime  # aware, UTC
    lesson_id: int | None
    data: dict


# One compiled validator per client type, built once at import (a schema error in the
# registry fails the start, not a request), and for the schemas the registry writes (an
# object of numbers, strings and string enums, additionalProperties false) a plain
# Python check compiled from the schema: jsonschema's generic walk was ~45% of a
# 500-event batch's CPU. The fast check answers exactly as jsonschema does for those
# schemas (tests/test_ingest_checks.py compares them on generated data); jsonschema
# still writes the message of a refused payload.
def _validators() -> dict[str, Draft202012Validator]:
    validators = {}
    for event_type in registry.client_types():
        Draft202012Validator.check_schema(event_type.schema)
        validators[event_type.name] = Draft202012Validator(event_type.schema)
    return validators


def _number_check(spec: dict):
    low, high = spec.get("minimum"), spec.get("maximum")

    def check(value) -> bool:
        if type(value) is not int and type(value) is not float:
            return False
        return (low is None or value >= low) and (high is None or value <= high)

    return check


def _string_check(spec: dict):
    longest = spec.get("maxLength")
    return lambda value: type(value) is str and (longest is None or len(value) <= longest)


def _enum_check(spec: dict):
    allowed = frozenset(spec["enum"])
    return lambda value: type(value) is str and value in allowed


def compile_fast_check(schema: dict):
    """A function data -> bool equal to jsonschema's is_valid for the registry's simple
    object schemas, or None when the schema uses anything else."""
    if set(schema) - {"type", "additionalProperties", "properties", "required"}:
        return None
    if schema.get("type") != "object" or schema.get("additionalProperties") is not False:
        return None
    checks = {}
    for name, spec in schema.get("properties", {}).items():
        keys = set(spec)
        if keys <= {"type", "minimum", "maximum"} and spec.get("type") == "number":
            checks[name] = _number_check(spec)
        elif keys <= {"type", "maxLength"} and spec.get("type") == "string":
            checks[name] = _string_check(spec)
        elif (
            keys == {"type", "enum"}
            and spec["type"] == "string"
            and all(type(v) is str for v in spec["enum"])
        ):
            checks[name] = _enum_check(spec)
        else:
            return None
    required = frozenset(schema.get("required", ()))
    allowed = frozenset(checks)

    def check(data) -> bool:
        if type(data) is not dict or not required <= data.keys() or not data.keys() <= allowed:
            return False
        return all(checks[key](value) for key, value in data.items())

    return check


VALIDATORS = _validators()
FAST_CHECKS = {name: compile_fast_check(registry.get(name).schema) for name in VALIDATORS}


def data_is_valid(type_name: str, data) -> bool:
    fast = FAST_CHECKS[type_name]
    if fast is not None and fast(data):
        return True
    return VALIDATORS[type_name].is_valid(data)


def _is_id(value) -> bool:
    return type(value) is int and 0 < value <= MAX_ID


def parse_timestamp(value) -> dt.datetime | None:
    """An aware datetime in UTC from ISO 8601 text with a time zone, else None."""
    if type(value) is not str or not 10 <= len(value) <= 40:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return None
    return parsed.astimezone(dt.UTC)


def item_check(index: int, item, *, earliest: dt.datetime, latest: dt.datetime) -> Checked | Rejection:
    """One item against every rule that needs no database."""
    if type(item) is not dict:
        return Rejection(index, None, Code.INVALID, "Each event must be a JSON object.")
    raw_id = item.get("id")
    shown_id = raw_id[:64] if type(raw_id) is str else None

    def reject(code: str, message: str) -> Rejection:
        return Rejection(index, shown_id, code, message)

    unknown = item.keys() - ITEM_KEYS
    if unknown:
        return reject(Code.INVALID, f"Unknown keys: {', '.join(sorted(map(str, unknown)))[:200]}.")
    try:
        event_id = uuid.UUID(raw_id) if type(raw_id) is str and len(raw_id) <= 64 else None
    except ValueError:
        event_id = None
    if event_id is None:
        return reject(Code.INVALID_ID, "`id` must be a UUID generated by the client for this event.")
    name = item.get("type")
    event_type = registry.get(name) if type(name) is str else None
    if event_type is None:
        return reject(Code.UNKNOWN_TYPE, "`type` is not a registered event type (see docs/analytics.md).")
    if event_type.source != Source.CLIENT:
        return reject(Code.SERVER_ONLY_TYPE, f"`{name}` events are recorded by the server, not sent.")
    timestamp = parse_timestamp(item.get("timestamp"))
    if timestamp is None:
        return reject(
            Code.INVALID_TIMESTAMP,
            "`timestamp` must be ISO 8601 with a time zone (e.g. 2026-01-31T12:00:00Z).",
        )
    if timestamp > latest:
        return reject(Code.IN_FUTURE, "`timestamp` is in the future (check the device clock).")
    if timestamp < earliest:
        return reject(Code.TOO_OLD, "`timestamp` is older than the store accepts.")
    context = item.get("context", {})
    if type(context) is not dict:
        return reject(Code.INVALID_CONTEXT, "`context` must be an object.")
    if context.keys() - set(CONTEXT_KEYS):
        return reject(Code.INVALID_CONTEXT, f"`context` takes only {', '.join(CONTEXT_KEYS)}.")
    for key in event_type.context:
        if key not in context:
            return reject(Code.INVALID_CONTEXT, f"`{name}` needs `context.{key}`.")
    for key, value in context.items():
        if not _is_id(value):
            return reject(Code.INVALID_CONTEXT, f"`context.{key}` must be a positive integer id.")
    data = item.get("data", {})
    if not data_is_valid(event_type.name, data):
        error = best_match(VALIDATORS[event_type.name].iter_errors(data))
        where = "data" + "".join(f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        return reject(Code.INVALID_DATA, f"{where}: {error.message}"[:300])
    lesson_id = context.get("lesson_id") if "lesson_id" in event_type.context else None
    return Checked(index, event_id, event_type, timestamp, lesson_id, data)
