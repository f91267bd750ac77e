"""Recordings, part 2 (issue 14): the snapshot timeline.

* ingest: 10,000 snapshots in one request, end to end through the API (JSON, and
  NDJSON), each on a fresh recording made through the authoring API; target under 2 s
  on PostgreSQL. Not a wrk row: the batch is timed from the first byte sent to the
  answer, as many times as fit in the row's duration (at least 3).
* state at t: GET .../state/?t_ms= in the middle of a 10,000-snapshot recording
  (keyframe every RECORDING_KEYFRAME_EVERY); target p50 under 20 ms.
* timeline window: GET .../timeline/?from_ms=&to_ms= over 30 s of the same recording
  (300 snapshots, one response).

The read rows' recording is made once per run in the runner process (through the
ingestion service) on the demo course's first lesson, published, and read by the demo
student."""

from __future__ import annotations

import http.client
import json
import statistics
import time

from scenarios import Context, Scenario

SNAPSHOTS = 10_000
STEP_MS = 100  # 10,000 snapshots = 1,000 s of video
WINDOW_MS = 30_000


def typing_items(n: int, prefix: str) -> list[dict]:
    """A teacher typing into index.html: one to a few characters per snapshot, the
    cursor following, a run now and then."""
    items, length, line = [], 0, 1
    for i in range(n):
        if i % 500 == 499:
            items.append({"id": f"{prefix}{i}", "t_ms": i * STEP_MS, "kind": "run"})
            continue
        text = "<p>hi</p>\n" if i % 37 == 0 else "abc "[i % 4]
        line += text.count("\n")
        items.append(
            {
                "id": f"{prefix}{i}",
                "t_ms": i * STEP_MS,
                "diff": {"index.html": [[length, 0, text]]},
                "cursor": {"path": "index.html", "line": line, "column": 1},
            }
        )
        length += len(text)
    return items


def _request(ctx: Context, method: str, path: str, body: bytes | None = None, content_type: str = ""):
    host, port = ctx.base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    headers = {"Authorization": f"Bearer {ctx.tokens['admin']}"}
    if content_type:
        headers["Content-Type"] = content_type
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def _ingest(ctx: Context, duration_s: int, *, ndjson: bool) -> dict:
    import django

    django.setup()
    from cms.models import CoursePage

    course = CoursePage.objects.live().order_by("path").first()
    items = typing_items(SNAPSHOTS, "b")
    if ndjson:
        body = ("\n".join(json.dumps(item) for item in items) + "\n").encode()
        content_type = "application/x-ndjson"
    else:
        body = json.dumps({"snapshots": items}).encode()
        content_type = "application/json"
    times, failures, deadline = [], 0, time.monotonic() + duration_s
    while len(times) < 3 or time.monotonic() < deadline:
        status, data = _request(
            ctx,
            "POST",
            "/api/v1/authoring/recordings/",
            json.dumps({"title": "bench snapshots", "course": course.pk}).encode(),
            "application/json",
        )
        if status != 201:
            raise RuntimeError(f"creating the recording answered {status}: {data[:300]!r}")
        recording_id = json.loads(data)["id"]
        started = time.perf_counter()
        status, data = _request(
            ctx, "POST", f"/api/v1/recordings/{recording_id}/snapshots/", body, content_type
        )
        elapsed = time.perf_counter() - started
        if status != 201 or json.loads(data)["inserted"] != SNAPSHOTS:
            failures += 1
        times.append(elapsed * 1000)
        _request(ctx, "DELETE", f"/api/v1/authoring/recordings/{recording_id}/")
        if len(times) >= 20:
            break
    times.sort()
    p50 = statistics.median(times)
    return {
        "rps": len(times) / (sum(times) / 1000),
        "p50_ms": p50,
        "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
        "p99_ms": times[-1],
        "errors": 0,
        "non2xx": failures,
        "note": (
            f"{len(times)} batches of {SNAPSHOTS} snapshots ({len(body) / 1e6:.1f} MB "
            f"{'NDJSON' if ndjson else 'JSON'}), end to end; p50 {p50 / 1000:.2f} s, "
            f"max {times[-1] / 1000:.2f} s (target < 2 s: {'met' if p50 < 2000 else 'NOT met'})"
        ),
    }


def _timeline_recording(ctx: Context) -> None:
    """The published 10,000-snapshot recording the read rows use (made once)."""
    if "recording_id" in ctx.data:
        return
    import django

    django.setup()
    from django.utils import timezone

    from cms.models import CoursePage, LessonPage
    from learning.recordings.models import Recording, RecordingStatus
    from learning.recordings.timeline_services import snapshots_ingest

    course = CoursePage.objects.live().order_by("path").first()
    lesson = LessonPage.objects.descendant_of(course).live().order_by("path").first()
    Recording.objects.filter(title="bench timeline").delete()
    recording = Recording.objects.create(
        title="bench timeline",
        course=course,
        lesson=lesson,
        status=RecordingStatus.READY,
        is_published=True,
        published_at=timezone.now(),
        duration_ms=SNAPSHOTS * STEP_MS,
    )
    snapshots_ingest(recording_id=recording.pk, items=typing_items(SNAPSHOTS, "t"))
    ctx.data["recording_id"] = recording.pk


def _state_path(ctx: Context) -> str:
    # mid-recording, on the snapshot farthest from its keyframe (the most diffs to apply)
    from django.conf import settings

    seq = SNAPSHOTS // 2 + settings.RECORDING_KEYFRAME_EVERY - 1
    return f"/api/v1/recordings/{ctx.data['recording_id']}/state/?t_ms={seq * STEP_MS + STEP_MS // 2}"


def _window_path(ctx: Context) -> str:
    start = SNAPSHOTS * STEP_MS // 3
    window = f"from_ms={start}&to_ms={start + WINDOW_MS - 1}"
    return f"/api/v1/recordings/{ctx.data['recording_id']}/timeline/?{window}"


SCENARIOS = [
    Scenario(
        "recordings timeline: ingest 10,000 snapshots (JSON)",
        "/api/v1/recordings/{id}/snapshots/",
        method="POST",
        user="admin",
        runner=lambda ctx, duration: _ingest(ctx, duration, ndjson=False),
        tags=("recordings",),
    ),
    Scenario(
        "recordings timeline: ingest 10,000 snapshots (NDJSON)",
        "/api/v1/recordings/{id}/snapshots/",
        method="POST",
        user="admin",
        runner=lambda ctx, duration: _ingest(ctx, duration, ndjson=True),
        tags=("recordings",),
    ),
    Scenario(
        "recordings timeline: state at t, middle of 10,000 snapshots",
        _state_path,
        user="student",
        setup=_timeline_recording,
        connections=8,
        tags=("recordings",),
    ),
    Scenario(
        "recordings timeline: window, 30 s (300 snapshots)",
        _window_path,
        user="student",
        setup=_timeline_recording,
        connections=8,
        tags=("recordings",),
    ),
]
