"""Where the content cache keeps its version tokens and its rendered bodies.

Two backends behind one small interface, picked from the settings like every other
cache user here (site_config/redis.py):

* Redis (REDIS_URL): tokens and bodies in Redis through the one redis-py client of the
  process (Django's cache API builds a client per call, a measurable share of a request
  that should take a millisecond). A cache hit runs no SQL at all.
* Embedded default: bodies in Django's cache (local memory, per process), tokens in the
  database (`cms.ContentVersion`, one small indexed read per hit), because the job
  worker that runs scheduled publishing is another process and its bump must reach
  the web server's next read.

A token is a random string, never a counter: a token that is lost (evicted, flushed)
comes back as a new random one, which matches no old entry, so losing state can cost a
render but never serve stale content.
"""

from __future__ import annotations

import functools
import secrets

from django.conf import settings
from django.core.cache import cache

from site_config.redis import key_prefix, redis_client

CATALOG = "catalog"


def course_scope(course_id: int) -> str:
    return f"course:{course_id}"


def learner_scope(user_id: int) -> str:
    """One learner's own data (enrolments, lesson states, completions): the progress
    reads they get are cached under it (learning/progress/read_cache.py)."""
    return f"learner:{user_id}"


def new_token() -> str:
    return secrets.token_hex(8)


def enabled() -> bool:
    return settings.CONTENT_CACHE_SECONDS > 0


def _redis_key(name: str) -> str:
    return f"{key_prefix()}:content:{name}"


# --- version tokens ---------------------------------------------------------------------


def versions(scopes: list[str]) -> list[str]:
    """The current token of each scope (created when missing), in order."""
    client = redis_client()
    if client is not None:
        keys = [_redis_key(f"v:{scope}") for scope in scopes]
        values = client.mget(keys)
        if all(value is not None for value in values):
            return [value.decode() for value in values]
        for key, value in zip(keys, values, strict=True):
            if value is None:
                client.set(key, new_token(), nx=True)
        return [value.decode() for value in client.mget(keys)]
    from cms.models import ContentVersion

    found = dict(ContentVersion.objects.filter(scope__in=scopes).values_list("scope", "token"))
    missing = [scope for scope in scopes if scope not in found]
    if missing:  # two more queries, whatever their number
        ContentVersion.objects.bulk_create(
            [ContentVersion(scope=scope, token=new_token()) for scope in missing], ignore_conflicts=True
        )
        found |= dict(ContentVersion.objects.filter(scope__in=missing).values_list("scope", "token"))
    return [found[scope] for scope in scopes]


def bump(scopes: list[str]) -> None:
    """Give each scope a new token: every entry rendered under the old one is dead."""
    client = redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        for scope in scopes:
            pipe.set(_redis_key(f"v:{scope}"), new_token())
        pipe.execute()
        return
    from cms.models import ContentVersion

    # One upsert statement whatever the number of scopes (PostgreSQL and SQLite): a bump
    # inside a transaction commits, or rolls back, with the change it announces.
    ContentVersion.objects.bulk_create(
        [ContentVersion(scope=scope, token=new_token()) for scope in scopes],
        update_conflicts=True,
        unique_fields=["scope"],
        update_fields=["token"],
    )


# --- entries ------------------------------------------------------------------------------

# The tokens and the entry they name in one round trip (a hit is then one call).
_GET_VERSIONED = """
local tokens = redis.call('MGET', unpack(KEYS))
for i = 1, #tokens do
  if not tokens[i] then return {tokens, false} end
end
return {tokens, redis.call('GET', ARGV[1] .. table.concat(tokens, ':'))}
"""


@functools.cache
def _get_versioned_script(client):
    return client.register_script(_GET_VERSIONED)


def get_versioned(name: str, scopes: list[str]) -> tuple[list[str], bytes | None]:
    """The current tokens of `scopes` and the entry `name:<tokens>` (None on a miss)."""
    client = redis_client()
    if client is not None:
        found = _get_versioned_script(client)(
            keys=[_redis_key(f"v:{scope}") for scope in scopes], args=[_redis_key(f"e:{name}:")]
        )
        if len(found[0]) == len(scopes) and all(found[0]):
            return [token.decode() for token in found[0]], found[1]
    tokens = versions(scopes)
    return tokens, get(f"{name}:{':'.join(tokens)}")


# The entry under the current tokens, or nil when it or any token is missing: a read
# that never creates a token (peek).
_PEEK = """
local tokens = redis.call('MGET', unpack(KEYS))
for i = 1, #tokens do
  if not tokens[i] then return false end
end
return redis.call('GET', ARGV[1] .. table.concat(tokens, ':'))
"""


