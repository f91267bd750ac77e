"""Content reads: the catalog and a course with its whole outline (the demo "Web
basics" course, 3 modules / 10 lessons), one lesson with its rendered body, the same
course answered 304 to a conditional GET, and two rows that are not wrk runs: a
publish through the API followed at once by learner reads (counting stale reads,
which must be 0) and the warm-up job's time for the demo course."""

from __future__ import annotations

import json
import statistics
import time
import urllib.request

from scenarios import Context, Scenario


def _demo_course_id(ctx: Context) -> int:
    if "content_course_id" not in ctx.data:
        from cms.models import CoursePage

        course = CoursePage.objects.live().filter(slug="web-basics").first()
        if course is None:
            raise SystemExit("the bench database has no 'web-basics' course: load_demo did not build it")
        ctx.data["content_course_id"] = course.pk
    return ctx.data["content_course_id"]


def _demo_lesson_id(ctx: Context) -> int:
    if "content_lesson_id" not in ctx.data:
        from cms.models import CoursePage
        from cms.selectors import published_lessons_of_course

        course = CoursePage.objects.get(pk=_demo_course_id(ctx))
        ctx.data["content_lesson_id"] = published_lessons_of_course(course).values_list("id", flat=True)[1]
    return ctx.data["content_lesson_id"]


def _call(ctx: Context, method: str, path: str, role: str, body: dict | None = None, headers=None):
    request = urllib.request.Request(
        ctx.base_url + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Authorization": f"Bearer {ctx.tokens[role]}",
            "Content-Type": "application/json",
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _course_etag(ctx: Context) -> None:
    """The demo course's current ETag, for the conditional GET row (checked: a 304)."""
    path = f"/api/v1/courses/{_demo_course_id(ctx)}/"
    status, headers, _ = _call(ctx, "GET", path, "student")
    etag = headers.get("ETag")
    if status != 200 or not etag:
        raise SystemExit(f"GET {path}: {status}, no ETag")
    status, _, _ = _call(ctx, "GET", path, "student", headers={"If-None-Match": etag})
    if status != 304:
        raise SystemExit(f"GET {path} with If-None-Match: {status}, not 304")
    ctx.data["content_course_etag"] = etag


def _row(latencies_ms: list[float], seconds: float, *, errors: int, note: str) -> dict:
    latencies_ms = sorted(latencies_ms) or [0.0]

    def pct(p):
        return latencies_ms[min(len(latencies_ms) - 1, int(p / 100 * len(latencies_ms)))]

    return {
        "requests": len(latencies_ms),
        "seconds": round(seconds, 3),
        "rps": len(latencies_ms) / seconds if seconds else 0.0,
        "p50_ms": statistics.median(latencies_ms),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "errors": errors,
        "non2xx": 0,
        "note": note,
    }


def publish_then_read(ctx: Context, duration: int) -> dict:
    """For `duration` seconds: the admin renames a lesson through the authoring API and
    publishes it; at once the learner reads the lesson and the course outline. A read
    that does not show the new title is a stale read (errors column; must be 0).
    req/s and latencies are of the two learner reads right after each publish."""
    lesson_id = _demo_lesson_id(ctx)
    course_path = f"/api/v1/courses/{_demo_course_id(ctx)}/"
    lesson_path = f"/api/v1/lessons/{lesson_id}/"
    _, _, original = _call(ctx, "GET", f"/api/v1/authoring/lessons/{lesson_id}/", "admin")
    original_title = json.loads(original)["title"]
    stale, publishes, latencies = 0, 0, []
    started = time.monotonic()
    try:
        while time.monotonic() - started < duration:
            title = f"{original_title} (bench {publishes})"
            status, _, body = _call(
                ctx, "PATCH", f"/api/v1/authoring/lessons/{lesson_id}/", "admin", {"title": title}
            )
            assert status == 200, (status, body[:300])
            status, _, body = _call(ctx, "POST", f"/api/v1/authoring/pages/{lesson_id}/publish/", "admin", {})
            assert status == 200, (status, body[:300])
            publishes += 1
            for path, read in (
                (lesson_path, lambda data: data["title"]),
                (course_path, lambda data: [le["title"] for m in data["modules"] for le in m["lessons"]]),
            ):
                t = time.perf_counter()
                status, _, body = _call(ctx, "GET", path, "student")
                latencies.append((time.perf_counter() - t) * 1000)
                seen = read(json.loads(body)) if status == 200 else None
                if seen != title and (not isinstance(seen, list) or title not in seen):
                    stale += 1
    finally:
        _call(ctx, "PATCH", f"/api/v1/authoring/lessons/{lesson_id}/", "admin", {"title": original_title})
        _call(ctx, "POST", f"/api/v1/authoring/pages/{lesson_id}/publish/", "admin", {})
    return _row(
        latencies,
        time.monotonic() - started,
        errors=stale,
        note=f"{publishes} publishes through the API, {len(latencies)} reads right after: {stale} stale",
    )


def warm_up_time(ctx: Context, duration: int) -> dict:
    """The warm-up job for the demo course, timed in this process against the bench
    database and Redis (what a qcluster worker runs after a publish): bump the course's
    version, then render everything of it. Ten runs."""
    from cms.content_cache import handlers, store

    course_id = _demo_course_id(ctx)
    times, rendered = [], 0
    for _ in range(10):
        store.bump([store.course_scope(course_id), store.CATALOG])
        t = time.perf_counter()
        rendered = handlers.warm_course(course_id)
        times.append((time.perf_counter() - t) * 1000)
    row = _row(times, sum(times) / 1000, errors=0, note="")
    row["note"] = (
        f"warm-up job for the demo course: {rendered} responses rendered, "
        f"p50 {row['p50_ms']:.1f} ms per run (10 runs)"
    )
    return row


SCENARIOS = [
    Scenario("content: catalog", "/api/v1/courses/", user="student", tags=("content",)),
    Scenario(
        "content: catalog search (repeated query)",
        "/api/v1/courses/?search=css&level=beginner",
        user="student",
        tags=("content",),
    ),
    Scenario(
        "content: course detail with outline",
        lambda ctx: f"/api/v1/courses/{_demo_course_id(ctx)}/",
        user="student",
        tags=("content",),
    ),
    Scenario(
        "content: lesson detail",
        lambda ctx: f"/api/v1/lessons/{_demo_lesson_id(ctx)}/",
        user="student",
        tags=("content",),
    ),
    Scenario(
        "content: conditional GET answered 304 (course detail)",
        lambda ctx: f"/api/v1/courses/{_demo_course_id(ctx)}/",
        user="student",
        setup=_course_etag,
        headers=lambda ctx: {"If-None-Match": ctx.data["content_course_etag"]},
        tags=("content",),
    ),
    Scenario(
        "content: publish, then read (stale reads in errors)",
        "/api/v1/authoring/pages/{id}/publish/, then learner reads",
        method="POST",
        runner=publish_then_read,
        tags=("content",),
    ),
    Scenario(
        "content: warm-up job, demo course",
        "(in process)",
        runner=warm_up_time,
        tags=("content",),
    ),
]
