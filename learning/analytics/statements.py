"""Hand-written SQL of the drain job, where the ORM is too slow (the house's rule: in a
module of its own, with a parity test against the ORM path: tests/test_ingest_drain.py).

On PostgreSQL a chunk of events goes in by `COPY` into a session-local staging table
and one `INSERT ... SELECT ... ON CONFLICT (id) DO NOTHING`: the rows travel as text,
without a model instance or a per-field adaptation each. Profiled on a 20,000-event drain,
Django's `bulk_create` spent most of its time in Python (model instances,
`get_db_prep_save` for each of 15 fields, array adaptation), not in PostgreSQL.
Elsewhere (SQLite, the embedded default) the ORM's `bulk_create(ignore_conflicts=True)`.
"""

from __future__ import annotations

import json

from django.db import connection

from .models import Event

COLUMNS = (
    "id",
    "type",
    "source",
    "actor",
    "verb",
    "object_type",
    "object_id",
    "course_id",
    "module_id",
    "lesson_id",
    "organisation_id",
    "timestamp",
    "stored",
    "result",
    "extensions",
)
_JSON = ("result", "extensions")
_DUMPS = json.JSONEncoder(separators=(",", ":")).encode


def events_insert(rows: list[dict], *, stored) -> None:
    """Insert the rows (dicts with every COLUMN but `stored`; `timestamp` ISO 8601 text or
    a datetime), ignoring ids already stored. Call inside a transaction."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy_insert(rows, stored=stored)
    else:
        orm_insert(rows, stored=stored)


def orm_insert(rows: list[dict], *, stored) -> None:
    from django.utils.dateparse import parse_datetime

    Event.objects.bulk_create(
        [
            Event(
                **{name: row[name] for name in COLUMNS if name not in ("timestamp", "stored")},
                timestamp=parse_datetime(row["timestamp"])
                if isinstance(row["timestamp"], str)
                else row["timestamp"],
                stored=stored,
            )
            for row in rows
        ],
        ignore_conflicts=True,
    )


def _copy_insert(rows: list[dict], *, stored) -> None:
    table = Event._meta.db_table
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    stored_text = stored.isoformat()
    with connection.cursor() as cursor:
        # a staging table per session, emptied by each commit (the drain's transaction)
        cursor.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS "analytics_event_load" (LIKE "{table}") ON COMMIT DELETE ROWS'
        )
        with cursor.cursor.copy(f'COPY "analytics_event_load" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(
                    (
                        row["id"],
                        row["type"],
                        row["source"],
                        row["actor"],
                        row["verb"],
                        row["object_type"],
                        row["object_id"],
                        row["course_id"],
                        row["module_id"],
                        row["lesson_id"],
                        row["organisation_id"],
                        row["timestamp"]
                        if isinstance(row["timestamp"], str)
                        else row["timestamp"].isoformat(),
                        stored_text,
                        _DUMPS(row["result"]),
                        _DUMPS(row["extensions"]),
                    )
                )
        # table and column names are this module's constants, never input
        insert = f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM "analytics_event_load" '  # noqa: S608
        cursor.execute(insert + "ON CONFLICT (id) DO NOTHING")
        cursor.execute('TRUNCATE "analytics_event_load"')
