"""The rollup job and the rebuild (docs/analytics.md#rollups).

`rollups_update` is incremental: it takes the days the ingest marked dirty (DirtyDay),
recomputes the rollups of those days and of what depends on them (their weeks and
months, the enrolment cohorts whose learners acted on them, the completions whose
enrolment moved, the retention cells of their weeks), and clears them. Rows of a period
are deleted and inserted again in one transaction, so running it twice changes
nothing. `rollups_rebuild` recomputes every rollup from all raw events.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import DirtyDay, Rollup, RollupLesson
from . import statements as sql
from .metrics import COUNTED_TYPES
from .read_cache import rollups_changed

DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(weeks=1)
COUNT_METRICS = (*COUNTED_TYPES.values(), "hints_per_lesson", "new_signups")
COHORT_METRICS = ("completion_rate", "module_completion_rate", "funnel")
LOCK_KEY = 20_0004  # pg_advisory_xact_lock: one rollup run at a time


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _runs(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Sorted days as contiguous [start, end) ranges."""
    runs: list[list[dt.date]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] == day:
            runs[-1][1] = day + DAY
        else:
            runs.append([day, day + DAY])
    return [(a, b) for a, b in runs]


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def structure_refresh() -> bool:
    """Copy the course structure from the CMS into RollupLesson; True when it changed."""
    from cms.selectors import course_structure

    fresh = {row[0]: row for row in course_structure()}
    old = {
        row[0]: row
        for row in RollupLesson.objects.values_list(
            "lesson_id", "module_id", "course_id", "module_position", "required"
        )
    }
    if fresh == old:
        return False
    RollupLesson.objects.all().delete()
    RollupLesson.objects.bulk_create(
        RollupLesson(lesson_id=lesson, module_id=m, course_id=c, module_position=p, required=r)
        for lesson, m, c, p, r in fresh.values()
    )
    return True


# --- one family of rollups over date ranges ------------------------------------------


def _counts(start: dt.date, end: dt.date) -> None:
    Rollup.objects.filter(metric__in=COUNT_METRICS, period="day", start__gte=start, start__lt=end).delete()
    sql.insert_counts(counted=COUNTED_TYPES, start=start, end=end)
    sql.insert_hints_per_lesson(start=start, end=end)
    sql.insert_signups(start=start, end=end)


def _active(period: str, start: dt.date, end: dt.date) -> None:
    Rollup.objects.filter(metric="active_learners", period=period, start__gte=start, start__lt=end).delete()
    sql.insert_active(period=period, start=start, end=end)


def _slices(course, organisation):
    """The rollup slices one learner-course fact counts in: all, by course, by
    organisation, by both (organisation only when known)."""
    yield None, None
    yield course, None
    if organisation is not None:
        yield None, organisation
        yield course, organisation


def _cohorts(start: dt.date, end: dt.date) -> None:
    """Completion rates and funnels of the learners who first enrolled in [start, end)."""
    Rollup.objects.filter(metric__in=COHORT_METRICS, period="day", start__gte=start, start__lt=end).delete()
    enrolments = sql.first_enrolments(start=start, end=end)
    if not enrolments:
        return
    progress = sql.course_progress(start=start, end=end)
    modules_done = defaultdict(set)  # (actor, course) -> modules completed
    first_module_done = set()
    for actor, course, module, position in sql.modules_completed(start=start, end=end):
        modules_done[actor, course].add(module)
        if position == 1:
            first_module_done.add((actor, course))
    modules_of = defaultdict(set)
    for course, module in RollupLesson.objects.filter(required=True).values_list("course_id", "module_id"):
        modules_of[course].add(module)

    steps = defaultdict(lambda: [0, 0, 0, 0])  # (day, course, org) -> funnel counts
    done_modules = defaultdict(int)  # (day, course, module, org) -> learners
    for actor, course, at, org in enrolments:
        day, pair = at.date(), (actor, course)
        flags = (True, pair in progress, pair in first_module_done, progress.get(pair, False))
        for key in _slices(course, org):
            counts = steps[(day, *key)]
            for i, flag in enumerate(flags):
                counts[i] += flag
        for module in modules_done.get(pair, ()):
            done_modules[day, course, module, None] += 1
            if org is not None:
                done_modules[day, course, module, org] += 1

    rows = []
    for (day, course, org), (enrolled, started, first_module, completed) in steps.items():
        common = {"period": "day", "start": day, "course_id": course, "organisation_id": org}
        rows.append(Rollup(metric="completion_rate", value=completed, denominator=enrolled, **common))
        for step, value in enumerate((enrolled, started, first_module, completed), 1):
            rows.append(Rollup(metric="funnel", step=step, value=value, denominator=enrolled, **common))
        if course is not None:
            for module in modules_of.get(course, ()):
                rows.append(
                    Rollup(
                        metric="module_completion_rate",
                        module_id=module,
                        value=done_modules.get((day, course, module, org), 0),
                        denominator=enrolled,
                        **common,
                    )
                )
    Rollup.objects.bulk_create(rows, batch_size=2000)


