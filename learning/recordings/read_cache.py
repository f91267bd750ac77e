"""A learner's state-at-t and timeline reads without the access query on a repeat,
and the code at each snapshot rendered once (docs/recordings.md, "Reading fast").

Three things are cached, all in the content cache's store (cms/content_cache/store.py:
Redis with REDIS_URL, else bodies in local memory and tokens in the database), under
version tokens, never counters:

* `recording:<id>`: the recording's own token. Every write to the recording replaces
  it (`recording_changed`): a save or delete of the row from anywhere (the services,
  the Wagtail snippet, a cascade: a `post_save` / `post_delete` receiver) and every
  snapshot batch that inserted something (ingestion updates the row with `.update()`,
  so it calls `recording_changed` itself).
* **Who may watch** (`learner_may_watch`): "this recording is visible to learners" is
  the same answer for every learner (published, a published course and lesson: the
  rule of `selectors.recordings_visible_to`, which does not depend on the learner). It
  is kept, when it is yes, under the recording's token and the content cache's token of
  its course, and of its lesson's course if that is another one (`course:<id>`, bumped
  by `ContentPublished` / `ContentUnpublished`, which every publish, unpublish, expiry,
  move or delete of the course, its modules, its lessons or a page above announces:
  docs/content-cache.md "A hit needs no visibility query"). A pointer
  (`rec-scopes:<id>`) names those scopes, so a hit is one Redis round trip (a Lua
  script: the pointer, the tokens, the entry). A no is never stored: it is asked of the
  database every time (a 404 is not the hot path, and a yes can only come back by a
  change that bumps one of the tokens).
* **The code at a snapshot** (`rec-state1:<id>:<seq>:<token>`): the `seq`,
  `snapshot_t_ms`, `files` and `cursor` of the state answer as JSON bytes, rendered by
  the unchanged serializer once; snapshots are never updated, so the state at a seq
  never changes while the token lives. The time index that maps `t_ms` to the seq in
  force (the `t_ms` of every snapshot, in seq order: 8 bytes a snapshot) is kept per
  process for the last RECORDING_TIME_INDEX_KEPT (recording, token) pairs.

Tokens are read before anything they cover is read from the database, and every write
replaces the token after its commit (and, with Redis, also inside its transaction), so
an answer rendered from rows older than the token it is stored under is impossible: a
render racing a write lands under the old token and is never read again; a lost token
(eviction, flush) comes back as a new random one, which costs a render, never a stale
read.
"""

from __future__ import annotations

import bisect
import functools
import re
import threading
from array import array
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from rest_framework.renderers import JSONRenderer

from cms.content_cache import store
from site_config.redis import key_prefix, redis_client

from .selectors import recording_visible_to_learners

_RENDERER = JSONRenderer()
MAX_ID = 2**63 - 1
_T_MS = re.compile(r"^[0-9]{1,10}$")
VISIBLE = b"1"
UNCACHED = "-"  # the token when the cache is off (CONTENT_CACHE_SECONDS=0): nothing is kept


def recording_scope(recording_id: int) -> str:
    return f"recording:{recording_id}"


def _key(name: str) -> str:
    """The content cache's Redis key for `name` (store.py's layout)."""
    return f"{key_prefix()}:content:{name}"


# --- invalidation ---------------------------------------------------------------------------


def recording_changed(recording_id: int) -> None:
    """Every cached answer about this recording is out of date: a new token now (a read
    later in this transaction is fresh; without Redis the token row commits or rolls
    back with the change) and, with Redis, again after commit (a read that raced the
    transaction and rendered the old rows stored them under the first new token only)."""
    if not store.enabled():
        return
    scopes = [recording_scope(recording_id)]
    store.bump(scopes)
    if redis_client() is not None:
        transaction.on_commit(lambda: store.bump(scopes))


def on_recording_saved(sender, instance, **kwargs) -> None:
    recording_changed(instance.pk)


def on_recording_deleted(sender, instance, **kwargs) -> None:
    recording_changed(instance.pk)


# --- who may watch ----------------------------------------------------------------------------

