"""Where a job runs: the in-process pool (embedded default) or the sandbox service
(`SANDBOX_URL`, `manage.py sandbox_server`, its own container). Both end in the same
WorkerPool; only the hop differs. Django-aware, but never loads V8.
"""

from __future__ import annotations

import math
import os
import threading

from django.conf import settings

from . import protocol
from .pool import BROWSER, V8, PoolBusy, PoolConfig, SandboxUnavailable, WorkerPool

__all__ = [
    "BrowserUnavailable",
    "PoolBusy",
    "SandboxUnavailable",
    "get_backend",
    "job_limits",
    "job_timeout_s",
    "pool_config",
]

TEST_OVERHEAD_MS = 400  # isolate + Chai per test, on top of the wall time
BROWSER_TEST_OVERHEAD_MS = 2000  # a context when none is warm, and its teardown
BROWSER_MISSING = (
    "Style tests (getComputedStyle) need Chromium, which is not installed at {path}: install "
    "Debian's `chromium` package (apt-get install chromium) or set WEB_BROWSER_PATH."
)


class BrowserUnavailable(SandboxUnavailable):
    """Style tests cannot run: no Chromium here (the message says what to install)."""


def job_limits(engine: str = V8) -> dict:
    if engine == BROWSER:
        # the browser's own budget: it covers loading the page's files through
        # intercepted requests as well as the page's scripts and the test
        return {
            "wall_ms": settings.WEB_BROWSER_WALL_TIME_MS,
            "heap_mb": settings.WEB_BROWSER_HEAP_MB,
            "output_bytes": settings.SANDBOX_OUTPUT_BYTES,
        }
    return {
        "wall_ms": settings.SANDBOX_WALL_TIME_MS,
        "heap_mb": settings.SANDBOX_HEAP_MB,
        "output_bytes": settings.SANDBOX_OUTPUT_BYTES,
    }


def job_engine(job: dict) -> str:
    return BROWSER if job.get("engine") == BROWSER else V8


def clamp_limits(requested: dict | None, engine: str = V8) -> dict:
    """The service trusts its own settings over a caller's: never above them."""
    ours = job_limits(engine)
    if not isinstance(requested, dict):
        return ours
    out = {}
    for key, ceiling in ours.items():
        try:
            value = int(requested.get(key, ceiling))
        except (TypeError, ValueError):
            value = ceiling
        out[key] = max(1, min(value, ceiling))
    return out


def job_timeout_s(job: dict) -> float:
    """The pool's hard deadline for a job: the worker's own wall clock plus a grace."""
    wall = job["limits"]["wall_ms"]
    if job.get("kind") == "tests":
        overhead = BROWSER_TEST_OVERHEAD_MS if job_engine(job) == BROWSER else TEST_OVERHEAD_MS
        total_ms = len(job.get("tests") or []) * (wall + overhead)
    else:
        total_ms = wall + 200
    return (total_ms + pool_config().grace_ms) / 1000


def retry_after_s() -> int:
    return max(1, math.ceil(settings.SANDBOX_WALL_TIME_MS / 1000))


def pool_config() -> PoolConfig:
    wall_s = settings.SANDBOX_WALL_TIME_MS / 1000
    return PoolConfig(
        size=settings.SANDBOX_POOL_SIZE,
        spares=settings.SANDBOX_POOL_SPARES,
        restart_nice=settings.SANDBOX_RESTART_NICE,
        recycle_after=settings.SANDBOX_RECYCLE_AFTER,
        languages=protocol.SUPPORTED_LANGUAGES,
        v8_flags=tuple(settings.SANDBOX_V8_FLAGS),
        chai_path=str(settings.SANDBOX_VENDOR_DIR / "chai.js"),
        dom_path=str(settings.SANDBOX_VENDOR_DIR / "linkedom.js"),
        web_warm_isolates=settings.SANDBOX_WEB_WARM_ISOLATES,
        extra_data_mb=settings.SANDBOX_WORKER_EXTRA_MB + settings.SANDBOX_HEAP_MB,
        nofile=settings.SANDBOX_WORKER_NOFILE,
        # a last resort far above any legitimate life of a worker
        cpu_seconds=int(settings.SANDBOX_RECYCLE_AFTER * (wall_s + 0.5) * 2 + 60),
        seccomp=settings.SANDBOX_SECCOMP,
        user=settings.SANDBOX_WORKER_USER,
        slow_after_ms=settings.SANDBOX_SLOW_RUN_MS,
        slow_nice=settings.SANDBOX_SLOW_RUN_NICE,
        slow_idle=settings.SANDBOX_SLOW_RUN_IDLE,
    )