def _medians(period: str, start: dt.date, end: dt.date) -> None:
    """Median time to complete of the completions in [start, end), per `period`."""
    Rollup.objects.filter(
        metric="median_time_to_complete", period=period, start__gte=start, start__lt=end
    ).delete()
    bucket = {"day": lambda d: d, "week": week_start, "month": month_start}[period]
    durations = defaultdict(list)
    for course, org, done, began in sql.completions_with_enrolment(start=start, end=end):
        seconds = (done - began).total_seconds()
        for key in _slices(course, org):
            durations[(bucket(done.date()), *key)].append(seconds)
    Rollup.objects.bulk_create(
        [
            Rollup(
                metric="median_time_to_complete",
                period=period,
                start=day,
                course_id=course,
                organisation_id=org,
                value=statistics.median(values),
                denominator=len(values),
            )
            for (day, course, org), values in durations.items()
        ],
        batch_size=2000,
    )


def _retention(start: dt.date, end: dt.date, *, sizes: bool = True) -> None:
    """Retention cells whose activity week is in [start, end) (weeks), and the sizes
    of the cohorts that signed up in those weeks."""
    weeks = settings.ANALYTICS_RETENTION_WEEKS
    stale = Q()
    cohort = start - weeks * WEEK
    while cohort < end:
        first = max(0, (start - cohort).days // 7)
        stale |= Q(start=cohort, step__gte=first, step__lt=(end - cohort).days // 7)
        cohort += WEEK
    Rollup.objects.filter(stale, metric="retention", period="week").delete()
    cells = defaultdict(int)
    for cohort_week, active_week, org, learners in sql.retention_cells(start=start, end=end, weeks=weeks):
        n = (active_week - cohort_week).days // 7
        if 0 <= n <= weeks:
            cells[cohort_week, n, None] += learners
            if org is not None:
                cells[cohort_week, n, org] += learners
    rows = [
        Rollup(metric="retention", period="week", start=c, step=n, organisation_id=org, value=v)
        for (c, n, org), v in cells.items()
    ]
    if sizes:
        Rollup.objects.filter(
            metric="retention_cohort_size", period="week", start__gte=start, start__lt=end
        ).delete()
        totals = defaultdict(int)
        for cohort_week, org, learners in sql.cohort_sizes(start=start, end=end):
            totals[cohort_week, None] += learners
            if org is not None:
                totals[cohort_week, org] += learners
        rows += [
            Rollup(metric="retention_cohort_size", period="week", start=c, organisation_id=org, value=v)
            for (c, org), v in totals.items()
        ]
    Rollup.objects.bulk_create(rows, batch_size=2000)


# --- the job and the rebuild -----------------------------------------------------------


def _recompute(days: set[dt.date], *, structure_changed: bool, progress: Callable[[str], None]) -> None:
    day_runs = _runs(days)
    cohort_days, median_days = set(days), set(days)
    for start, end in day_runs:
        cohort_days |= sql.cohort_days_touched(start=start, end=end)
        median_days |= sql.completion_days_touched(start=start, end=end)
    if structure_changed:  # module completion depends on the lessons a module has
        bounds = sql.event_day_range()
        if bounds:
            cohort_days |= {bounds[0] + DAY * i for i in range((bounds[1] - bounds[0]).days + 1)}
    weeks = sorted({week_start(d) for d in days})
    months = sorted({month_start(d) for d in days})
    for start, end in day_runs:
        progress(f"days {start}..{end - DAY}: counts, signups, daily active learners")
        _counts(start, end)
        _active("day", start, end)
    for start, end in _runs(cohort_days):
        progress(f"enrolment cohorts {start}..{end - DAY}: completion rates, funnels")
        _cohorts(start, end)
    for start, end in _runs(median_days):
        _medians("day", start, end)
    for week in weeks:
        progress(f"week {week}: weekly active learners, retention")
        _active("week", week, week + WEEK)
        _retention(week, week + WEEK)
    for week in sorted({week_start(d) for d in median_days}):
        _medians("week", week, week + WEEK)
    for month in months:
        progress(f"month {month}: monthly active learners")
        _active("month", month, next_month(month))
    for month in sorted({month_start(d) for d in median_days}):
        _medians("month", month, next_month(month))


def rollups_update(*, progress: Callable[[str], None] = lambda _: None) -> list[dt.date]:
    """Recompute the rollups of the dirty days (at most ANALYTICS_ROLLUP_MAX_DAYS_PER_RUN,
    oldest first) and clear them. Returns the days recomputed."""
    with transaction.atomic():
        _lock()
        dirty = list(
            DirtyDay.objects.select_for_update().order_by("day")[: settings.ANALYTICS_ROLLUP_MAX_DAYS_PER_RUN]
        )
        changed = structure_refresh()
        if not dirty and not changed:
            return []
        days = {row.day for row in dirty}
        _recompute(days, structure_changed=changed, progress=progress)
        DirtyDay.objects.filter(pk__in=[row.pk for row in dirty]).delete()
        rollups_changed()
    return sorted(days)


def rollups_rebuild(*, progress: Callable[[str], None] = lambda _: None) -> dict:
    """Every rollup again from all raw events (the dirty days are cleared too)."""
    with transaction.atomic():
        _lock()
        began = timezone.now()
        dirty = list(DirtyDay.objects.select_for_update().values_list("pk", flat=True))
        structure_refresh()
        deleted, _ = Rollup.objects.all().delete()
        progress(f"cleared {deleted} rollup rows")
        bounds = sql.event_day_range()
        if bounds:
            first, last = bounds
            end = last + DAY
            steps = [
                ("counts, signups", lambda: _counts(first, end)),
                ("daily active learners", lambda: _active("day", first, end)),
                (
                    "weekly active learners",
                    lambda: _active("week", week_start(first), week_start(last) + WEEK),
                ),
                ("monthly active learners", lambda: _active("month", month_start(first), next_month(last))),
                ("completion rates, funnels", lambda: _cohorts(first, end)),
                ("median time to complete (days)", lambda: _medians("day", first, end)),
                (
                    "median time to complete (weeks)",
                    lambda: _medians("week", week_start(first), week_start(last) + WEEK),
                ),
                (
                    "median time to complete (months)",
                    lambda: _medians("month", month_start(first), next_month(last)),
                ),
                ("retention cohorts", lambda: _retention(week_start(first), week_start(last) + WEEK)),
            ]
            for i, (label, step) in enumerate(steps, 1):
                progress(f"[{i}/{len(steps)}] {label}")
                step()
        DirtyDay.objects.filter(pk__in=dirty).delete()
        rows = Rollup.objects.count()
        rollups_changed()
    return {
        "rows": rows,
        "first_day": bounds and bounds[0],
        "last_day": bounds and bounds[1],
        "started": began,
    }
