"""Dashboard answers from a cache (docs/analytics.md#dashboards).

The rollups change only when the rollup job (or a rebuild) commits, every few minutes,
so a dashboard answer is kept as its ready JSON bytes with their ETag under a version
token that the job replaces after each commit: a read after a rollup run never sees the
previous numbers. A hit is sent as it was stored (no JSON decoding, no renderer); a
caller that already holds it gets a 304. The token and the bodies live where the content
cache keeps its own (cms/content_cache/store.py: the one redis-py client with REDIS_URL;
otherwise bodies in local memory and tokens in the database, so the job worker's
replacement reaches every web process). Who may read a slice is decided before the cache
is asked (the view's scope check), and the slice is part of the key.
CONTENT_CACHE_SECONDS=0 turns it off with the content cache.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from rest_framework.renderers import JSONRenderer

from cms.content_cache import http, pack, store, unpack, versioned_entry

SCOPE = "analytics-rollups"
_RENDERER = JSONRenderer()  # what a DRF Response would send: a hit and a miss are the same bytes


def rollups_changed() -> None:
    """The rollups were rewritten: every cached answer is dead once this commits (after
    commit: a read between the bump and the commit would cache the old numbers under
    the new token)."""
    transaction.on_commit(lambda: store.bump([SCOPE]))


def dashboard_response(request, key: tuple, body: Callable[[], dict]):
    """The answer for `key` (metric, range, granularity, slice, today): from the cache,
    or `body()` rendered and stored on a miss."""
    name = "dashboard-body:" + ":".join("" if part is None else str(part) for part in key)
    raw = versioned_entry(name, [SCOPE], lambda: pack(_RENDERER.render(body())))
    etag, _, rendered = unpack(raw)
    return http.json_response(request, rendered, etag=etag)
