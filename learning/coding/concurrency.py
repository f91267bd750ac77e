"""Admission control for code runs: at most N at once per user and M at once overall,
waiting a bounded time for a slot, then "busy" (the API answers 429 + Retry-After).

With Redis (REDIS_URL) the slots are shared by every web process and host: each
limit is a sorted set of leases scored by their expiry, taken and released with one
Lua script each, so a process that dies holding a lease frees it when the lease expires
(the job's hard deadline). Without Redis (the embedded default, one web process) the
same rule is kept with in-process counters.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time

from django.conf import settings

from site_config.redis import key_prefix, redis_client


class Busy(Exception):
    """No slot within the wait."""


_ACQUIRE = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now_ms)
  if redis.call('ZCARD', key) >= tonumber(ARGV[2 + i]) then
    return 0
  end
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now_ms + ttl, ARGV[2])
  redis.call('PEXPIRE', key, ttl + 1000)
end
return 1
"""
_RELEASE = """
for _, key in ipairs(KEYS) do
  redis.call('ZREM', key, ARGV[1])
end
return 1
"""


class RedisSlots:
    def __init__(self, client, prefix: str):
        self.client = client
        self.prefix = prefix
        self.script = self.client.register_script(_ACQUIRE)
        self.release_script = self.client.register_script(_RELEASE)

    def keys(self, user_key: str) -> list[str]:
        return [f"{self.prefix}:sandbox:slots:user:{user_key}", f"{self.prefix}:sandbox:slots:all"]

    def try_acquire(self, user_key: str, token: str, ttl_ms: int, limits: tuple[int, int]) -> bool:
        return bool(self.script(keys=self.keys(user_key), args=[ttl_ms, token, *limits]))

    def release(self, user_key: str, token: str) -> None:
        self.release_script(keys=self.keys(user_key), args=[token])


class LocalSlots:
    def __init__(self):
        self.lock = threading.Lock()
        self.per_user: dict[str, int] = {}
        self.total = 0

    def try_acquire(self, user_key: str, token: str, ttl_ms: int, limits: tuple[int, int]) -> bool:
        with self.lock:
            if self.per_user.get(user_key, 0) >= limits[0] or self.total >= limits[1]:
                return False
            self.per_user[user_key] = self.per_user.get(user_key, 0) + 1
            self.total += 1
            return True

    def release(self, user_key: str, token: str) -> None:
        with self.lock:
            left = self.per_user.get(user_key, 1) - 1
            if left <= 0:
                self.per_user.pop(user_key, None)
            else:
                self.per_user[user_key] = left
            self.total = max(0, self.total - 1)


# Waiters in this process wake as soon as a run here ends, instead of sleeping out
# their back-off (a slot freed by another process is seen at the next poll).
_released = threading.Condition()
_backends: dict[str, object] = {}
_backends_lock = threading.Lock()


def _slots():
    url = settings.REDIS_URL
    key = url or "local"
    with _backends_lock:
        backend = _backends.get(key)
        if backend is None:
            client = redis_client()
            backend = _backends[key] = RedisSlots(client, key_prefix()) if client else LocalSlots()
        return backend


@contextlib.contextmanager
def run_slot(*, user_key: str, ttl_ms: int, wait_s: float | None = None):
    """Hold one of the user's slots and one global slot for the duration of the block."""
    slots = _slots()
    limits = (settings.SANDBOX_MAX_CONCURRENT_PER_USER, settings.SANDBOX_MAX_CONCURRENT)
    token = secrets.token_hex(8)
    wait = settings.SANDBOX_QUEUE_WAIT_MS / 1000 if wait_s is None else wait_s
    deadline = time.monotonic() + wait
    pause = 0.002
    while not slots.try_acquire(user_key, token, ttl_ms, limits):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Busy
        with _released:
            _released.wait(min(pause, remaining))
        pause = min(pause * 1.5, 0.025)
    try:
        yield max(0.0, deadline - time.monotonic())
    finally:
        slots.release(user_key, token)
        with _released:
            _released.notify_all()
