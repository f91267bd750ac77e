"""Health checks for orchestrators and `make run` (docs/operations.md#health).

`/health/live`: the process answers; no I/O at all.
`/health/ready`: every dependency, each with status ("ok", "error" or "timeout"),
latency and a detail; 503 when a required one is not "ok". Each check runs in a thread
of its own and gets HEALTH_CHECK_TIMEOUT seconds, so a hung dependency (a database,
Redis, S3 or LLM endpoint that accepts connections and never answers) costs the probe
that long and no more. At most one run of each check is in flight per process: while a
hung one is still running, the next probe reports "timeout" at once instead of piling
up threads. Checks that are never required (the LLM endpoint, the tutor index) are
reported so that a person or an alert sees them.

A check that starts failing is reported to Sentry once (when SENTRY_DSN is set), and
again only after it has recovered, so a probe every few seconds does not flood it.
"""

import functools
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import WorkerHeartbeat

log = logging.getLogger(__name__)

OK, ERROR, TIMEOUT = "ok", "error", "timeout"


class CheckFailed(Exception):
    pass


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[], str]
    required: bool = True


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _client_timeout() -> float:
    """The socket timeouts of a check's own client: twice the probe's wait. They only end
    a hung check's thread; the probe has answered "timeout" by then. Equal to it, the
    client's own error would race the probe's deadline, and a hung dependency would read
    as "timeout" or "error" by chance."""
    return 2 * settings.HEALTH_CHECK_TIMEOUT


def check_cache() -> str:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise CheckFailed("the cache did not return what was just written")
    cache.delete(key)
    return "redis" if settings.REDIS_URL else "local-memory"


def check_redis() -> str:
    """REDIS_URL answers PING (the cache, throttles and, with the Redis broker, the job
    queue live there). A client of its own with socket timeouts: never the shared one,
    whose connections a hung server would hold."""
    import redis

    timeout = _client_timeout()
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        if not client.ping():
            raise CheckFailed("Redis did not answer PING")
        return "PONG"
    finally:
        client.close()


def check_jobs(queues: list[str] | None = None) -> str:
    """Each job queue's worker (site_config/jobs.py; `queues`: only these, as a worker
    container's own healthcheck asks): its heartbeat row, written every minute by the
    queue's own schedule and when its processes start, must be newer than the queue's
    limit (JOBS_HEARTBEAT_MAX_AGE; the heavy queue JOBS_HEAVY_HEARTBEAT_MAX_AGE, as a
    worker busy with a long job cannot beat). Reports every queue; fails if one is silent."""
    from .jobs import HEAVY, cluster_of, queue_names

    queues = queues or queue_names()
    beats = dict(WorkerHeartbeat.objects.filter(name__in=queues).values_list("name", "seen_at"))
    now = timezone.now()
    details, failures = [], []
    for queue in queues:
        cluster = cluster_of(queue)
        start = "qcluster" if cluster == settings.Q_CLUSTER["name"] else f"Q_CLUSTER_NAME={cluster} qcluster"
        limit = settings.JOBS_HEAVY_HEARTBEAT_MAX_AGE if queue == HEAVY else settings.JOBS_HEARTBEAT_MAX_AGE
        if queue not in beats:
            failures.append(f"{queue}: no worker heartbeat yet: start one with `python manage.py {start}`")
            continue
        age = int((now - beats[queue]).total_seconds())
        if age > limit:
            failures.append(f"{queue}: last worker heartbeat {age} s ago: is `{start}` running?")
        else:
            details.append(f"{queue}: heartbeat {age} s ago")
    if failures:
        raise CheckFailed("; ".join(failures + details))
    return "; ".join(details)


def check_storage() -> str:
    name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as fh:
            if fh.read() != b"ok":
                raise CheckFailed("storage returned other bytes than were written")
    finally:
        default_storage.delete(name)
    return settings.STORAGE_BACKEND


def check_llm() -> str:
    url = settings.LLM_BASE_URL.rstrip("/") + "/models"
    headers = {"Authorization": f"Bearer {settings.LLM_API_KEY}"} if settings.LLM_API_KEY else {}
    response = requests.get(url, headers=headers, timeout=_client_timeout())
    if response.status_code >= 400:
        raise CheckFailed(f"{url} answered {response.status_code}")
    return settings.LLM_MODEL or "configured"


