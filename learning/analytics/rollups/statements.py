"""The SQL that computes rollups from raw events, written out by hand.

Everything heavy is set-based: a statement groups the raw events of a date range and
either inserts its groups straight into the rollup table (counts, distinct learners)
or returns one row per learner-and-course (cohorts, completion times, retention
cells) for services.py to fold into rollup rows. The SQL is the same on PostgreSQL and
SQLite but for the three date truncations (`_trunc`). Only table names, our own
constant event-type and metric names and those truncations are put into the SQL text;
every value (dates, datetimes) goes as a parameter, adapted as the ORM would store it.
"""

# ruff: noqa: S608  (only table names, our constant names and date truncations are in the text)
from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils.dateparse import parse_date, parse_datetime

from ..models import Actor, Event, Rollup, RollupLesson

EVENTS = Event._meta.db_table
ACTORS = Actor._meta.db_table
ROLLUPS = Rollup._meta.db_table
LESSONS = RollupLesson._meta.db_table
COLUMNS = "metric, period, start, course_id, module_id, lesson_id, organisation_id, step, value, denominator"

# The slices every event-based rollup is computed for: a dimension left out is "all".
SLICES = ((), ("course_id",), ("organisation_id",), ("course_id", "organisation_id"))
LESSON_TYPES = ("lesson_started", "lesson_completed", "course_completed")


def _trunc(period: str, column: str, *, is_date: bool = False) -> str:
    """SQL for the first day (a date) of the UTC day/week/month of `column`; weeks
    start on Monday (ISO), on both databases."""
    if connection.vendor == "postgresql":
        value = column if is_date else f"({column} AT TIME ZONE 'UTC')"
        if period == "day":
            return f"CAST({value} AS date)"
        return f"CAST(date_trunc('{period}', {value}) AS date)"
    if connection.vendor != "sqlite":  # pragma: no cover - the two databases we run on
        raise NotImplementedError(connection.vendor)
    if period == "day":
        return f"date({column})"
    if period == "week":
        return f"date({column}, 'weekday 0', '-6 days')"
    return f"date({column}, 'start of month')"


def _at(day: dt.date):
    """A date as the lower or upper bound of an event timestamp (midnight UTC)."""
    return connection.ops.adapt_datetimefield_value(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC))


def _day(day: dt.date):
    return connection.ops.adapt_datefield_value(day)


def as_date(value) -> dt.date:
    return parse_date(value) if isinstance(value, str) else value


def as_datetime(value) -> dt.datetime:
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _literals(names) -> str:
    return ", ".join(f"'{name}'" for name in names)


# The organisation-wide slice and the per-organisation one, for metrics kept by organisation only.
BY_ORGANISATION = ((), ("organisation_id",))


def _dims(slice_: tuple[str, ...], alias: str = "e") -> tuple[str, str, str, str]:
    """(course column or NULL, organisation column or NULL, extra WHERE, extra GROUP BY)."""
    course = f"{alias}.course_id" if "course_id" in slice_ else "NULL"
    organisation = f"{alias}.organisation_id" if "organisation_id" in slice_ else "NULL"
    where = "".join(f" AND {alias}.{d} IS NOT NULL" for d in slice_)
    group = "".join(f", {alias}.{d}" for d in slice_)
    return course, organisation, where, group


