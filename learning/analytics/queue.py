"""The write queue between the requests that make events and the job that stores them.

A request (or a server-event receiver) only appends validated rows here and asks for a
drain job; the drain job (tasks.drain -> services.events_drain) takes bounded chunks off
the queue and bulk-inserts them. Two backends, chosen by REDIS_URL:

- Redis: one list, `RPUSH` of the JSON rows (one element per event). The drain job
  holds a lock (SET NX EX) while it reads a chunk with `LRANGE`, inserts it and only then
  `LTRIM`s it off, and only while the lock is still its own: a drain that dies half-way
  leaves the chunk to the next one, which inserts it again harmlessly (inserts ignore
  known event ids).
- The embedded default (no Redis): one `IngestBatch` row per request holding its JSON
  list. The drain job reads batches, inserts their rows and deletes the batches in the
  same transaction (on PostgreSQL with SKIP LOCKED, so two drains never take the same).

Asking for a drain is debounced: `cache.add` (SET NX EX) of a flag for
ANALYTICS_DRAIN_DEBOUNCE_SECONDS enqueues at most one job per window. A job clears
the flag when it starts, so rows queued while it runs ask for the next job; the
minute schedule (setup_schedules) drains whatever a lost job left.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from site_config.redis import key_prefix, redis_client

from .models import IngestBatch

DRAIN_FLAG = "analytics:drain-pending"
LOCK_SECONDS = 300  # extended after each chunk while the drain holds it


def _list_key() -> str:
    return f"{key_prefix()}:analytics:queue"


def _lock_key() -> str:
    return f"{key_prefix()}:analytics:drain-lock"


def rows_push(rows: list[dict]) -> None:
    """Queue validated event rows (JSON-safe dicts) and ask for a drain job once the
    surrounding transaction commits (now, outside one)."""
    if not rows:
        return
    client = redis_client()
    if client is not None:
        client.rpush(_list_key(), *[json.dumps(row, separators=(",", ":")) for row in rows])
    else:
        IngestBatch.objects.create(rows=rows, count=len(rows), created_at=timezone.now())
    transaction.on_commit(drain_soon)


def drain_soon() -> None:
    """Enqueue the drain job unless one was asked for within the debounce window."""
    if cache.add(DRAIN_FLAG, 1, timeout=settings.ANALYTICS_DRAIN_DEBOUNCE_SECONDS):
        from django_q.tasks import async_task

        async_task("learning.analytics.tasks.drain", task_name="analytics-drain")


def drain_started() -> None:
    """A drain job is running: rows queued from now on ask for the next one."""
    cache.delete(DRAIN_FLAG)


def pending() -> int:
    """Rows (Redis) or batches (staging) waiting for a drain."""
    client = redis_client()
    if client is not None:
        return client.llen(_list_key())
    return IngestBatch.objects.count()


def drain(insert: Callable[[list[dict]], None], *, size: int, max_chunks: int) -> int:
    """Take up to `max_chunks` chunks of about `size` rows off the queue and call
    `insert(rows)` on each (in a transaction). A chunk leaves the queue only once
    `insert` returned: in the same transaction (staging), or right after it (Redis).
    Returns the number of rows handed to `insert`."""
    client = redis_client()
    if client is None:
        return _staging_drain(insert, size=size, max_chunks=max_chunks)
    token = uuid.uuid4().hex
    if not client.set(_lock_key(), token, nx=True, ex=LOCK_SECONDS):
        return 0  # another drain is running: it takes what is queued
    try:
        return _redis_drain(client, insert, token, size=size, max_chunks=max_chunks)
    finally:
        # release only our own lock (compare and delete in one step)
        client.eval(
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
            1,
            _lock_key(),
            token,
        )


# Trim a drained chunk off the list only while the lock is still ours, and extend the
# lock for the next chunk, in one step: a drain whose lock expired (a stall longer than
# LOCK_SECONDS) must not trim rows another drain has read and not inserted yet.
_TRIM_IF_OWNER = """
if redis.call('get', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('ltrim', KEYS[1], tonumber(ARGV[2]), -1)
redis.call('expire', KEYS[2], tonumber(ARGV[3]))
return 1
"""


def _redis_drain(client, insert, token: str, *, size: int, max_chunks: int) -> int:
    key, total = _list_key(), 0
    for _ in range(max_chunks):
        raw = client.lrange(key, 0, size - 1)
        if not raw:
            break
        with transaction.atomic():
            insert([json.loads(item) for item in raw])
        if not client.eval(_TRIM_IF_OWNER, 2, key, _lock_key(), token, len(raw), LOCK_SECONDS):
            break  # the lock went to another drain: it reads (and inserts again) this chunk
        total += len(raw)
    return total


def _staging_drain(insert, *, size: int, max_chunks: int) -> int:
    skip_locked = connection.features.has_select_for_update_skip_locked
    total = 0
    for _ in range(max_chunks):
        with transaction.atomic():
            batches = IngestBatch.objects.order_by("id")
            if skip_locked:
                batches = batches.select_for_update(skip_locked=True)
            taken, counted = [], 0
            for batch_id, count in batches.values_list("id", "count")[:size]:
                if taken and counted + count > size:
                    break
                taken.append(batch_id)
                counted += count
            if not taken:
                break
            rows = [
                row
                for batch_rows in IngestBatch.objects.filter(id__in=taken)
                .order_by("id")
                .values_list("rows", flat=True)
                for row in batch_rows
            ]
            insert(rows)
            IngestBatch.objects.filter(id__in=taken).delete()
        total += len(rows)
    return total
