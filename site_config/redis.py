"""One redis-py client per process for the hot paths that talk to Redis directly
(the user cache behind access tokens, sandbox admission).

Django's cache API builds a new redis-py client object on every call; on an endpoint
that must answer in a few milliseconds that was a measurable share of the request.
redis-py's client is thread-safe and its connection pool notices a fork, so one per
process (per URL) is enough. Keys carry the cache's KEY_PREFIX, so `cache.clear()`
(the tests, between each) empties them with the rest.
"""

from __future__ import annotations

import functools

from django.conf import settings


@functools.cache
def _client(url: str):
    import redis

    return redis.Redis.from_url(url)


def redis_client():
    """The shared client for REDIS_URL, or None in the embedded default (no Redis)."""
    return _client(settings.REDIS_URL) if settings.REDIS_URL else None


def key_prefix() -> str:
    return settings.CACHES["default"].get("KEY_PREFIX") or "mrict"