def _age(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172_800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def check_tutor_index() -> str:
    """The tutor's active index version, its age, and whether content was published or
    unpublished after it was built (not required: without an index the tutor answers 503
    and says how to build it; a stale one still answers, from older content)."""
    from wagtail.models import PageLogEntry

    from tutor.models import IndexVersion

    index = IndexVersion.objects.filter(is_active=True).values("version", "chunk_count", "created_at").first()
    if index is None:
        raise CheckFailed("no tutor index yet: run `python manage.py build_tutor_index`")
    now = timezone.now()
    built = index["created_at"]
    age = _age((now - built).total_seconds())
    about = f"{index['version']} ({index['chunk_count']} passages, built {age} ago)"
    changed = (
        PageLogEntry.objects.filter(action__in=("wagtail.publish", "wagtail.unpublish"), timestamp__gt=built)
        .order_by("timestamp")
        .values_list("timestamp", flat=True)
        .first()
    )
    if changed is not None and (now - changed).total_seconds() > settings.HEALTH_TUTOR_INDEX_MAX_LAG:
        raise CheckFailed(
            f"stale: {about}; content changed {_age((now - changed).total_seconds())} ago and is not "
            "in it (is the job worker running? `python manage.py build_tutor_index` rebuilds it)"
        )
    return about


@functools.lru_cache(maxsize=8)
def _ffmpeg_version(path: str) -> str:
    from learning.recordings import media

    return media.tool_version("ffmpeg")


def check_ffmpeg() -> str:
    """ffmpeg and ffprobe (FFMPEG_BIN, FFPROBE_BIN) for the recordings' upload checks and
    transcoding job; required only with RECORDING_FFMPEG_REQUIRED (without them a
    recording is kept playable as uploaded: docs/recordings.md). The version is read once
    per binary and process."""
    from learning.recordings import media

    missing = [name for name in ("ffmpeg", "ffprobe") if media.tool_path(name) is None]
    if missing:
        raise CheckFailed(f"{' and '.join(missing)} not found (FFMPEG_BIN / FFPROBE_BIN)")
    return _ffmpeg_version(media.tool_path("ffmpeg"))


def readiness_checks() -> list[Check]:
    checks = [
        Check("database", check_database),
        Check("cache", check_cache),
        Check("jobs", check_jobs, required=settings.JOBS_REQUIRED),
        Check("storage", check_storage),
        Check("tutor_index", check_tutor_index, required=False),
        Check("ffmpeg", check_ffmpeg, required=settings.RECORDING_FFMPEG_REQUIRED),
    ]
    if settings.REDIS_URL:
        checks.append(Check("redis", check_redis))
    if settings.LLM_BASE_URL:
        checks.append(Check("llm", check_llm, required=False))
    return checks


# --- the runner ------------------------------------------------------------------------

_in_flight: dict[str, threading.Thread] = {}
_in_flight_lock = threading.Lock()


class _Run:
    """One check running in its own thread; `result` is set when it ends."""

    def __init__(self, check: Check):
        self.check = check
        self.done = threading.Event()
        self.result: tuple[str, str] | None = None
        self.started = time.perf_counter()
        self.seconds: float | None = None  # how long the check took, once it has ended

    def work(self) -> None:
        try:
            self.result = (OK, self.check.run())
        except Exception as exc:  # a health check reports every failure, whatever it is
            self.result = (ERROR, str(exc) or exc.__class__.__name__)
        finally:
            connections.close_all()  # this thread's own connections, opened by the check
            self.seconds = time.perf_counter() - self.started
            self.done.set()


def _start(check: Check) -> _Run:
    run = _Run(check)
    with _in_flight_lock:
        previous = _in_flight.get(check.name)
        if previous is not None and previous.is_alive():
            run.result = (TIMEOUT, "the previous run of this check has not finished yet")
            run.done.set()
            return run
        thread = threading.Thread(target=run.work, name=f"health-{check.name}", daemon=True)
        _in_flight[check.name] = thread
    thread.start()
    return run


def run_checks(checks: list[Check], *, timeout: float | None = None) -> tuple[bool, dict]:
    """Run every check at once, each in its own thread; wait at most `timeout` seconds
    (HEALTH_CHECK_TIMEOUT) in all. Returns (healthy, results by check name)."""
    timeout = settings.HEALTH_CHECK_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    runs = [_start(check) for check in checks]
    results = {}
    healthy = True
    for run in runs:
        if run.done.wait(max(0.0, deadline - time.monotonic())) and run.result is not None:
            status, detail = run.result
            seconds = run.seconds or 0.0
        else:
            status, detail = TIMEOUT, f"no answer within {timeout:g} s"
            seconds = time.perf_counter() - run.started
        if status != OK and run.check.required:
            healthy = False
        results[run.check.name] = {
            "status": status,
            "required": run.check.required,
            "latency_ms": round(seconds * 1000, 2),
            "detail": detail,
        }
    report_failures(results)
    return healthy, results


# Per process: the checks currently failing, so that each failure is reported once.
_failing: set[str] = set()


def report_failures(results: dict) -> None:
    """Log every failing check (a warning: a breadcrumb in Sentry, not an event) and send
    one Sentry event when a check starts failing (again after it recovered)."""
    import sentry_sdk

    for name, result in results.items():
        if result["status"] == OK:
            _failing.discard(name)
            continue
        log.warning("health check %s: %s (%s)", name, result["status"], result["detail"])
        if name in _failing:
            continue
        _failing.add(name)
        with sentry_sdk.new_scope() as scope:
            scope.set_tag("health_check", name)
            scope.set_tag("health_status", result["status"])
            scope.set_context("health_check", result)
            scope.fingerprint = ["health-check", name, result["status"]]
            sentry_sdk.capture_message(
                f"Health check {name} failed: {result['status']}",
                level="error" if result["required"] else "warning",
            )


@never_cache
@require_GET
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request):
    healthy, results = run_checks(readiness_checks())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503
    )
