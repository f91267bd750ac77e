"""The view checks well-formed events directly and hands anything else to the
serializer: both paths must answer exactly as the serializer alone would."""

import json

import pytest
from rest_framework.exceptions import ValidationError

from learning.progress.api.serializers import ProgressEventSerializer, event_parse

GOOD = {
    "event_id": "6f1c2b3a-9d4e-4f5a-8b6c-7d8e9f0a1b2c",
    "type": "lesson_started",
    "lesson_id": 12,
    "occurred_at": "2026-11-25T10:00:00Z",
}


def serializer_answer(item):
    try:
        data = ProgressEventSerializer().run_validation(item)
    except ValidationError as exc:
        return "invalid", exc.detail
    position = data.get("position")
    return "valid", {**data, "position": None if position is None else json.dumps(position)}


def parse_answer(item):
    try:
        return "valid", event_parse(item, ProgressEventSerializer())
    except ValidationError as exc:
        return "invalid", exc.detail


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"event_id": "6F1C2B3A-9D4E-4F5A-8B6C-7D8E9F0A1B2C"},
        {"event_id": "6f1c2b3a9d4e4f5a8b6c7d8e9f0a1b2c"},
        {"event_id": "urn:uuid:6f1c2b3a-9d4e-4f5a-8b6c-7d8e9f0a1b2c"},
        {"event_id": "{6f1c2b3a-9d4e-4f5a-8b6c-7d8e9f0a1b2c}"},
        {"event_id": 12345},
        {"event_id": "not-a-uuid"},
        {"event_id": None},
        {"event_id": ["6f1c2b3a-9d4e-4f5a-8b6c-7d8e9f0a1b2c"]},
        {"type": "lesson_viewed"},
        {"type": "lesson_completed"},
        {"type": "lesson_exploded"},
        {"type": ["lesson_started"]},
        {"type": None},
        {"lesson_id": "12"},
        {"lesson_id": 12.0},
        {"lesson_id": 0},
        {"lesson_id": -3},
        {"lesson_id": True},
        {"lesson_id": "twelve"},
        {"lesson_id": 2**40},
        {"occurred_at": "2026-11-25T10:00:00+02:00"},
        {"occurred_at": "2026-11-25T10:00:00.123456-05:30"},
        {"occurred_at": "2026-11-25 10:00:00Z"},
        {"occurred_at": "20261125T100000Z"},
        {"occurred_at": "2026-11-25T10:00:00"},
        {"occurred_at": "2026-11-25"},
        {"occurred_at": "2026-02-30T10:00:00Z"},
        {"occurred_at": "0001-01-01T00:00:00+01:00"},
        {"occurred_at": 1764064800},
        {"occurred_at": "yesterday"},
        {"position": None},
        {"position": 7},
        {"position": 1.5},
        {"position": "intro"},
        {"position": {"block": 2, "seconds": [1, 2]}},
        {"position": "x" * 2000},
        {"position": {"k": "é" * 600}},
        {"extra": "refused"},
    ],
)
def test_direct_checks_answer_as_the_serializer(changes, settings):
    settings.PROGRESS_MAX_POSITION_BYTES = 1024
    item = {**GOOD, **changes}
    assert parse_answer(item) == serializer_answer(item)


@pytest.mark.parametrize("missing", ["event_id", "type", "lesson_id", "occurred_at"])
def test_a_missing_field_gets_the_serializer_message(missing):
    item = {k: v for k, v in GOOD.items() if k != missing}
    assert parse_answer(item) == serializer_answer(item)
    assert parse_answer(item)[0] == "invalid"