def browser_pool_config() -> PoolConfig:
    """The browser workers (style tests): WEB_BROWSER_PAGES of them, no spare (a
    Chromium costs ~150 MB and seconds to start), recycled after
    WEB_BROWSER_RECYCLE_AFTER jobs, never reniced (Chromium's threads are its own)."""
    wall_s = settings.WEB_BROWSER_WALL_TIME_MS / 1000
    recycle = settings.WEB_BROWSER_RECYCLE_AFTER
    return PoolConfig(
        engine=BROWSER,
        size=settings.WEB_BROWSER_PAGES,
        spares=0,
        recycle_after=recycle,
        languages=("web",),
        chai_path=str(settings.SANDBOX_VENDOR_DIR / "chai.js"),
        cpu_seconds=int(recycle * (wall_s + 1) * 4 + 300),
        user=settings.WEB_BROWSER_USER,
        start_timeout_s=90.0,
        slow_after_ms=0,
        restart_nice=settings.SANDBOX_RESTART_NICE,
        browser_path=settings.WEB_BROWSER_PATH,
        browser_heap_mb=settings.WEB_BROWSER_HEAP_MB,
        browser_memory_mb=settings.WEB_BROWSER_MEMORY_MB,
        browser_sandbox=str(settings.WEB_BROWSER_SANDBOX),
        namespaces=str(settings.WEB_BROWSER_NAMESPACES),
        warm_contexts=settings.WEB_BROWSER_WARM_CONTEXTS,
    )


def browser_missing() -> str | None:
    """Why style tests cannot run here, or None."""
    path = settings.WEB_BROWSER_PATH
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return None
    return BROWSER_MISSING.format(path=path)


class LocalBackend:
    """The pools inside this process (started lazily, one per process): V8 workers,
    and browser workers for style tests."""

    def __init__(self, pool: WorkerPool | None = None):
        self._pool = pool

    def run(self, job: dict, *, wait_s: float) -> dict:
        if job_engine(job) == BROWSER:
            missing = browser_missing()
            if missing:
                raise BrowserUnavailable(missing)
            pool = get_pool(browser_pool_config())
        else:
            pool = self._pool or get_pool()
        return pool.run(job, wait_s=wait_s, timeout_s=job_timeout_s(job))


class HttpBackend:
    """The sandbox service over HTTP (keep-alive session per thread)."""

    def __init__(self, url: str, token: str):
        self.url = url.rstrip("/")
        self.token = token
        self._local = threading.local()

    def _session(self):
        session = getattr(self._local, "session", None)
        if session is None:
            import requests

            session = requests.Session()
            if self.token:
                session.headers["Authorization"] = f"Bearer {self.token}"
            self._local.session = session
        return session

    def run(self, job: dict, *, wait_s: float) -> dict:
        import requests

        body = {"job": job, "wait_ms": int(wait_s * 1000)}
        try:
            response = self._session().post(
                f"{self.url}/v1/jobs", json=body, timeout=wait_s + job_timeout_s(job) + 5
            )
        except requests.RequestException as exc:
            raise SandboxUnavailable(f"the sandbox service did not answer: {type(exc).__name__}") from exc
        if response.status_code == 429:
            raise PoolBusy
        if response.status_code == 503 and _error_code(response) == "browser_unavailable":
            raise BrowserUnavailable(_error_text(response))
        if response.status_code != 200:
            raise SandboxUnavailable(f"the sandbox service answered {response.status_code}")
        try:
            # the service's pool made its output safe; a peer's text is checked again
            return protocol.decode(response.content)
        except ValueError as exc:
            raise SandboxUnavailable("the sandbox service sent something that is not JSON") from exc


def _error_code(response) -> str:
    try:
        return str(response.json().get("code") or "")
    except ValueError:
        return ""


def _error_text(response) -> str:
    try:
        return str(response.json().get("error") or "")[:500]
    except ValueError:
        return ""


_lock = threading.Lock()
_pools: dict[tuple, WorkerPool] = {}


def get_pool(config: PoolConfig | None = None) -> WorkerPool:
    """This process's pool for the current settings (V8 by default; one per engine). A
    forked child (a gunicorn worker forked after the pool started) never reuses its
    parent's workers."""
    config = config or pool_config()
    key = (os.getpid(), config)
    with _lock:
        pool = _pools.get(key)
        if pool is None:
            for old_key in [k for k in _pools if k[0] == os.getpid() and k[1].engine == config.engine]:
                _pools.pop(old_key).close()
            pool = _pools[key] = WorkerPool(config)
        return pool


def pools_of_this_process() -> list[tuple[str, WorkerPool]]:
    """(engine, pool) of every pool this process has started (the metrics read them)."""
    with _lock:
        here = os.getpid()
        return [(config.engine, pool) for (pid, config), pool in _pools.items() if pid == here]


def browser_pool_if_started() -> WorkerPool | None:
    with _lock:
        here = os.getpid()
        mine = [pool for (pid, config), pool in _pools.items() if pid == here and config.engine == BROWSER]
        return mine[0] if mine else None


def get_backend():
    if settings.SANDBOX_URL:
        return HttpBackend(settings.SANDBOX_URL, settings.SANDBOX_TOKEN)
    return LocalBackend()
