"""Rollups against a generated event set (random, seeded): every rollup row the job
writes equals what tests/reference.py computes in plain Python from the same events;
hand-checked retention cohort and funnel numbers; incrementality (a new event on one
day recomputes that day's periods only, and the result equals a full rebuild);
idempotency; the management command."""

from __future__ import annotations

import datetime as dt
import random
from io import StringIO

import pytest
from django.core.management import call_command

from learning.analytics.models import DirtyDay, Event, Rollup
from learning.analytics.rollups.services import rollups_rebuild, rollups_update, week_start

from . import reference
from .helpers import actor, at, event, store, structure

pytestmark = pytest.mark.django_db

D0 = dt.date(2026, 9, 1)  # a Tuesday


@pytest.fixture
def courses(build_course):
    """Two live courses of two modules of two lessons: {course id: [(module, [lessons])]}."""
    built = [build_course(modules=2, lessons_per_module=2, title=f"Course {n}") for n in (1, 2)]
    return {course.pk: structure(course) for course in built}


def lesson_map(courses) -> dict:
    return {
        lesson: (module, course, position)
        for course, modules in courses.items()
        for position, (module, lessons) in enumerate(modules, 1)
        for lesson in lessons
    }


def generate(courses, seed: int = 20, learners: int = 40) -> tuple[list[Event], list]:
    rng = random.Random(seed)
    orgs = [None, 101, 102]
    actors, events = [], []
    course_ids = sorted(courses)
    for n in range(learners):
        org = rng.choice(orgs)
        signed = D0 + dt.timedelta(days=rng.randrange(40)) if rng.random() < 0.9 else None
        a = actor(f"actor{n:03d}", signed, org)
        actors.append(a)
        base = signed or D0

        def when(lo=0, hi=50, base=base):
            return at(base + dt.timedelta(days=rng.randrange(lo, hi)), rng.randrange(24), rng.randrange(60))

        def org_of(org=org):
            return org if rng.random() < 0.85 else None

        for _ in range(rng.randrange(0, 6)):
            events.append(event("lesson_view", a.id, when(), course=rng.choice(course_ids), org=org_of()))
        for _ in range(rng.randrange(0, 4)):
            events.append(
                event("code_run", a.id, when(), course=rng.choice([None, *course_ids]), org=org_of())
            )
        for course in rng.sample(course_ids, rng.randrange(0, 3)):
            enrolled = when(0, 20)
            events.append(event("enrolled", a.id, enrolled, course=course, org=org_of()))
            if rng.random() < 0.2:  # a re-enrolment later on
                events.append(event("enrolled", a.id, when(20, 40), course=course, org=org_of()))
            lessons = [(m, lesson) for m, ls in courses[course] for lesson in ls]
            for module, lesson in rng.sample(lessons, rng.randrange(0, len(lessons) + 1)):
                later = enrolled + dt.timedelta(hours=rng.randrange(-30, 400))  # some before enrolling
                events.append(
                    event("lesson_started", a.id, later, course=course, lesson=lesson, org=org_of())
                )
                if rng.random() < 0.8:
                    done = later + dt.timedelta(minutes=rng.randrange(5, 3000))
                    events.append(
                        event(
                            "lesson_completed",
                            a.id,
                            done,
                            course=course,
                            module=module,
                            lesson=lesson,
                            org=org_of(),
                        )
                    )
                if rng.random() < 0.3:
                    events.append(
                        event("hint_requested", a.id, later, course=course, lesson=lesson, org=org_of())
                    )
            if rng.random() < 0.4:
                finished = enrolled + dt.timedelta(hours=rng.randrange(1, 900))
                events.append(event("course_completed", a.id, finished, course=course, org=org_of()))
    store(events)
    return events, actors


def test_generated_event_set_rollups_match_an_independent_computation(courses):
    events, actors = generate(courses)
    assert len(events) > 300
    rollups_rebuild()
    want = reference.expected(events, actors, lesson_map(courses))
    got = reference.actual()
    assert set(got) == set(want), (sorted(set(got) - set(want))[:5], sorted(set(want) - set(got))[:5])
    wrong = {k: (got[k], want[k]) for k in want if got[k] != pytest.approx(want[k])}
    assert not wrong, list(wrong.items())[:5]
    # every metric family is there, with something in it
    metrics = {k[0] for k, v in got.items() if v[0]}
    assert metrics >= {
        "lesson_views",
        "code_runs",
        "hints",
        "hints_per_lesson",
        "enrolments",
        "new_signups",
        "active_learners",
        "completion_rate",
        "module_completion_rate",
        "funnel",
        "median_time_to_complete",
        "retention",
        "retention_cohort_size",
    }


def test_rebuild_twice_and_update_with_nothing_dirty_change_nothing(courses):
    generate(courses, seed=3, learners=15)
    rollups_rebuild()
    first = reference.actual()
    rollups_rebuild()
    assert reference.actual() == first
    ids = set(Rollup.objects.values_list("pk", flat=True))
    assert rollups_update() == []
    assert set(Rollup.objects.values_list("pk", flat=True)) == ids