def _run(sql: str, params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def insert_counts(*, counted: dict[str, str], start: dt.date, end: dt.date) -> None:
    """Day rows of the count metrics for [start, end): one scan per slice."""
    day = _trunc("day", "e.timestamp")
    metric = "CASE e.type " + " ".join(f"WHEN '{t}' THEN '{m}'" for t, m in counted.items()) + " END"
    for slice_ in SLICES:
        course, organisation, where, group = _dims(slice_)
        _run(
            f"INSERT INTO {ROLLUPS} ({COLUMNS}) "
            f"SELECT {metric}, 'day', {day}, {course}, NULL, NULL, {organisation}, NULL, COUNT(*), NULL "
            f"FROM {EVENTS} e WHERE e.type IN ({_literals(counted)}) "
            f"AND e.timestamp >= %s AND e.timestamp < %s{where} "
            f"GROUP BY e.type, {day}{group}",
            [_at(start), _at(end)],
        )


def insert_hints_per_lesson(*, start: dt.date, end: dt.date) -> None:
    """Day rows of hints per lesson (the lesson's module and course from RollupLesson)."""
    day = _trunc("day", "e.timestamp")
    for slice_ in BY_ORGANISATION:
        _, organisation, extra, group = _dims(slice_)
        _run(
            f"INSERT INTO {ROLLUPS} ({COLUMNS}) "
            f"SELECT 'hints_per_lesson', 'day', {day}, l.course_id, l.module_id, l.lesson_id, "
            f"{organisation}, NULL, COUNT(*), NULL "
            f"FROM {EVENTS} e JOIN {LESSONS} l ON l.lesson_id = e.lesson_id "
            f"WHERE e.type = 'hint_requested' AND e.timestamp >= %s AND e.timestamp < %s{extra} "
            f"GROUP BY {day}, l.course_id, l.module_id, l.lesson_id{group}",
            [_at(start), _at(end)],
        )


def insert_active(*, period: str, start: dt.date, end: dt.date) -> None:
    """Rows of distinct active learners per `period` for [start, end) (aligned to it)."""
    bucket = _trunc(period, "e.timestamp")
    for slice_ in SLICES:
        course, organisation, where, group = _dims(slice_)
        _run(
            f"INSERT INTO {ROLLUPS} ({COLUMNS}) "
            f"SELECT 'active_learners', '{period}', {bucket}, {course}, NULL, NULL, {organisation}, NULL, "
            f"COUNT(DISTINCT e.actor), NULL FROM {EVENTS} e "
            f"WHERE e.timestamp >= %s AND e.timestamp < %s{where} GROUP BY {bucket}{group}",
            [_at(start), _at(end)],
        )


def insert_signups(*, start: dt.date, end: dt.date) -> None:
    for slice_ in BY_ORGANISATION:
        _, organisation, extra, group = _dims(slice_, alias="a")
        _run(
            f"INSERT INTO {ROLLUPS} ({COLUMNS}) "
            f"SELECT 'new_signups', 'day', a.signed_up_on, NULL, NULL, NULL, {organisation}, NULL, "
            f"COUNT(*), NULL "
            f"FROM {ACTORS} a WHERE a.signed_up_on >= %s AND a.signed_up_on < %s{extra} "
            f"GROUP BY a.signed_up_on{group}",
            [_day(start), _day(end)],
        )


def first_enrolments(*, start: dt.date, end: dt.date) -> list[tuple[str, int, dt.datetime, int | None]]:
    """(actor, course, first enrolment time, organisation) of the learners whose first
    enrolment in a course falls in [start, end)."""
    rows = _fetch(
        f"SELECT e.actor, e.course_id, MIN(e.timestamp), MIN(e.organisation_id) FROM {EVENTS} e "
        f"WHERE e.type = 'enrolled' AND e.course_id IS NOT NULL GROUP BY e.actor, e.course_id "
        f"HAVING MIN(e.timestamp) >= %s AND MIN(e.timestamp) < %s",
        [_at(start), _at(end)],
    )
    return [(actor, course, as_datetime(at), org) for actor, course, at, org in rows]


_FIRST = (
    f"(SELECT f.actor, f.course_id, MIN(f.timestamp) AS first_at FROM {EVENTS} f "
    f"WHERE f.type = 'enrolled' AND f.course_id IS NOT NULL GROUP BY f.actor, f.course_id "
    f"HAVING MIN(f.timestamp) >= %s AND MIN(f.timestamp) < %s)"
)


def course_progress(*, start: dt.date, end: dt.date) -> dict[tuple[str, int], bool]:
    """(actor, course) -> completed the course, for the learners first enrolled in
    [start, end) who started or completed a lesson of it, or completed it, after that
    first enrolment."""
    rows = _fetch(
        f"SELECT e.actor, e.course_id, MAX(CASE WHEN e.type = 'course_completed' THEN 1 ELSE 0 END) "
        f"FROM {EVENTS} e JOIN {_FIRST} p ON p.actor = e.actor AND p.course_id = e.course_id "
        f"WHERE e.type IN ({_literals(LESSON_TYPES)}) AND e.timestamp >= %s AND e.timestamp >= p.first_at "
        f"GROUP BY e.actor, e.course_id",
        [_at(start), _at(end), _at(start)],
    )
    return {(actor, course): bool(done) for actor, course, done in rows}


def modules_completed(*, start: dt.date, end: dt.date) -> list[tuple[str, int, int, int]]:
    """(actor, course, module, module position) for the learners first enrolled in
    [start, end) and every module whose required lessons they have all completed after
    that first enrolment."""
    return _fetch(
        f"SELECT e.actor, l.course_id, l.module_id, l.module_position FROM {EVENTS} e "
        f"JOIN {LESSONS} l ON l.lesson_id = e.lesson_id AND l.required = %s "
        f"JOIN {_FIRST} p ON p.actor = e.actor AND p.course_id = l.course_id "
        f"WHERE e.type = 'lesson_completed' AND e.timestamp >= %s AND e.timestamp >= p.first_at "
        f"GROUP BY e.actor, l.course_id, l.module_id, l.module_position "
        f"HAVING COUNT(DISTINCT e.lesson_id) >= "
        f"(SELECT COUNT(*) FROM {LESSONS} m WHERE m.module_id = l.module_id AND m.required = %s)",
        [True, _at(start), _at(end), _at(start), True],
    )


def completions_with_enrolment(
    *, start: dt.date, end: dt.date
) -> list[tuple[int, int | None, dt.datetime, dt.datetime]]:
    """(course, organisation, completed at, first enrolled at) of the course
    completions in [start, end) that have an enrolment before them."""
    rows = _fetch(
        f"SELECT c.course_id, c.organisation_id, c.timestamp, MIN(n.timestamp) FROM {EVENTS} c "
        f"JOIN {EVENTS} n ON n.actor = c.actor AND n.course_id = c.course_id AND n.type = 'enrolled' "
        f"AND n.timestamp <= c.timestamp "
        f"WHERE c.type = 'course_completed' AND c.timestamp >= %s AND c.timestamp < %s "
        f"GROUP BY c.id, c.course_id, c.organisation_id, c.timestamp",
        [_at(start), _at(end)],
    )
    return [(course, org, as_datetime(done), as_datetime(began)) for course, org, done, began in rows]


def cohort_days_touched(*, start: dt.date, end: dt.date) -> set[dt.date]:
    """The first-enrolment days of the (actor, course) pairs with lesson or course
    events in [start, end): their cohorts' completion and funnel numbers change."""
    rows = _fetch(
        f"SELECT MIN(n.timestamp) FROM {EVENTS} n JOIN (SELECT DISTINCT e.actor, e.course_id "
        f"FROM {EVENTS} e WHERE e.type IN ({_literals(LESSON_TYPES)}) AND e.course_id IS NOT NULL "
        f"AND e.timestamp >= %s AND e.timestamp < %s) p ON p.actor = n.actor AND p.course_id = n.course_id "
        f"WHERE n.type = 'enrolled' GROUP BY n.actor, n.course_id",
        [_at(start), _at(end)],
    )
    return {as_datetime(at).date() for (at,) in rows}


def completion_days_touched(*, start: dt.date, end: dt.date) -> set[dt.date]:
    """The days of course completions by pairs enrolled in [start, end): a new (earlier)
    enrolment changes their time to complete."""
    rows = _fetch(
        f"SELECT DISTINCT c.timestamp FROM {EVENTS} c JOIN (SELECT DISTINCT e.actor, e.course_id "
        f"FROM {EVENTS} e WHERE e.type = 'enrolled' AND e.timestamp >= %s AND e.timestamp < %s) p "
        f"ON p.actor = c.actor AND p.course_id = c.course_id WHERE c.type = 'course_completed'",
        [_at(start), _at(end)],
    )
    return {as_datetime(at).date() for (at,) in rows}


def retention_cells(
    *, start: dt.date, end: dt.date, weeks: int
) -> list[tuple[dt.date, dt.date, int | None, int]]:
    """(signup week, activity week, organisation, active learners) for activity in the
    weeks [start, end) of the cohorts that signed up at most `weeks` weeks before."""
    cohort = _trunc("week", "a.signed_up_on", is_date=True)
    active = _trunc("week", "e.timestamp")
    rows = _fetch(
        f"SELECT {cohort}, {active}, a.organisation_id, COUNT(DISTINCT e.actor) FROM {EVENTS} e "
        f"JOIN {ACTORS} a ON a.id = e.actor WHERE e.timestamp >= %s AND e.timestamp < %s "
        f"AND a.signed_up_on >= %s AND a.signed_up_on < %s GROUP BY {cohort}, {active}, a.organisation_id",
        [_at(start), _at(end), _day(start - dt.timedelta(weeks=weeks)), _day(end)],
    )
    return [(as_date(c), as_date(a), org, n) for c, a, org, n in rows]


def cohort_sizes(*, start: dt.date, end: dt.date) -> list[tuple[dt.date, int | None, int]]:
    """(signup week, organisation, learners) for the signup weeks [start, end)."""
    cohort = _trunc("week", "a.signed_up_on", is_date=True)
    rows = _fetch(
        f"SELECT {cohort}, a.organisation_id, COUNT(*) FROM {ACTORS} a "
        f"WHERE a.signed_up_on >= %s AND a.signed_up_on < %s GROUP BY {cohort}, a.organisation_id",
        [_day(start), _day(end)],
    )
    return [(as_date(c), org, n) for c, org, n in rows]


def event_day_range() -> tuple[dt.date, dt.date] | None:
    """The first and last UTC day with an event or a signup, or None."""
    events = _fetch(f"SELECT MIN(timestamp), MAX(timestamp) FROM {EVENTS}", [])[0]
    signups = _fetch(f"SELECT MIN(signed_up_on), MAX(signed_up_on) FROM {ACTORS}", [])[0]
    days = [as_datetime(v).date() for v in events if v is not None]
    days += [as_date(v) for v in signups if v is not None]
    return (min(days), max(days)) if days else None
