"""The rollups, computed again in plain Python from the event list: what the SQL of
statements.py must agree with (test_rollups.py). Written from the definitions in
docs/analytics.md#rollups, not from the SQL."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

COUNTED = {
    "lesson_view": "lesson_views",
    "code_run": "code_runs",
    "hint_requested": "hints",
    "enrolled": "enrolments",
}
PROGRESS_TYPES = {"lesson_started", "lesson_completed", "course_completed"}


def _week(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


BUCKETS = {"day": lambda d: d, "week": _week, "month": lambda d: d.replace(day=1)}


def _slices(course, org):
    out = [(None, None)]
    if course is not None:
        out.append((course, None))
    if org is not None:
        out.append((None, org))
    if course is not None and org is not None:
        out.append((course, org))
    return out


def expected(events, actors, lessons, weeks: int = 12) -> dict:
    """{(metric, period, start, course, module, lesson, org, step): (value, denominator)}
    `lessons`: {lesson_id: (module_id, course_id, module_position)} (all required)."""
    out: dict = {}

    def put(
        metric, period, start, course=None, module=None, lesson=None, org=None, step=None, value=0, den=None
    ):
        out[metric, period, start, course, module, lesson, org, step] = (float(value), den)

    day_of = {e.id: e.timestamp.astimezone(dt.UTC).date() for e in events}
    counts = defaultdict(int)
    for e in events:
        if e.type in COUNTED:
            for course, org in _slices(e.course_id, e.organisation_id):
                counts[COUNTED[e.type], day_of[e.id], course, None, None, org] += 1
        if e.type == "hint_requested" and e.lesson_id in lessons:
            module, course, _ = lessons[e.lesson_id]
            for org in {None, e.organisation_id}:
                counts["hints_per_lesson", day_of[e.id], course, module, e.lesson_id, org] += 1
    for a in actors:
        if a.signed_up_on:
            for org in {None, a.organisation_id}:
                counts["new_signups", a.signed_up_on, None, None, None, org] += 1
    for (metric, day, course, module, lesson, org), n in counts.items():
        put(metric, "day", day, course, module, lesson, org, value=n)

    for period, bucket in BUCKETS.items():
        active = defaultdict(set)
        for e in events:
            for course, org in _slices(e.course_id, e.organisation_id):
                active[bucket(day_of[e.id]), course, org].add(e.actor)
        for (start, course, org), who in active.items():
            put("active_learners", period, start, course, None, None, org, value=len(who))

    # enrolment cohorts
    first: dict = {}
    for e in events:
        if e.type == "enrolled" and e.course_id is not None:
            key = (e.actor, e.course_id)
            at, org = first.get(key, (None, None))
            orgs = [o for o in (org, e.organisation_id) if o is not None]
            first[key] = (min(filter(None, (at, e.timestamp))), min(orgs) if orgs else None)
    started, completed, lessons_done = set(), set(), defaultdict(set)
    for e in events:
        key = (e.actor, e.course_id)
        if key not in first or e.timestamp < first[key][0]:
            continue
        if e.type in PROGRESS_TYPES:
            started.add(key)
        if e.type == "course_completed":
            completed.add(key)
    for e in events:
        if e.type == "lesson_completed" and e.lesson_id in lessons:
            module, course, _ = lessons[e.lesson_id]
            key = (e.actor, course)
            if key in first and e.timestamp >= first[key][0]:
                lessons_done[key, module].add(e.lesson_id)
    size = defaultdict(int)
    position = {}
    modules_of = defaultdict(set)
    for module, course, pos in lessons.values():
        size[module] += 1
        position[module] = pos
        modules_of[course].add(module)
    funnel = defaultdict(lambda: [0, 0, 0, 0])
    module_done = defaultdict(int)
    for (actor, course), (at, org) in first.items():
        day = at.date()
        done = {m for m in modules_of[course] if len(lessons_done[(actor, course), m]) >= size[m]}
        first_module = any(position[m] == 1 for m in done)
        for c, o in [(None, None), (course, None)] + (
            [(None, org), (course, org)] if org is not None else []
        ):
            f = funnel[day, c, o]
            f[0] += 1
            f[1] += (actor, course) in started
            f[2] += first_module
            f[3] += (actor, course) in completed
            if c is not None:
                for m in done:
                    module_done[day, c, m, o] += 1
    for (day, course, org), steps in funnel.items():
        put("completion_rate", "day", day, course, None, None, org, value=steps[3], den=steps[0])
        for i, v in enumerate(steps, 1):
            put("funnel", "day", day, course, None, None, org, step=i, value=v, den=steps[0])
        if course is not None:
            for m in modules_of[course]:
                put(
                    "module_completion_rate",
                    "day",
                    day,
                    course,
                    m,
                    None,
                    org,
                    value=module_done.get((day, course, m, org), 0),
                    den=steps[0],
                )

    # median time to complete
    for period, bucket in BUCKETS.items():
        durations = defaultdict(list)
        for e in events:
            if e.type != "course_completed":
                continue
            began = [
                n.timestamp
                for n in events
                if n.type == "enrolled"
                and n.actor == e.actor
                and n.course_id == e.course_id
                and n.timestamp <= e.timestamp
            ]
            if began:
                for course, org in _slices(e.course_id, e.organisation_id):
                    durations[bucket(day_of[e.id]), course, org].append(
                        (e.timestamp - min(began)).total_seconds()
                    )
        for (start, course, org), values in durations.items():
            put(
                "median_time_to_complete",
                period,
                start,
                course,
                None,
                None,
                org,
                value=statistics.median(values),
                den=len(values),
            )

    # retention
    signup = {a.id: a for a in actors if a.signed_up_on}
    cells = defaultdict(set)
    sizes = defaultdict(int)
    for a in signup.values():
        for org in {None, a.organisation_id}:
            sizes[_week(a.signed_up_on), org] += 1
    for e in events:
        a = signup.get(e.actor)
        if a is None:
            continue
        n = (_week(day_of[e.id]) - _week(a.signed_up_on)).days // 7
        if 0 <= n <= weeks:
            for org in {None, a.organisation_id}:
                cells[_week(a.signed_up_on), n, org].add(e.actor)
    for (cohort, n, org), who in cells.items():
        put("retention", "week", cohort, None, None, None, org, step=n, value=len(who))
    for (cohort, org), v in sizes.items():
        put("retention_cohort_size", "week", cohort, None, None, None, org, value=v)
    return out


def actual() -> dict:
    from learning.analytics.models import Rollup

    return {
        (r.metric, r.period, r.start, r.course_id, r.module_id, r.lesson_id, r.organisation_id, r.step): (
            r.value,
            r.denominator,
        )
        for r in Rollup.objects.all()
    }
