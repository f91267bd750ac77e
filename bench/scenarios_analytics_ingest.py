"""Analytics ingest (issue 20): sustained events/s on PostgreSQL, batches of 500 over HTTP
and the drain job that bulk-inserts them (target: 10,000 events/s sustained).

The row's req/s and latency are wrk's (the HTTP side: validated and queued); its note
says what counts: events stored per second from the first request until the drain job
has emptied the queue, and how long the drain lagged behind the load."""

import time

from scenarios import Context, Scenario

BATCH = 500
LEARNERS = 64  # ANALYTICS_INGEST_RATE is per learner: real traffic comes from many


def learners(ctx: Context) -> None:
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    from cms.models import CoursePage
    from cms.selectors import published_lessons_of_course

    course = CoursePage.objects.live().order_by("path").first()
    if course is None:
        raise SystemExit("the bench database has no published course: load_demo did not build one")
    ctx.data["lesson_ids"] = ",".join(
        map(str, published_lessons_of_course(course).values_list("id", flat=True))
    )
    ctx.data["course_id"] = course.pk
    ctx.data["batch"] = BATCH
    tokens = []
    for i in range(LEARNERS):
        user, _ = get_user_model().objects.get_or_create(
            email=f"bench-analytics-{i}@mrict.local", defaults={"email_verified": True}
        )
        tokens.append(str(AccessToken.for_user(user)))
    ctx.data["tokens"] = ",".join(tokens)


def _drained(timeout_s: float) -> bool:
    from learning.analytics import queue

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if queue.pending() == 0:
            return True
        time.sleep(0.1)
    return False


def sustained(ctx: Context, duration: int) -> dict:
    import run as bench

    from learning.analytics.models import Event

    wrk = bench.ensure_wrk()
    _drained(120)  # whatever an earlier row left
    before = Event.objects.count()
    started = time.monotonic()
    result = bench.run_wrk(wrk, HTTP, ctx, duration)
    load_ended = time.monotonic()
    drained = _drained(300)
    ended = time.monotonic()
    stored = Event.objects.count() - before
    elapsed = ended - started
    rate = stored / elapsed if elapsed else 0.0
    result["note"] = (
        f"{stored:,} events stored in {elapsed:.1f} s from the first request to an empty queue: "
        f"{rate:,.0f} events/s sustained (target 10,000); HTTP side {result['rps'] * BATCH:,.0f} events/s; "
        f"the drain finished {ended - load_ended:.1f} s after the load"
        + ("" if drained else " (NOT drained within 300 s)")
        + f"; the store held {before:,} events before"
    )
    result["events_per_s_sustained"] = round(rate, 1)
    return result


HTTP = Scenario(
    "analytics: ingest batches of 500 events (HTTP + drain job)",
    "/api/v1/analytics/events/",
    method="POST",
    lua="analytics_batch.lua",
    connections=8,
    units=BATCH,
    unit_name="events",
    setup=learners,
)

SCENARIOS = [
    Scenario(
        HTTP.name,
        HTTP.path,
        method="POST",
        lua=HTTP.lua,
        connections=HTTP.connections,
        units=BATCH,
        unit_name="events",
        setup=learners,
        runner=sustained,
    )
]