@functools.cache
def _peek_script(client):
    return client.register_script(_PEEK)


def peek(name: str, scopes: list[str]) -> bytes | None:
    """The entry `name` under the current tokens of `scopes`, or None; unlike
    get_versioned it never creates a missing token, so a request for an id that names
    nothing leaves no trace (no token key, no ContentVersion row)."""
    client = redis_client()
    if client is not None:
        return _peek_script(client)(
            keys=[_redis_key(f"v:{scope}") for scope in scopes], args=[_redis_key(f"e:{name}:")]
        )
    from cms.models import ContentVersion

    found = dict(ContentVersion.objects.filter(scope__in=scopes).values_list("scope", "token"))
    if len(found) < len(scopes):
        return None
    return get(f"{name}:{':'.join(found[scope] for scope in scopes)}")


# A lesson's entry through the pointer to its course: pointer, the course's token, the
# entry, in one round trip (nil when any is missing).
_PEEK_LESSON = """
local course = redis.call('GET', KEYS[1])
if not course then return false end
local token = redis.call('GET', ARGV[1] .. course)
if not token then return false end
return redis.call('GET', ARGV[2] .. token)
"""


@functools.cache
def _peek_lesson_script(client):
    return client.register_script(_PEEK_LESSON)


def _lesson_course_key(lesson_id: int) -> str:
    return f"lesson-course:{lesson_id}"


def put_lesson_course(lesson_id: int, course_id: int) -> None:
    """Which course a lesson was last rendered in (content_cache.lesson_entry). Only a
    hint for finding the entry: an entry found through a stale pointer is still valid
    (see lesson_entry), so the pointer needs no invalidation."""
    client = redis_client()
    if client is not None:
        client.set(_redis_key(_lesson_course_key(lesson_id)), course_id, ex=settings.CONTENT_CACHE_SECONDS)
        return
    cache.set(f"content:{_lesson_course_key(lesson_id)}", course_id, settings.CONTENT_CACHE_SECONDS)


def peek_lesson(lesson_id: int) -> bytes | None:
    """The lesson's entry under its (pointed-to) course's current token, or None. Never
    creates a token."""
    client = redis_client()
    if client is not None:
        return _peek_lesson_script(client)(
            keys=[_redis_key(_lesson_course_key(lesson_id))],
            args=[_redis_key("v:course:"), _redis_key(f"e:lesson:{lesson_id}:")],
        )
    course_id = cache.get(f"content:{_lesson_course_key(lesson_id)}")
    if course_id is None:
        return None
    return peek(f"lesson:{lesson_id}", [course_scope(course_id)])


def get(name: str) -> bytes | None:
    client = redis_client()
    if client is not None:
        return client.get(_redis_key(f"e:{name}"))
    return cache.get(f"content:e:{name}")


def get_many(names: list[str]) -> dict[str, bytes]:
    if not names:
        return {}
    client = redis_client()
    if client is not None:
        values = client.mget([_redis_key(f"e:{name}") for name in names])
        return {name: value for name, value in zip(names, values, strict=True) if value is not None}
    found = cache.get_many([f"content:e:{name}" for name in names])
    return {name: found[f"content:e:{name}"] for name in names if f"content:e:{name}" in found}


def put(name: str, value: bytes) -> None:
    """Entries expire after CONTENT_CACHE_SECONDS: old versions' entries are never read
    again and simply age out (nothing scans or deletes by pattern)."""
    client = redis_client()
    if client is not None:
        client.set(_redis_key(f"e:{name}"), value, ex=settings.CONTENT_CACHE_SECONDS)
        return
    cache.set(f"content:e:{name}", value, settings.CONTENT_CACHE_SECONDS)


# --- base URLs the catalog was asked on -----------------------------------------------------

BASE_URLS_KEPT = 5


def remember_base_url(base_url: str) -> None:
    """Catalog pages hold absolute links, so they are rendered per scheme and host; the
    warm-up job renders the catalog for the few the cache last rendered it for."""
    client = redis_client()
    if client is not None:
        key = _redis_key("base-urls")
        pipe = client.pipeline(transaction=False)
        pipe.lrem(key, 0, base_url)
        pipe.lpush(key, base_url)
        pipe.ltrim(key, 0, BASE_URLS_KEPT - 1)
        pipe.execute()
        return
    known = [url for url in cache.get("content:base-urls", []) if url != base_url]
    cache.set("content:base-urls", [base_url, *known][:BASE_URLS_KEPT], None)


def base_urls() -> list[str]:
    client = redis_client()
    if client is not None:
        return [url.decode() for url in client.lrange(_redis_key("base-urls"), 0, -1)]
    return list(cache.get("content:base-urls", []))
