"""Permission-matrix rows of the analytics ingest (learning/analytics, docs/analytics.md)."""

from tests.permission_matrix.core import Row, signed_in

_EVENT = {
    "id": "5d0c7b8e-7e4f-4d43-9a8c-0f6a1b2c3d4e",
    "type": "video_play",
    "timestamp": "2026-01-01T00:00:00Z",
    "context": {"lesson_id": 999_999},
    "data": {"position": 1},
}

ROWS = [
    # Any verified account may send its own events; the item's outcome (here rejected:
    # too old, no such lesson) does not change the status of the batch.
    Row("POST", "/api/v1/analytics/events/", signed_in(202), {"events": [_EVENT]}),
    Row("GET", "/api/v1/analytics/events/", signed_in(405)),
]