def _dependents(events, day: dt.date) -> tuple[set, set]:
    """The enrolment-cohort days whose learners acted on `day` (their funnels change),
    and the days of completions by learners who enrolled on `day` (their times change)."""
    first: dict = {}
    for e in events:
        if e.type == "enrolled":
            key = (e.actor, e.course_id)
            first[key] = min(first.get(key, e.timestamp), e.timestamp)
    cohorts = {
        first[e.actor, e.course_id].date()
        for e in events
        if e.type in reference.PROGRESS_TYPES
        and e.timestamp.date() == day
        and (e.actor, e.course_id) in first
    }
    enrolled = {(e.actor, e.course_id) for e in events if e.type == "enrolled" and e.timestamp.date() == day}
    completions = {
        e.timestamp.date()
        for e in events
        if e.type == "course_completed" and (e.actor, e.course_id) in enrolled
    }
    return cohorts, completions


def _touched(row: tuple, day: dt.date, cohorts: set, completions: set) -> bool:
    """Whether a rollup row belongs to a period a new event on `day` changes."""
    metric, period, start, *_, step = row
    if metric == "retention":
        return start + dt.timedelta(weeks=step) == week_start(day)
    if metric in ("funnel", "completion_rate", "module_completion_rate") and start in cohorts:
        return True
    if metric == "median_time_to_complete" and any(
        (period, start) in {("day", d), ("week", week_start(d)), ("month", d.replace(day=1))}
        for d in completions
    ):
        return True
    return (period, start) in {("day", day), ("week", week_start(day)), ("month", day.replace(day=1))}


def test_a_new_event_recomputes_its_day_only_and_equals_a_full_rebuild(courses):
    events, actors = generate(courses, seed=7, learners=30)
    rollups_rebuild()
    before = {
        (r.metric, r.period, r.start, r.course_id, r.module_id, r.lesson_id, r.organisation_id, r.step): r.pk
        for r in Rollup.objects.all()
    }
    day = D0 + dt.timedelta(days=17)
    new = [event("code_run", "actor000", at(day, 9), org=None)]
    store(new, dirty=True)
    assert rollups_update() == [day]
    assert not DirtyDay.objects.exists()
    after = {
        (r.metric, r.period, r.start, r.course_id, r.module_id, r.lesson_id, r.organisation_id, r.step): r.pk
        for r in Rollup.objects.all()
    }
    recomputed = {key for key, pk in before.items() if after.get(key) != pk}
    assert recomputed, "the day's rows were recomputed"
    cohorts, completions = _dependents(events, day)
    assert cohorts, "the generated day has lesson events of learners who enrolled earlier"
    stray = [k for k in recomputed if not _touched(k, day, cohorts, completions)]
    assert not stray, stray[:5]
    assert len(recomputed) < len(before) / 4
    incremental = reference.actual()
    assert incremental == reference.expected(events + new, actors, lesson_map(courses))
    rollups_rebuild()
    assert reference.actual() == incremental


def test_a_lesson_completed_today_updates_the_cohort_of_its_enrolment_day(courses):
    course = min(courses)
    (module1, lessons1), _ = courses[course]
    enrolled_on = D0
    actor("late", D0, 101)
    store([event("enrolled", "late", at(enrolled_on), course=course, org=101)])
    rollups_rebuild()
    funnel = Rollup.objects.get(
        metric="funnel", start=enrolled_on, course_id=course, organisation_id=None, step=3
    )
    assert (funnel.value, funnel.denominator) == (0, 1)
    later = D0 + dt.timedelta(days=30)
    store(
        [
            event(
                "lesson_completed",
                "late",
                at(later, 10 + i),
                course=course,
                module=module1,
                lesson=lesson,
                org=101,
            )
            for i, lesson in enumerate(lessons1)
        ],
        dirty=True,
    )
    assert rollups_update() == [later]
    step3 = Rollup.objects.get(
        metric="funnel", start=enrolled_on, course_id=course, organisation_id=None, step=3
    )
    step2 = Rollup.objects.get(
        metric="funnel", start=enrolled_on, course_id=course, organisation_id=None, step=2
    )
    assert (step2.value, step3.value, step3.denominator) == (1, 1, 1)
    module = Rollup.objects.get(
        metric="module_completion_rate",
        start=enrolled_on,
        course_id=course,
        module_id=module1,
        organisation_id=101,
    )
    assert (module.value, module.denominator) == (1, 1)
    incremental = reference.actual()
    rollups_rebuild()
    assert reference.actual() == incremental


