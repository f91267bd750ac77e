"""Readiness checks (site_config/health.py, docs/operations.md#health)."""

from .env import env

# Each check of /health/ready runs in its own thread and gets this many seconds; one that
# has not answered by then is reported as "timeout", so the endpoint answers within about
# this time whatever hangs. Keep it well under the orchestrator's probe timeout (1 s).
DEFAULT_HEALTH_CHECK_TIMEOUT = 0.5
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=DEFAULT_HEALTH_CHECK_TIMEOUT)
# The tutor index is "stale" when content was published (or unpublished) more than this
# many seconds ago and after the active index was built (a reindex job is normally queued
# on publish and takes a while).
HEALTH_TUTOR_INDEX_MAX_LAG = env.int("HEALTH_TUTOR_INDEX_MAX_LAG", default=900)
