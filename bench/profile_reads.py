#!/usr/bin/env python
"""Per-request cost of the learner reads, counted in CPU instructions (callgrind) or
profiled (cProfile), in process: the WSGI application called directly with the same
request wrk sends, against a real database and Redis (the environment's
DATABASE_URL / REDIS_URL, with the demo content loaded and the demo student enrolled).

Instruction counts do not depend on what else the machine runs, unlike `make bench`'s
wall-clock numbers, so they compare changes on a shared machine. Use:

    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p \\
        .venv/bin/python bench/profile_reads.py --callgrind [-k NAME] [-n 200]

(each scenario's instructions are printed per request: `callgrind_control` zeroes the
counters before a scenario and dumps them after), or without valgrind:

    .venv/bin/python bench/profile_reads.py --cprofile -k "my courses" -n 500

Needs the same settings as the server (DJANGO_SETTINGS_MODULE and its environment, as
bench/run.py's server_env gives), and ALLOWED_HOSTS including 127.0.0.1.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]


def setup() -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    from cms.models import CoursePage
    from cms.selectors import published_lessons_of_course
    from learning.progress.services import enrollment_create

    student, _ = get_user_model().objects.get_or_create(email="student@mrict.local")
    if not student.email_verified:  # a save keeps the user out of the user cache for 10 s
        student.email_verified = True
        student.save(update_fields=["email_verified"])
    course = CoursePage.objects.live().filter(slug="web-basics").first() or CoursePage.objects.live().first()
    enrollment_create(user=student, course=course)
    lesson_id = published_lessons_of_course(course).values_list("id", flat=True)[1]
    return {"token": str(AccessToken.for_user(student)), "course": course.pk, "lesson": lesson_id}


def environ(path: str, headers: dict[str, str]) -> dict:
    path, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8765",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        "HTTP_HOST": "127.0.0.1:8765",
    }
    for name, value in headers.items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    return env


def scenarios(ctx: dict, app) -> dict[str, tuple[str, dict]]:
    auth = {"Authorization": f"Bearer {ctx['token']}"}
    course = f"/api/v1/courses/{ctx['course']}/"
    found = {
        "ceiling": ("/api/v1/ping/", {}),
        "catalog": ("/api/v1/courses/", auth),
        "course detail": (course, auth),
        "lesson detail": (f"/api/v1/lessons/{ctx['lesson']}/", auth),
        "my courses": ("/api/v1/me/courses/", auth),
        "resume": (f"{course}resume/", auth),
        "course progress": (f"{course}progress/", auth),
    }
    status, headers, _ = call(app, course, auth)
    found["conditional 304"] = (course, {**auth, "If-None-Match": headers["ETag"]})
    recording = ctx.get("recording")
    if recording is not None:  # the bench's 10,000-snapshot recording (scenarios_recordings.py)
        found["recording state at t"] = (recording["state"], auth)
        found["recording window"] = (recording["window"], auth)
    return found


def recording_setup() -> dict | None:
    """The published 10,000-snapshot recording `make bench -k recordings` reads (made
    here, the bench's way, when the database has none)."""
    from types import SimpleNamespace

    from learning.recordings.models import Recording

    sys.path.insert(0, str(ROOT / "bench"))
    import scenarios_recordings as bench_recordings

    found = (
        Recording.objects.filter(
            title="bench timeline", is_published=True, snapshot_count=bench_recordings.SNAPSHOTS
        )
        .order_by("-pk")
        .first()
    )
    ctx = SimpleNamespace(data={})
    if found is None:
        bench_recordings._timeline_recording(ctx)
    else:
        ctx.data["recording_id"] = found.pk
    return {"state": bench_recordings._state_path(ctx), "window": bench_recordings._window_path(ctx)}


def call(app, path: str, headers: dict) -> tuple[str, dict, bytes]:
    got = {}

    def start_response(status, response_headers, exc_info=None):
        got["status"], got["headers"] = status, dict(response_headers)

    result = app(environ(path, headers), start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return got["status"], got["headers"], body


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "-k", default="", help="only scenarios whose name contains this (alternatives separated by |)"
    )
    parser.add_argument("-n", type=int, default=200, help="requests per scenario (after 20 warm-up ones)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--callgrind", action="store_true", help="zero/dump callgrind's counters per scenario")
    mode.add_argument("--cprofile", action="store_true", help="print a cProfile of each scenario")
    args = parser.parse_args()

    ctx = setup()
    if "recording" in args.k.lower():
        ctx["recording"] = recording_setup()
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    for name, (path, headers) in scenarios(ctx, app).items():
        if not any(k.strip() in name.lower() for k in args.k.lower().split("|")):
            continue
        for _ in range(20):
            status, _, body = call(app, path, headers)
        assert status.startswith(("200", "304")), (name, status, body[:300])
        if args.callgrind:
            subprocess.run(["callgrind_control", "-z", str(os.getpid())], check=True, capture_output=True)
        if args.cprofile:
            import cProfile
            import pstats

            profile = cProfile.Profile(time.process_time)
            profile.enable()
        cpu0, walls = time.process_time(), []
        for _ in range(args.n):
            started = time.perf_counter()
            call(app, path, headers)
            walls.append(time.perf_counter() - started)
        cpu_ms = (time.process_time() - cpu0) * 1000 / args.n
        wall_p50_ms = sorted(walls)[len(walls) // 2] * 1000
        if args.cprofile:
            profile.disable()
            print(f"=== {name}: {status}")
            pstats.Stats(profile).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(45)
        if args.callgrind:
            out = subprocess.run(
                ["callgrind_control", "-d", name.replace(" ", "_"), str(os.getpid())],
                check=True,
                capture_output=True,
                text=True,
            )
            print(f"=== {name}: {status} (dumped) {out.stdout.strip()}", flush=True)
        else:
            # CPU of this process (user + system, so the socket calls to PostgreSQL and
            # Redis count), per request; their own CPU is not in it.
            print(
                f"=== {name}: {status}, {cpu_ms:.3f} ms CPU per request, wall p50 {wall_p50_ms:.3f} ms",
                flush=True,
            )


if __name__ == "__main__":
    main()
