"""Analytics dashboards (issue 20): endpoint latency over 10 million raw events rolled
up (target p95 < 50 ms), and the time the rollups take to build from them.

The setup (once per bench database) generates the raw events in SQL with
generate_series: BENCH_DASHBOARD_EVENTS events (10,000,000 by default) of 50,000
pseudonymous learners in 10 organisations over the 365 days up to yesterday, on the
demo courses' real lessons (views 40%, code runs 15%, lessons started and completed
10% each, quiz answers 10%, hints, enrolments and course completions 5% each), and the
learners' Actor rows (signup days spread over the year). It then times
`rollups_rebuild` (the `rebuild_analytics_rollups` command) and, for the incremental
job, one dirty day. The rows read a year of daily active learners, a year of a
course's funnel by week, and the retention cohorts of the last half year as the admin;
the rollup numbers are in the first row's note.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from scenarios import Context, Scenario

EVENTS = int(os.environ.get("BENCH_DASHBOARD_EVENTS", 10_000_000))
LEARNERS = 50_000
ORGS = 10
PREFIX = "bdash"
URL = "/api/v1/analytics/dashboards/"


def _generate(events: int) -> None:
    from django.db import connection

    from learning.accounts.models import Organisation
    from learning.analytics.models import Actor, Event, RollupLesson
    from learning.analytics.rollups.services import structure_refresh

    structure_refresh()
    lessons = list(
        RollupLesson.objects.order_by("lesson_id").values_list("lesson_id", "module_id", "course_id")
    )
    orgs = [
        Organisation.objects.get_or_create(slug=f"bench-org-{n}", defaults={"name": f"Bench org {n}"})[0].pk
        for n in range(ORGS)
    ]
    first = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=365)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Actor._meta.db_table} (id, signed_up_on, organisation_id, first_seen) "
            "SELECT %s || lpad(n::text, 5, '0'), %s::date + (n %% 365), (%s::bigint[])[1 + n %% %s], "
            "%s::date + (n %% 365) FROM generate_series(0, %s - 1) n ON CONFLICT DO NOTHING",
            [PREFIX, first, orgs, ORGS, first, LEARNERS],
        )
        # g -> a learner, a second of the year, a lesson, a type (by g mod 20)
        cursor.execute(
            f"""
            INSERT INTO {Event._meta.db_table} (id, type, source, actor, verb, object_type, object_id,
                course_id, module_id, lesson_id, organisation_id, timestamp, stored, result, extensions)
            SELECT md5(%s || g)::uuid, t.type, 'server', t.actor,
                'http://adlnet.gov/expapi/verbs/experienced', 'lesson', '',
                t.course, CASE WHEN t.type = 'lesson_completed' THEN t.module END,
                CASE WHEN t.type IN ('lesson_view', 'lesson_started', 'lesson_completed', 'hint_requested')
                     THEN t.lesson END,
                (%s::bigint[])[(1 + t.learner %% %s)::int], t.at, t.at, '{{}}', '{{}}'
            FROM (
                SELECT g,
                    (g * 2654435761) %% %s AS learner,
                    %s || lpad(((g * 2654435761) %% %s)::text, 5, '0') AS actor,
                    (%s::bigint[])[(1 + (g * 40503) %% %s)::int] AS lesson,
                    (%s::bigint[])[(1 + (g * 40503) %% %s)::int] AS module,
                    (%s::bigint[])[(1 + (g * 40503) %% %s)::int] AS course,
                    %s::timestamptz + make_interval(secs => (g * 7919) %% (365 * 86400)) AS at,
                    (ARRAY['lesson_view', 'lesson_view', 'lesson_view', 'lesson_view', 'lesson_view',
                           'lesson_view', 'lesson_view', 'lesson_view', 'code_run', 'code_run', 'code_run',
                           'lesson_started', 'lesson_started', 'lesson_completed', 'lesson_completed',
                           'hint_requested', 'enrolled', 'course_completed', 'quiz_submitted',
                           'quiz_submitted'])[(1 + g %% 20)::int] AS type
                FROM generate_series(1::bigint, %s::bigint) g
            ) t
            ON CONFLICT DO NOTHING
            """,
            [
                PREFIX,
                orgs,
                ORGS,
                LEARNERS,
                PREFIX,
                LEARNERS,
                [r[0] for r in lessons],
                len(lessons),
                [r[1] for r in lessons],
                len(lessons),
                [r[2] for r in lessons],
                len(lessons),
                dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC),
                events,
            ],
        )
        cursor.execute(f"ANALYZE {Event._meta.db_table}")


def prepare(ctx: Context) -> None:
    if "dashboards" in ctx.data:
        return
    from django.db import connection
    from django.utils import timezone

    from cms.models import CoursePage
    from learning.analytics.models import DirtyDay, Event, Rollup
    from learning.analytics.rollups.services import rollups_rebuild, rollups_update

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {Event._meta.db_table} WHERE actor LIKE %s", [PREFIX + "%"])
        have = cursor.fetchone()[0]
    note = []
    if have < EVENTS:
        began = time.monotonic()
        _generate(EVENTS)
        note.append(f"generated {EVENTS:,} events in {time.monotonic() - began:.0f} s")
    if os.environ.get("BENCH_DASHBOARD_REBUILD", "1") == "0" and Rollup.objects.exists():
        note.append("rollups kept from the previous run (BENCH_DASHBOARD_REBUILD=0)")
        rebuild = incremental = float("nan")
    else:
        began = time.monotonic()
        rollups_rebuild(progress=lambda m: print(f"[bench] rollups: {m}", flush=True))
        rebuild = time.monotonic() - began
        day = timezone.now().date() - dt.timedelta(days=3)
        DirtyDay.objects.update_or_create(day=day, defaults={"marked_at": timezone.now()})
        began = time.monotonic()
        rollups_update()
        incremental = time.monotonic() - began
    rows = Rollup.objects.count()
    import run as bench

    ctx.tokens = bench.mint_tokens(ctx.server_env)  # the access tokens may have expired meanwhile
    course = CoursePage.objects.live().order_by("pk").values_list("pk", flat=True).first()
    ctx.data["dashboards"] = {
        "course": course,
        "note": "; ".join(
            [
                *note,
                f"rollups over {max(have, EVENTS):,} raw events: full rebuild {rebuild:.0f} s "
                f"({rows:,} rollup rows), incremental run of one dirty day {incremental:.1f} s",
            ]
        ),
    }


def _path(metric: str, **params) -> callable:
    def path(ctx: Context) -> str:
        today = dt.datetime.now(dt.UTC).date()
        query = {"from": (today - dt.timedelta(days=364)).isoformat(), "to": today.isoformat()} | params
        if "course" in query:
            query["course"] = ctx.data["dashboards"]["course"]
        return f"{URL}{metric}/?" + "&".join(f"{k}={v}" for k, v in query.items())

    return path


def _with_note(scenario: Scenario):
    def runner(ctx: Context, duration: int) -> dict:
        import run as bench

        result = bench.run_wrk(bench.ensure_wrk(), scenario, ctx, duration, warmup=2)
        result["note"] = ctx.data["dashboards"]["note"] + " (target: p95 < 50 ms)"
        return result

    return runner


_DAILY = Scenario(
    "analytics dashboards: a year of daily active learners (admin)",
    _path("active_learners"),
    user="admin",
    connections=8,
    setup=prepare,
)

SCENARIOS = [
    Scenario(**{**_DAILY.__dict__, "runner": _with_note(_DAILY)}),
    Scenario(
        "analytics dashboards: a course funnel by week over a year (admin)",
        _path("funnel", granularity="week", course=1),
        user="admin",
        connections=8,
        setup=prepare,
    ),
    Scenario(
        "analytics dashboards: retention cohorts of half a year (admin)",
        _path("retention", **{"from": (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=182)).isoformat()}),
        user="admin",
        connections=8,
        setup=prepare,
    ),
]
