"""The drain job's insert: the hand-written PostgreSQL path (COPY into a staging table,
INSERT ... ON CONFLICT DO NOTHING) stores exactly what the ORM path stores, and ignores
ids already stored. On SQLite both calls are the ORM path."""

import datetime as dt
import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from learning.analytics import statements
from learning.analytics.models import Event

pytestmark = pytest.mark.django_db


def _rows(n: int) -> list[dict]:
    at = timezone.now().replace(microsecond=123456) - dt.timedelta(hours=1)
    return [
        {
            "id": str(uuid.uuid4()),
            "type": "video_seek" if i % 2 else "quiz_submitted",
            "source": "client" if i % 2 else "server",
            "actor": f"{i:032x}",
            "verb": "https://w3id.org/xapi/video/verbs/seeked",
            "object_type": "recording",
            "object_id": "" if i % 2 else str(i),
            "course_id": None if i % 3 == 0 else 10 + i,
            "module_id": None if i % 3 == 0 else 20 + i,
            "lesson_id": None if i % 3 == 0 else 2**40 + i,
            "organisation_id": 7 if i % 2 else None,
            "timestamp": (at + dt.timedelta(seconds=i)).isoformat(),
            "result": {} if i % 2 else {"score": {"raw": 3.5, "max": 4, "scaled": 0.875}, "success": True},
            "extensions": {"from": i, "to": i + 0.5, "note": 'quote " and \\ tab\t élan'},
        }
        for i in range(n)
    ]


def _stored() -> list[tuple]:
    return list(Event.objects.order_by("id").values_list(*statements.COLUMNS))


def test_the_sql_insert_stores_what_the_orm_stores():
    rows, stored = _rows(30), timezone.now()
    with transaction.atomic():
        statements.events_insert(rows, stored=stored)
    fast = _stored()
    assert len(fast) == 30
    Event.objects.all().delete()  # the test's reset; no code path of the app deletes events
    with transaction.atomic():
        statements.orm_insert(rows, stored=stored)
    assert _stored() == fast


def test_the_sql_insert_ignores_ids_already_stored():
    rows, stored = _rows(5), timezone.now()
    with transaction.atomic():
        statements.events_insert(rows[:3], stored=stored)
    changed = [dict(row, type="video_play") for row in rows]
    with transaction.atomic():
        statements.events_insert(changed, stored=stored)
    types = dict(Event.objects.values_list("id", "type"))
    assert len(types) == 5
    assert [types[uuid.UUID(r["id"])] for r in rows[:3]] == [r["type"] for r in rows[:3]]  # not overwritten
    assert {types[uuid.UUID(r["id"])] for r in rows[3:]} == {"video_play"}