# The pointer names the scopes; their tokens and the entry come in the same round trip.
# Returns {recording token, entry or false}, or false when the pointer or a token is
# missing (never creates anything).
_PEEK_VISIBLE = """
local pointer = redis.call('GET', KEYS[1])
if not pointer then return false end
local keys = {}
for scope in string.gmatch(pointer, '%S+') do keys[#keys + 1] = ARGV[1] .. scope end
local tokens = redis.call('MGET', unpack(keys))
for i = 1, #tokens do
  if not tokens[i] then return false end
end
return {tokens[1], redis.call('GET', ARGV[2] .. table.concat(tokens, ':'))}
"""


@functools.cache
def _peek_visible_script(client):
    return client.register_script(_PEEK_VISIBLE)


def _pointer_name(recording_id: int) -> str:
    return f"rec-scopes:{recording_id}"


def _visible_name(recording_id: int) -> str:
    return f"rec-visible1:{recording_id}"


def _peek_visible(recording_id: int) -> str | None:
    """The recording's token when the cache says learners may watch it, else None."""
    client = redis_client()
    if client is not None:
        found = _peek_visible_script(client)(
            keys=[_key(_pointer_name(recording_id))],
            args=[_key("v:"), _key(f"e:{_visible_name(recording_id)}:")],
        )
        if found and found[1] == VISIBLE:
            return found[0].decode()
        return None
    pointer = cache.get(f"content:{_pointer_name(recording_id)}")
    if pointer is None:
        return None
    from cms.models import ContentVersion

    scopes = pointer.split()
    tokens = dict(ContentVersion.objects.filter(scope__in=scopes).values_list("scope", "token"))
    if len(tokens) < len(scopes):
        return None
    if store.get(f"{_visible_name(recording_id)}:{':'.join(tokens[s] for s in scopes)}") != VISIBLE:
        return None
    return tokens[scopes[0]]


def learner_may_watch(recording_id: int) -> str | None:
    """Whether learners may watch the recording (the rule of
    `selectors.recordings_visible_to` for a learner), as the recording's current token,
    or None (no such recording, or hidden). A hit runs no SQL with Redis. A miss asks
    the database (two to three queries) and, when the answer is yes, stores it under
    tokens read before the rows they cover."""
    if not 0 < recording_id <= MAX_ID:
        return None
    if not store.enabled():
        return UNCACHED if recording_visible_to_learners(recording_id=recording_id) is not None else None
    token = _peek_visible(recording_id)
    if token is not None:
        return token
    from cms.models import LessonPage
    from cms.selectors import visible_course_id

    from .models import Recording

    row = Recording.objects.filter(pk=recording_id).values_list("course_id", "lesson_id").first()
    if row is None:
        return None  # no token is created for an id that names nothing
    course_id, lesson_id = row
    lesson_course_id = None
    if lesson_id is not None:
        lesson_course_id = visible_course_id(page_id=lesson_id, model=LessonPage)
        if lesson_course_id is None:
            return None
    course_ids = [course_id] + ([lesson_course_id] if lesson_course_id not in (None, course_id) else [])
    scopes = [recording_scope(recording_id)] + [store.course_scope(c) for c in course_ids]
    tokens = store.versions(scopes)  # before the rows they cover
    if recording_visible_to_learners(recording_id=recording_id) != (course_id, lesson_id):
        return None  # hidden, or its links changed since the first read: not stored
    if lesson_id is not None and visible_course_id(page_id=lesson_id, model=LessonPage) != lesson_course_id:
        return None  # its lesson moved meanwhile: answered from the database next time
    store.put(f"{_visible_name(recording_id)}:{':'.join(tokens)}", VISIBLE)
    _put_pointer(recording_id, " ".join(scopes))
    return tokens[0]


def _put_pointer(recording_id: int, scopes: str) -> None:
    """Only a hint for finding the entry: an entry names the tokens it was stored under,
    so one found through any pointer is valid while those tokens are current."""
    client = redis_client()
    if client is not None:
        client.set(_key(_pointer_name(recording_id)), scopes, ex=settings.CONTENT_CACHE_SECONDS)
        return
    cache.set(f"content:{_pointer_name(recording_id)}", scopes, settings.CONTENT_CACHE_SECONDS)