def test_retention_cohorts_on_a_hand_checked_set(db):
    """Three learners sign up in the week of Mon 7 Sep 2026, one the week after.
    Week 0: a, b, c active (3/3); week 1: a, b (2/3); week 2: a (1/3); d: week 0 only.
    An event before the signup week and one 13 weeks later are not in any cell."""
    w0 = dt.date(2026, 9, 7)
    for name, day in [("a", w0), ("b", w0 + dt.timedelta(days=2)), ("c", w0 + dt.timedelta(days=6))]:
        actor(name, day, 101 if name != "c" else None)
    actor("d", w0 + dt.timedelta(days=7), 101)
    week = dt.timedelta(weeks=1)
    store(
        [
            event("lesson_view", "a", at(w0)),
            event("lesson_view", "b", at(w0 + dt.timedelta(days=3))),
            event("lesson_view", "c", at(w0 + dt.timedelta(days=6), 23)),
            event("code_run", "a", at(w0 + week)),
            event("code_run", "a", at(w0 + week + dt.timedelta(days=1))),
            event("code_run", "b", at(w0 + week + dt.timedelta(days=6))),
            event("code_run", "a", at(w0 + 2 * week)),
            event("code_run", "d", at(w0 + week)),
            event("code_run", "c", at(w0 - dt.timedelta(days=1))),
            event("code_run", "c", at(w0 + 13 * week)),
        ]
    )
    rollups_rebuild()

    def cells(org):
        return {
            (r.start, r.step): r.value for r in Rollup.objects.filter(metric="retention", organisation_id=org)
        }

    assert cells(None) == {(w0, 0): 3, (w0, 1): 2, (w0, 2): 1, (w0 + week, 0): 1}
    assert cells(101) == {(w0, 0): 2, (w0, 1): 2, (w0, 2): 1, (w0 + week, 0): 1}
    sizes = dict(
        Rollup.objects.filter(metric="retention_cohort_size", organisation_id=None).values_list(
            "start", "value"
        )
    )
    assert sizes == {w0: 3, w0 + week: 1}


def test_funnel_and_completion_on_a_hand_checked_set(courses):
    """Course 1 (two modules of two lessons). Four learners enrol on D0:
    p: starts, completes module 1 (both lessons), completes the course;
    q: starts, completes one lesson of module 1 only;
    r: starts nothing; s: completed a lesson before enrolling (does not count).
    A fifth, t, enrols on D0+1 and starts. Funnel of D0: 4, 2, 1, 1; of D0+1: 1, 1, 0, 0."""
    course = min(courses)
    (m1, (l1, l2)), (m2, (l3, l4)) = courses[course]
    day1 = D0 + dt.timedelta(days=1)
    rows = []
    for name in "pqrs":
        actor(name, D0)
        rows.append(event("enrolled", name, at(D0, 10), course=course))
    rows += [
        event("lesson_started", "p", at(D0, 11), course=course, lesson=l1),
        event("lesson_completed", "p", at(D0, 12), course=course, module=m1, lesson=l1),
        event("lesson_completed", "p", at(D0, 13), course=course, module=m1, lesson=l2),
        event("lesson_completed", "p", at(day1, 13), course=course, module=m2, lesson=l3),
        event("lesson_completed", "p", at(day1, 14), course=course, module=m2, lesson=l4),
        event("course_completed", "p", at(day1, 14, 1), course=course),
        event("lesson_started", "q", at(D0, 11), course=course, lesson=l1),
        event("lesson_completed", "q", at(D0, 12), course=course, module=m1, lesson=l1),
        event("lesson_completed", "s", at(D0, 9), course=course, module=m1, lesson=l1),
        event("lesson_completed", "s", at(D0, 9, 30), course=course, module=m1, lesson=l2),
    ]
    actor("t", day1)
    rows += [
        event("enrolled", "t", at(day1, 8), course=course),
        event("lesson_started", "t", at(day1, 9), course=course, lesson=l1),
    ]
    store(rows)
    rollups_rebuild()

    def funnel(day):
        return [
            Rollup.objects.get(
                metric="funnel", start=day, course_id=course, organisation_id=None, step=s
            ).value
            for s in (1, 2, 3, 4)
        ]

    assert funnel(D0) == [4, 2, 1, 1]
    assert funnel(day1) == [1, 1, 0, 0]
    rate = Rollup.objects.get(metric="completion_rate", start=D0, course_id=course, organisation_id=None)
    assert (rate.value, rate.denominator) == (1, 4)
    modules = dict(
        Rollup.objects.filter(
            metric="module_completion_rate", start=D0, course_id=course, organisation_id=None
        ).values_list("module_id", "value")
    )
    assert modules == {m1: 1, m2: 1}
    median = Rollup.objects.get(metric="median_time_to_complete", period="day", start=day1, course_id=course)
    assert median.value == dt.timedelta(days=1, hours=4, minutes=1).total_seconds()


def test_the_rebuild_command_reports_progress(courses):
    generate(courses, seed=5, learners=5)
    out = StringIO()
    call_command("rebuild_analytics_rollups", stdout=out)
    text = out.getvalue()
    assert "[1/9] counts, signups" in text and "retention cohorts" in text
    assert f"rebuilt {Rollup.objects.count()} rollup rows" in text
