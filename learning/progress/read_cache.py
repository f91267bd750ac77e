"""A learner's own progress reads (my courses, resume, course progress) answered from
the cache on a repeat, without PostgreSQL.

Each answer is rendered by the unchanged selectors and views once and kept as ready
JSON bytes with its ETag, in the content cache's store (cms/content_cache/store.py:
Redis with REDIS_URL, else bodies in local memory and tokens in the database), under
version tokens:

* `learner:<user id>`: the learner's own data. Every write that changes what these
  reads say about a learner replaces it (`learner_changed`): event ingestion (lesson
  states, last activity, course completion), enrolment and unenrolment, and the account's
  deletion. Nothing else writes those rows (docs/content-cache.md
  "Per-learner reads from the cache" lists the paths and how each is tested).
* the content: resume and course progress carry their course's token (`course:<id>`),
  my courses the catalog's (any course's title, outline or visibility may be on the
  page, and every publish, unpublish, move or delete of any course replaces it). The
  content cache's event handler bumps them (cms/content_cache/handlers.py).

Tokens are random, never counters, and read before rendering: a render racing a write
lands under the old token and is never served; a lost token (eviction, Redis flush)
comes back as a new one that names nothing, so losing state costs a render, never a
stale read. Keys carry the user's id: one learner's entry is never another's.

Who may read is checked on every request (the views' permission classes run first). A
course read's hit needs no visibility query, for the reason a course detail hit needs
none (docs/content-cache.md "A hit needs no visibility query"): an entry under the
course's current token was rendered, through the visibility check, after that token was
made, and every change that hides the course replaces it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import Http404

from cms.content_cache import http, pack, store, unpack, versioned_entry

MAX_PAGE_ID = 2**31 - 1
# Only these query parameters are cached (my courses' links repeat every other one, so
# each extra parameter would be a new entry); a query with others is answered uncached.
MY_COURSES_PARAMS = frozenset({"page", "page_size"})
MAX_QUERY_LENGTH = 64


def learner_changed(user_id: int) -> None:
    """The learner's progress reads are out of date: give them a new token now (a read
    later in this transaction is fresh; without Redis the token row commits or rolls
    back with the change) and, with Redis, again after commit (a read that raced the
    transaction and rendered the old rows stored them under the first new token)."""
    if not store.enabled():
        return
    scopes = [store.learner_scope(user_id)]
    store.bump(scopes)
    if store.redis_client() is not None:
        transaction.on_commit(lambda: store.bump(scopes))


def my_courses_response(request, render: Callable[[], bytes]):
    """My courses for this request's page: from the cache under the learner's and the
    catalog's tokens, or rendered by `render()` (whose errors, e.g. an invalid page,
    propagate and are never stored)."""
    query = request.META.get("QUERY_STRING", "")
    if (
        not store.enabled()
        or len(query) > MAX_QUERY_LENGTH
        or not set(request.GET).issubset(MY_COURSES_PARAMS)
    ):
        return http.json_response(request, render())
    # The page's links are absolute: scheme, host and query are part of the key.
    where = http.etag_of(f"{request.scheme}://{request.get_host()}?{query}".encode())[1:17]
    user_id = request.user.pk
    raw = versioned_entry(
        f"me-courses1:{user_id}:{where}",
        [store.learner_scope(user_id), store.CATALOG],
        lambda: pack(render()),
    )
    etag, _, body = unpack(raw)
    return http.json_response(request, body, etag=etag)


def course_read_response(request, *, kind: str, course_id: int, render: Callable[[], bytes]):
    """A learner's read of one course (`kind`: resume, progress). A hit runs no query. A
    miss asks whether the course is visible first (an id naming nothing leaves no
    token behind), then reads the tokens and renders; `render()` must check visibility
    itself (after the tokens were read, so an unpublish in between is not stored under
    the new token)."""
    from cms.models import CoursePage
    from cms.selectors import visible_course_id

    if not store.enabled():
        return http.json_response(request, render())
    user_id = request.user.pk
    name = f"{kind}1:{user_id}:{course_id}"
    scopes = [store.learner_scope(user_id), store.course_scope(course_id)]
    raw = store.peek(name, scopes) if 0 < course_id <= MAX_PAGE_ID else None
    if raw is None:
        if visible_course_id(page_id=course_id, model=CoursePage) is None:
            raise Http404("No such course.")
        raw = versioned_entry(name, scopes, lambda: pack(render()))
    etag, _, body = unpack(raw)
    return http.json_response(request, body, etag=etag)


def on_user_deleted(sender, instance, **kwargs) -> None:
    """Deleting an account deletes its enrolments and progress (cascade). Its requests
    are refused from then on anyway (no user behind the token); the new token also
    keeps a database that reuses deleted rows' ids from serving the old entries to a
    new account."""
    learner_changed(instance.pk)


def subscribe() -> None:
    """Called from ProgressConfig.ready(); idempotent (dispatch_uid)."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete

    post_delete.connect(
        on_user_deleted, sender=get_user_model(), dispatch_uid="progress_read_cache_user_deleted"
    )