def recording_token(recording_id: int) -> str:
    """The recording's current token (created when missing), for callers that checked
    access another way (teachers, admins)."""
    if not store.enabled():
        return UNCACHED
    return store.versions([recording_scope(recording_id)])[0]


# --- the time index -----------------------------------------------------------------------------


class _TimeIndexes:
    """The `t_ms` of every snapshot of a recording, in seq order, per (recording, token),
    for the last few recordings read by this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[int, str], array] = OrderedDict()

    def get(self, recording_id: int, token: str) -> array:
        key = (recording_id, token)
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                return found
        found = _time_index_load(recording_id)
        with self._lock:
            self._kept[key] = found
            while len(self._kept) > settings.RECORDING_TIME_INDEX_KEPT:
                self._kept.popitem(last=False)
        return found

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


time_indexes = _TimeIndexes()


def _time_index_load(recording_id: int) -> array:
    """One query. Seqs run 0, 1, 2... with no gap (ingestion numbers them), so the list
    position is the seq; `t_ms` never decreases along it."""
    from .snapshot_models import Snapshot

    return array(
        "q",
        Snapshot.objects.filter(recording_id=recording_id).order_by("seq").values_list("t_ms", flat=True),
    )


def seq_in_force(index: array, t_ms: int) -> int | None:
    """The last snapshot at or before `t_ms` (the largest seq among equal times)."""
    position = bisect.bisect_right(index, t_ms)
    return position - 1 if position else None


# --- the answer -------------------------------------------------------------------------------


def t_ms_param(raw: str | None) -> int | None:
    """A plain `t_ms` (digits only, within range), or None for anything the query
    serializer must judge (and answer with its 400)."""
    if raw is None or not _T_MS.match(raw):
        return None
    value = int(raw)
    return value if value <= 2**31 - 1 else None


def state_body(*, recording_id: int, token: str, t_ms: int) -> bytes:
    """The state answer's JSON bytes: what StateSerializer renders (a test compares them
    byte for byte), the code at the snapshot in force taken from the cache."""
    head = b'{"recording_id":%d,"t_ms":%d,' % (recording_id, t_ms)
    if token == UNCACHED:  # the cache is off: one query from the time, nothing kept
        from .playback import state_at

        return head + _state_fragment(state_at(recording=recording_id, t_ms=t_ms))[1:]
    seq = seq_in_force(time_indexes.get(recording_id, token), t_ms)
    if seq is None:
        return head + b'"seq":null,"snapshot_t_ms":null,"files":{},"cursor":null}'
    name = f"rec-state1:{recording_id}:{seq}:{token}"
    fragment = store.get(name)
    if fragment is None:
        from .playback import state_at_seq

        fragment = _state_fragment(state_at_seq(recording_id=recording_id, seq=seq))
        store.put(name, fragment)
    return head + fragment[1:]


def _state_fragment(state) -> bytes:
    """`seq`, `snapshot_t_ms`, `files` and `cursor` of a playback.CodeState, rendered by
    the API's serializer and renderer (`recording_id` and `t_ms` are per request)."""
    from .api.timeline_serializers import StateSerializer

    data = StateSerializer(
        {
            "recording_id": 0,
            "t_ms": 0,
            "seq": state.seq,
            "snapshot_t_ms": state.snapshot_t_ms,
            "files": state.files,
            "cursor": state.cursor,
        }
    ).data
    return _RENDERER.render({k: v for k, v in data.items() if k not in ("recording_id", "t_ms")})


def subscribe() -> None:
    """Called from RecordingsConfig.ready(); idempotent (dispatch_uid)."""
    from django.db.models.signals import post_delete, post_save

    from .models import Recording

    post_save.connect(on_recording_saved, sender=Recording, dispatch_uid="recordings_read_cache_saved")
    post_delete.connect(on_recording_deleted, sender=Recording, dispatch_uid="recordings_read_cache_deleted")
