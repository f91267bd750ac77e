"""The SQL statements of event ingestion, written out by hand.

They are the whole cost of an ingest, and building model instances and preparing
every value through the ORM costs more CPU than the database spends running them. Plain
`INSERT ... ON CONFLICT` with `RETURNING` runs on PostgreSQL and on SQLite (>= 3.35).
Only table names (from the models' meta) and `%s` placeholders are put into the SQL
text; every value goes as a parameter. Values are adapted for the connection's backend
the way the ORM would store them (UUIDs as hex text and naive UTC datetimes on SQLite),
and datetimes read back are aware.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.db import connection
from django.utils.dateparse import parse_datetime

from .models import CourseCompletion, Enrollment, LessonProgress, ProgressEvent

EVENTS = ProgressEvent._meta.db_table
STATES = LessonProgress._meta.db_table
ENROLLMENTS = Enrollment._meta.db_table


def _params(n: int) -> str:
    return ", ".join(["%s"] * n)


def _values(rows: int, columns: int) -> str:
    return ", ".join([f"({_params(columns)})"] * rows)


def _chunks(rows: list, model, columns: list[str]) -> list[list]:
    """Split rows as bulk_create would: SQLite caps the parameters of a statement
    (PostgreSQL takes a batch of PROGRESS_MAX_BATCH in one)."""
    fields = [model._meta.get_field(c) for c in columns]
    size = max(connection.ops.bulk_batch_size(fields, rows), 1)
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _db_uuid(value: uuid.UUID):
    return value if connection.features.has_native_uuid_field else value.hex


def _db_datetime(value: dt.datetime | None):
    return None if value is None else connection.ops.adapt_datetimefield_value(value)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value if value is None or value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def enrollments_lock(*, user_id: int, course_ids: set[int]) -> set[int]:
    """The learner's active enrollments among these courses, row-locked until the
    transaction ends (in id order, so two batches never wait on each other crosswise).
    SQLite has no row locks: its IMMEDIATE transactions serialise writers anyway."""
    if not course_ids:
        return set()
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT course_id FROM {ENROLLMENTS} WHERE user_id = %s AND active "  # noqa: S608
            f"AND course_id IN ({_params(len(course_ids))}) ORDER BY id{lock}",
            [user_id, *course_ids],
        )
        return {course_id for (course_id,) in cursor.fetchall()}


def stored_event_ids(*, user_id: int, event_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these event ids the learner has stored already."""
    if not event_ids:
        return set()
    by_db_value = {_db_uuid(e): e for e in event_ids}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT event_id FROM {EVENTS} WHERE user_id = %s "  # noqa: S608
            f"AND event_id IN ({_params(len(by_db_value))})",
            [user_id, *by_db_value],
        )
        return {by_db_value[event_id] for (event_id,) in cursor.fetchall()}


_EVENT_FIELDS = ["user", "event_id", "type", "lesson", "course", "occurred_at", "received_at", "position"]


def events_insert(*, user_id: int, rows: list[tuple], received_at: dt.datetime) -> set[uuid.UUID]:
    """Append events given as (event_id, type, lesson_id, course_id, occurred_at,
    position JSON text or None). Returns the ids actually inserted: the others were
    stored before, as the unique (user, event_id) constraint decides, race-free."""
    if not rows:
        return set()
    # In event_id order: two batches of one learner in different courses (locks on
    # different enrollments) that share event ids then wait on each other's unique
    # index entries in the same order, never crosswise into a deadlock.
    rows = sorted(rows, key=lambda row: row[0])
    if connection.vendor == "postgresql":
        return _events_insert_postgresql(user_id=user_id, rows=rows, received_at=received_at)
    received = _db_datetime(received_at)
    by_db_value = {}
    values = []
    for event_id, type_, lesson_id, course_id, occurred_at, position in rows:
        db_id = _db_uuid(event_id)
        by_db_value[db_id] = event_id
        values.append(
            (user_id, db_id, type_, lesson_id, course_id, _db_datetime(occurred_at), received, position)
        )
    inserted = set()
    with connection.cursor() as cursor:
        for chunk in _chunks(values, ProgressEvent, _EVENT_FIELDS):
            cursor.execute(
                f"INSERT INTO {EVENTS} (user_id, event_id, type, lesson_id, course_id, "  # noqa: S608
                f"occurred_at, received_at, position) VALUES {_values(len(chunk), 8)} "
                "ON CONFLICT (user_id, event_id) DO NOTHING RETURNING event_id",
                [value for row in chunk for value in row],
            )
            inserted.update(by_db_value[event_id] for (event_id,) in cursor.fetchall())
    return inserted


