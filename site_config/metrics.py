"""Prometheus metrics at /metrics (docs/operations.md#monitoring-and-alerting).

- request metrics: django-prometheus's middleware (`django_http_*`: requests by view,
  method and status, latency histograms, exceptions);
- job-queue metrics, read from django-q2 when scraped: jobs waiting per cluster (its
  broker: the ORM table or Redis), failed jobs kept for the admin per cluster, and the
  age of each worker heartbeat;
- sandbox metrics: the code-run pool's size, busy and idle workers, runs, timeouts and
  crashes, for the pools of the process that answers (in-process sandbox) or of the
  sandbox service (SANDBOX_URL, read from its /health).

Never public: without METRICS_TOKEN the URL answers 404; with it, a request without
that credential (bearer token, or basic auth with it as the password) answers 401.
With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR (prometheus_client's
multi-process mode) so that request metrics add up across them.
"""

import base64
import binascii
import hmac
import logging
import os
import time

import prometheus_client
import requests
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from .api.errors import api_error_response

log = logging.getLogger(__name__)


def _credential(request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[2]
    return ""


def authorised(request) -> bool:
    token = settings.METRICS_TOKEN
    return bool(token) and hmac.compare_digest(_credential(request).encode(), token.encode())


class JobQueueCollector:
    """django-q2's queue, read at scrape time: a query per cluster and one for failures."""

    def collect(self):
        from django_q.brokers import get_broker
        from django_q.models import Failure

        from .models import WorkerHeartbeat

        queued = GaugeMetricFamily("mrict_jobs_queued", "Jobs waiting in the queue", labels=["cluster"])
        for cluster in cluster_names():
            try:
                queued.add_metric([cluster], get_broker(list_key=cluster).queue_size())
            except Exception:  # a broker that cannot answer leaves its sample out, not the scrape
                log.warning("metrics: the job queue of %s did not answer", cluster, exc_info=True)
        yield queued

        failed = GaugeMetricFamily(
            "mrict_jobs_failed",
            "Failed jobs kept for the admin (retry or delete them there)",
            labels=["cluster"],
        )
        counts = dict.fromkeys(cluster_names(), 0)
        for row in Failure.objects.values_list("cluster").order_by().annotate(n=_count()):
            counts[row[0] or ""] = row[1]
        for cluster, count in sorted(counts.items()):
            failed.add_metric([cluster], count)
        yield failed

        beats = GaugeMetricFamily(
            "mrict_jobs_heartbeat_age_seconds", "Seconds since a job worker's last heartbeat", labels=["name"]
        )
        now = timezone.now()
        for name, seen_at in WorkerHeartbeat.objects.values_list("name", "seen_at").order_by("name"):
            beats.add_metric([name], (now - seen_at).total_seconds())
        yield beats


def _count():
    from django.db.models import Count

    return Count("id")


def cluster_names() -> list[str]:
    """The django-q2 clusters: Q_CLUSTER's name and those of its ALT_CLUSTERS."""
    config = settings.Q_CLUSTER
    return [config.get("name", "default"), *config.get("ALT_CLUSTERS", {})]


SANDBOX_GAUGES = {
    "size": "Runs the pool takes at once",
    "in_flight": "Workers running a program now",
    "idle": "Workers ready for a run",
    "alive": "Worker processes alive (size + spares)",
}
SANDBOX_COUNTERS = {
    "jobs": ("runs", "Programs run to an answer"),
    "killed": ("timeouts", "Runs killed at the wall-time limit"),
    "crashed": ("crashes", "Runs whose worker died (memory limit, crash)"),
    "busy_rejections": ("busy_rejections", "Runs refused: no worker free within the wait"),
}


class SandboxCollector:
    """The code-run pools: this process's, or the sandbox service's (SANDBOX_URL)."""

    def collect(self):
        gauges = {
            key: GaugeMetricFamily(
                f"mrict_sandbox_pool_{'busy' if key == 'in_flight' else key}",
                text,
                labels=["engine", "source"],
            )
            for key, text in SANDBOX_GAUGES.items()
        }
        counters = {
            key: CounterMetricFamily(f"mrict_sandbox_{name}", text, labels=["engine", "source"])
            for key, (name, text) in SANDBOX_COUNTERS.items()
        }
        for engine, source, info in sandbox_pools():
            for key, family in gauges.items():
                family.add_metric([engine, source], info.get(key, 0))
            stats = info.get("stats") or {}
            for key, family in counters.items():
                family.add_metric([engine, source], stats.get(key, 0))
        yield from gauges.values()
        yield from counters.values()


def sandbox_pools() -> list[tuple[str, str, dict]]:
    from learning.coding.sandbox.backends import pools_of_this_process

    pools = [(engine, "process", pool.info()) for engine, pool in pools_of_this_process()]
    if settings.SANDBOX_URL:
        try:
            response = requests.get(
                settings.SANDBOX_URL.rstrip("/") + "/health", timeout=settings.METRICS_SANDBOX_TIMEOUT
            )
            body = response.json()
        except (requests.RequestException, ValueError):
            log.warning("metrics: the sandbox service's /health did not answer", exc_info=True)
            return pools
        if body.get("pool"):
            pools.append(("v8", "service", body["pool"]))
        if body.get("browser_pool"):
            pools.append(("browser", "service", body["browser_pool"]))
    return pools


# Read at scrape time, not per process: a registry of their own, exported beside the
# default one (or beside the multi-process one).
SCRAPE_REGISTRY = prometheus_client.CollectorRegistry(auto_describe=False)
SCRAPE_REGISTRY.register(JobQueueCollector())
SCRAPE_REGISTRY.register(SandboxCollector())


def _process_registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return prometheus_client.REGISTRY


@never_cache
@require_GET
def metrics(request):
    if not settings.METRICS_TOKEN:
        return api_error_response(404, "not_found", "No endpoint at this address.")
    if not authorised(request):
        return api_error_response(
            401,
            "not_authenticated",
            "The metrics need the scraper's credential (METRICS_TOKEN).",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    started = time.perf_counter()
    body = prometheus_client.generate_latest(_process_registry()) + prometheus_client.generate_latest(
        SCRAPE_REGISTRY
    )
    log.debug("metrics scraped in %.1f ms", (time.perf_counter() - started) * 1000)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
