"""Dashboard series answered from a cache (docs/analytics.md#dashboards).

The rollups change only when the rollup job (or a rebuild) commits, every few minutes,
so a series is cached as its JSON under a version token that the job replaces after
each commit: a read after a rollup run never sees the previous numbers. The token and
the bodies live where the content cache keeps its own (cms/content_cache/store.py: the
one redis-py client with REDIS_URL; otherwise bodies in local memory and tokens in the
database, so the job worker's replacement reaches every web process). Who may read a
slice is decided before the cache is asked (the view's scope check), and the slice is
part of the key. CONTENT_CACHE_SECONDS=0 turns it off with the content cache.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.db import transaction
from rest_framework.utils.encoders import JSONEncoder

from cms.content_cache import store

SCOPE = "analytics-rollups"


def rollups_changed() -> None:
    """The rollups were rewritten: every cached series is dead once this commits (after
    commit: a read between the bump and the commit would cache the old numbers under
    the new token)."""
    transaction.on_commit(lambda: store.bump([SCOPE]))


def series_cached(key: tuple, compute: Callable[[], list[dict]]) -> list:
    """The series for `key` (metric, range, granularity, slice, today), computed on a
    miss. Cached as JSON with DRF's encoder, so a hit renders exactly as a miss does."""
    if not store.enabled():
        return compute()
    name = "dashboard:" + ":".join("" if part is None else str(part) for part in key)
    tokens, found = store.get_versioned(name, [SCOPE])
    if found is not None:
        return json.loads(found)
    body = json.dumps(compute(), cls=JSONEncoder, separators=(",", ":")).encode()
    store.put(f"{name}:{':'.join(tokens)}", body)
    return json.loads(body)
