"""Admission control for code runs: at most N at once per user and M at once overall,
waiting a bounded time for a slot, then "busy" (the API answers 429 + Retry-After).

Fair sharing: a user's first slot needs only a free global slot; a further one is
taken only while SANDBOX_RESERVED_SLOTS global slots stay free after it. So accounts
that saturate their own slots never take the last ones, and an account that holds none
finds a slot at once (two users at their per-user cap leave room for a third).

Crash backoff: an account whose runs keep costing the pool its worker (a V8 crash, a
kill at the deadline, an isolate that would not stop) is slowed down, then refused:
see `crash_gate` and the SANDBOX_CRASH_* settings.

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


class CrashLimited(Exception):
    """The account's runs killed too many workers lately: refused for `retry_after` s."""

    def __init__(self, retry_after: float):
        super().__init__(f"too many sandbox crashes; retry after {retry_after:.1f} s")
        self.retry_after = retry_after


# KEYS: the user's leases, all leases. ARGV: ttl_ms, token, per-user limit, global
# limit, reserved slots.
_ACQUIRE = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local ttl = tonumber(ARGV[1])
local held = {}
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now_ms)
  held[i] = redis.call('ZCARD', key)
  if held[i] >= tonumber(ARGV[2 + i]) then
    return 0
  end
end
if held[1] > 0 and tonumber(ARGV[4]) - held[2] - 1 < tonumber(ARGV[5]) then
  return 0
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

    def try_acquire(self, user_key: str, token: str, ttl_ms: int, limits: tuple[int, int, int]) -> bool:
        """limits: (per user, global, reserved for accounts holding none)."""
        return bool(self.script(keys=self.keys(user_key), args=[ttl_ms, token, *limits]))

    def release(self, user_key: str, token: str) -> None:
        self.release_script(keys=self.keys(user_key), args=[token])


class LocalSlots:
    def __init__(self):
        self.lock = threading.Lock()
        self.per_user: dict[str, int] = {}
        self.total = 0

    def try_acquire(self, user_key: str, token: str, ttl_ms: int, limits: tuple[int, int, int]) -> bool:
        with self.lock:
            held = self.per_user.get(user_key, 0)
            if held >= limits[0] or self.total >= limits[1]:
                return False
            if held and limits[1] - self.total - 1 < limits[2]:
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
_backends: dict[tuple[str, str], object] = {}
_backends_lock = threading.Lock()


def _backend(kind: str, redis_cls, local_cls):
    """The process's `kind` store: in Redis with REDIS_URL (shared by every process and
    host), else in this process; one per REDIS_URL, so tests that switch it get theirs."""
    key = (kind, settings.REDIS_URL or "local")
    with _backends_lock:
        backend = _backends.get(key)
        if backend is None:
            client = redis_client()
            backend = _backends[key] = redis_cls(client, key_prefix()) if client else local_cls()
        return backend


def _slots():
    return _backend("slots", RedisSlots, LocalSlots)


@contextlib.contextmanager
def run_slot(*, user_key: str, ttl_ms: int, wait_s: float | None = None):
    """Hold one of the user's slots and one global slot for the duration of the block."""
    slots = _slots()
    limits = (
        settings.SANDBOX_MAX_CONCURRENT_PER_USER,
        settings.SANDBOX_MAX_CONCURRENT,
        settings.SANDBOX_RESERVED_SLOTS,
    )
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


# --- crash backoff ------------------------------------------------------------------


class RedisCrashes:
    """Each account's recent worker-killing runs: a sorted set of timestamps (ms)."""

    def __init__(self, client, prefix: str):
        self.client = client
        self.prefix = prefix

    def key(self, user_key: str) -> str:
        return f"{self.prefix}:sandbox:crashes:{user_key}"

    def record(self, user_key: str, now: float, window_s: int) -> None:
        key = self.key(user_key)
        pipe = self.client.pipeline(transaction=False)
        pipe.zremrangebyscore(key, "-inf", (now - window_s) * 1000)
        pipe.zadd(key, {secrets.token_hex(6): now * 1000})
        pipe.expire(key, window_s + 1)
        pipe.execute()

    def recent(self, user_key: str, now: float, window_s: int) -> list[float]:
        rows = self.client.zrangebyscore(self.key(user_key), (now - window_s) * 1000, "+inf", withscores=True)
        return sorted(score / 1000 for _, score in rows)


class LocalCrashes:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}

    def record(self, user_key: str, now: float, window_s: int) -> None:
        with self.lock:
            kept = [t for t in self.times.get(user_key, []) if t > now - window_s]
            self.times[user_key] = [*kept, now]

    def recent(self, user_key: str, now: float, window_s: int) -> list[float]:
        with self.lock:
            kept = [t for t in self.times.get(user_key, []) if t > now - window_s]
            if kept:
                self.times[user_key] = kept
            else:
                self.times.pop(user_key, None)
            return kept


def _crashes():
    return _backend("crashes", RedisCrashes, LocalCrashes)


def crash_record(*, user_key: str) -> None:
    """One of the account's runs cost the pool its worker."""
    _crashes().record(user_key, time.time(), settings.SANDBOX_CRASH_WINDOW_S)


def crash_delay_s(*, user_key: str) -> float:
    """How long the account's next run must wait, or CrashLimited.

    Within the window: SANDBOX_CRASH_FREE crashes cost nothing; each further one makes
    the next run start no earlier than the last crash + SANDBOX_CRASH_BACKOFF_MS x 2^k
    (capped at SANDBOX_CRASH_BACKOFF_MAX_MS); SANDBOX_CRASH_LIMIT of them refuse the
    account's runs until the oldest leave the window."""
    window = settings.SANDBOX_CRASH_WINDOW_S
    now = time.time()
    recent = _crashes().recent(user_key, now, window)
    over = len(recent) - settings.SANDBOX_CRASH_FREE
    if over <= 0:
        return 0.0
    limit = settings.SANDBOX_CRASH_LIMIT
    if limit and len(recent) >= limit:
        # below the limit again once the (n - limit + 1)-th oldest has left the window
        raise CrashLimited(max(0.001, recent[len(recent) - limit] + window - now))
    backoff = min(settings.SANDBOX_CRASH_BACKOFF_MS * 2 ** (over - 1), settings.SANDBOX_CRASH_BACKOFF_MAX_MS)
    return max(0.0, recent[-1] + backoff / 1000 - now)


def crash_gate(*, user_key: str) -> None:
    """Slow down, then refuse, an account whose runs keep killing workers. The wait
    happens before admission: a slowed account holds no run slot meanwhile."""
    delay = crash_delay_s(user_key=user_key)
    if delay > 0:
        time.sleep(delay)