def _events_insert_postgresql(*, user_id: int, rows: list[tuple], received_at: dt.datetime) -> set[uuid.UUID]:
    """The batch travels as one JSON document that PostgreSQL unpacks into typed rows
    (json_to_recordset): a statement of constant text, so neither the driver nor the
    server parses hundreds of literals."""
    document = json.dumps(
        [
            {
                "e": str(event_id),
                "t": type_,
                "l": lesson_id,
                "c": course_id,
                "o": occurred_at.isoformat(),
                "p": p,
            }
            for event_id, type_, lesson_id, course_id, occurred_at, p in rows
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {EVENTS} (user_id, event_id, type, lesson_id, course_id, "  # noqa: S608
            "occurred_at, received_at, position) "
            "SELECT %s, r.e, r.t, r.l, r.c, r.o, %s, r.p::jsonb FROM json_to_recordset(%s::json) "
            "AS r(e uuid, t text, l integer, c integer, o timestamptz, p text) "
            "ON CONFLICT (user_id, event_id) DO NOTHING RETURNING event_id",
            [user_id, received_at, document],
        )
        return {event_id for (event_id,) in cursor.fetchall()}


def lesson_states(*, user_id: int, lesson_ids: set[int]) -> list[tuple]:
    """The learner's state rows of these lessons as (lesson_id, started_at,
    completed_at, last_event_at, position JSON text or None)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lesson_id, started_at, completed_at, last_event_at, position "  # noqa: S608
            f"FROM {STATES} WHERE user_id = %s AND lesson_id IN ({_params(len(lesson_ids))})",
            [user_id, *lesson_ids],
        )
        return [
            (lesson_id, _aware(started), _aware(completed), _aware(last), position)
            for lesson_id, started, completed, last, position in cursor.fetchall()
        ]


_STATE_FIELDS = ["user", "lesson", "course", "started_at", "completed_at", "last_event_at", "position"]


def lesson_states_upsert(*, user_id: int, rows: list[tuple]) -> None:
    """Write state rows given as (lesson_id, course_id, started_at, completed_at,
    last_event_at, position JSON text or None), new and existing alike."""
    values = [
        (
            user_id,
            lesson_id,
            course_id,
            _db_datetime(started),
            _db_datetime(completed),
            _db_datetime(last),
            pos,
        )
        for lesson_id, course_id, started, completed, last, pos in rows
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(values, LessonProgress, _STATE_FIELDS):
            cursor.execute(
                f"INSERT INTO {STATES} (user_id, lesson_id, course_id, started_at, "  # noqa: S608
                f"completed_at, last_event_at, position) VALUES {_values(len(chunk), 7)} "
                "ON CONFLICT (user_id, lesson_id) DO UPDATE SET started_at = excluded.started_at, "
                "completed_at = excluded.completed_at, last_event_at = excluded.last_event_at, "
                "position = excluded.position",
                [value for row in chunk for value in row],
            )


def enrollments_touch(*, user_id: int, last_activity: dict[int, dt.datetime]) -> None:
    """Move each course's last activity forward to the given time, never backwards."""
    if not last_activity:
        return
    cases, params = [], []
    for course_id, at in last_activity.items():
        cases.append("WHEN course_id = %s AND (last_activity_at IS NULL OR last_activity_at < %s) THEN %s")
        params += [course_id, _db_datetime(at), _db_datetime(at)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ENROLLMENTS} SET last_activity_at = CASE {' '.join(cases)} "  # noqa: S608
            f"ELSE last_activity_at END WHERE user_id = %s AND course_id IN ({_params(len(last_activity))})",
            [*params, user_id, *last_activity],
        )


# --- reads of one learner's progress (my courses, resume, course progress) ---------------

COMPLETIONS = CourseCompletion._meta.db_table


def _json(value):
    """A JSON column read through a raw cursor: JSON text on both backends (Django has
    psycopg hand jsonb over undecoded, for JSONField to decode)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def _datetime(value):
    """A datetime column read through a raw cursor (a UNION's later branches may come
    back as text on SQLite, which keeps the declared type of the first branch only)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return _aware(value)


def learner_rows(*, user_id: int, course_ids: list[int]) -> tuple[list[tuple], list[tuple]]:
    """The learner's lesson states and course completions in these courses, in one
    statement: states as (course_id, lesson_id, completed_at, last_event_at, position),
    completions as (course_id, completed_at, stats). Written out by hand: building the
    two ORM queries cost more CPU than running them."""
    if not course_ids:
        return [], []
    marks = _params(len(course_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 0, course_id, lesson_id, completed_at, last_event_at, position, NULL "  # noqa: S608
            f"FROM {STATES} WHERE user_id = %s AND course_id IN ({marks}) "
            f"UNION ALL SELECT 1, course_id, NULL, completed_at, NULL, NULL, stats "
            f"FROM {COMPLETIONS} WHERE user_id = %s AND course_id IN ({marks})",
            [user_id, *course_ids, user_id, *course_ids],
        )
        rows = cursor.fetchall()
    states, completions = [], []
    for kind, course_id, lesson_id, completed_at, last_event_at, position, stats in rows:
        if kind == 0:
            states.append(
                (course_id, lesson_id, _datetime(completed_at), _datetime(last_event_at), _json(position))
            )
        else:
            completions.append((course_id, _datetime(completed_at), _json(stats) or {}))
    return states, completions
