"""The one hand-written statement of the timeline: inserting a batch of snapshots.

Through the ORM, a 10,000-row `bulk_create` spends most of its time in Python: a
model instance per row, every value prepared field by field, and on PostgreSQL the
JSON columns dumped into arrays for `INSERT ... UNNEST`. On PostgreSQL the rows go with
`COPY ... FROM STDIN` instead (psycopg's copy writes them in C; the JSON columns as
JSON text, which `jsonb` parses). Other databases (SQLite, the embedded default) keep
`bulk_create`. Only the table and column names (from the model's meta) are in the SQL
text. `test_snapshot_ingest.py::test_the_copy_path_stores_what_the_orm_reads` reads
the rows back through the ORM on whichever database the suite runs.
"""

from __future__ import annotations

import json

from django.db import connection

from .snapshot_format import StoredSnapshot
from .snapshot_models import Snapshot

FIELDS = (
    "recording",
    "seq",
    "client_id",
    "t_ms",
    "kind",
    "keyframe_seq",
    "diff",
    "files",
    "cursor",
    "console",
)
ORM_BATCH = 1000  # rows per INSERT statement where COPY is not available


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def snapshots_insert(*, recording_id: int, rows: list[StoredSnapshot]) -> None:
    """Insert `rows` for the recording, inside the caller's transaction."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Snapshot._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(Snapshot._meta.get_field(f).column) for f in FIELDS)
        sql = f"COPY {table} ({columns}) FROM STDIN"  # names from the model's meta only
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(
                    (
                        recording_id,
                        row.seq,
                        row.client_id,
                        row.t_ms,
                        row.kind,
                        row.keyframe_seq,
                        _json(row.diff),
                        _json(row.files),
                        _json(row.cursor),
                        row.console,
                    )
                )
        return
    Snapshot.objects.bulk_create(
        [
            Snapshot(
                recording_id=recording_id,
                seq=row.seq,
                client_id=row.client_id,
                t_ms=row.t_ms,
                kind=row.kind,
                keyframe_seq=row.keyframe_seq,
                diff=row.diff,
                files=row.files,
                cursor=row.cursor,
                console=row.console,
            )
            for row in rows
        ],
        batch_size=ORM_BATCH,
    )
