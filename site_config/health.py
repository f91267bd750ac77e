"""Health checks for orchestrators and `make run`.

`/health/live`: the process answers; no I/O at all.
`/health/ready`: every dependency, each with status and latency; 503 when a
required one fails. The LLM endpoint is checked only when configured, and is never
required: the tutor falls back to its built-in grounded answerer.
"""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import WorkerHeartbeat


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


def check_cache() -> str:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise CheckFailed("the cache did not return what was just written")
    cache.delete(key)
    return "redis" if settings.REDIS_URL else "local-memory"


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
    response = requests.get(url, headers=headers, timeout=3)
    if response.status_code >= 400:
        raise CheckFailed(f"{url} answered {response.status_code}")
    return settings.LLM_MODEL or "configured"


def check_tutor_index() -> str:
    """The tutor's active index version (not required: without one the tutor answers
    503 and says how to build it)."""
    from tutor.models import IndexVersion

    row = IndexVersion.objects.filter(is_active=True).values("version", "chunk_count").first()
    if row is None:
        raise CheckFailed("no tutor index yet: run `python manage.py build_tutor_index`")
    return f"{row['version']} ({row['chunk_count']} passages)"


def check_ffmpeg() -> str:
    """ffmpeg and ffprobe (FFMPEG_BIN, FFPROBE_BIN) for the recordings' upload checks and
    transcoding job; required only with RECORDING_FFMPEG_REQUIRED (without them a
    recording is kept playable as uploaded: docs/recordings.md)."""
    from learning.recordings import media

    missing = [name for name in ("ffmpeg", "ffprobe") if media.tool_path(name) is None]
    if missing:
        raise CheckFailed(f"{' and '.join(missing)} not found (FFMPEG_BIN / FFPROBE_BIN)")
    return media.tool_version("ffmpeg")


def readiness_checks() -> list[Check]:
    checks = [
        Check("database", check_database),
        Check("cache", check_cache),
        Check("jobs", check_jobs, required=settings.JOBS_REQUIRED),
        Check("storage", check_storage),
        Check("tutor_index", check_tutor_index, required=False),
        Check("ffmpeg", check_ffmpeg, required=settings.RECORDING_FFMPEG_REQUIRED),
    ]
    if settings.LLM_BASE_URL:
        checks.append(Check("llm", check_llm, required=False))
    return checks


def run_checks(checks: list[Check]) -> tuple[bool, dict]:
    results = {}
    healthy = True
    for check in checks:
        started = time.perf_counter()
        try:
            detail = check.run()
            status = "ok"
        except Exception as exc:  # a health check reports every failure, whatever it is
            detail = str(exc) or exc.__class__.__name__
            status = "error"
            healthy = healthy and not check.required
        results[check.name] = {
            "status": status,
            "required": check.required,
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
            "detail": detail,
        }
    return healthy, results


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
