"""The content cache: learner reads of published content rendered once per publish.

The catalog (per normalised query), a course with its outline and a lesson are the
same for every learner until an author publishes again. Each is rendered by the
existing selectors and serializers once, kept as ready JSON bytes (with their ETag)
and served without touching the renderer. Keys carry version tokens: one per course
and one for the catalog. `ContentPublished` / `ContentUnpublished` on the event bus
bump them (handlers.py); nothing is scanned or deleted by pattern, old entries age out.

What is never in a shared body: anything of one learner. The bodies hold no enrolment
or progress (those come from the progress endpoints); the one per-caller piece of a
lesson, the token in its attachment links, is a marker in the cached body replaced by
the caller's token on every request. Only visible content is ever rendered: the render
goes through the learner selectors (404 for drafts and unpublished pages), and previews
never pass through here.

Who may read is checked on every request, hit or not: the view's permission classes
(signed in; lessons: verified email). That the content is still visible is proven on a
hit by the entry itself (it exists under the current version token only if nothing hid
the content since it was rendered) and checked by one query on a miss
(`cms.selectors.visible_course_id`). Docs: docs/content-cache.md.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from rest_framework.renderers import JSONRenderer

from . import http, renders, store
from .store import CATALOG, course_scope

__all__ = [
    "catalog_entry",
    "catalog_query",
    "catalog_response",
    "course_entry",
    "course_response",
    "lesson_entry",
    "lesson_response",
    "outline_rows",
    "pack",
    "unpack",
    "versioned_entry",
]

_RENDERER = JSONRenderer()
_NO_MARK = b"-"
MAX_PAGE_ID = 2**31 - 1  # page ids are 32-bit integers


def _pack(body: bytes, mark: bytes = _NO_MARK) -> bytes:
    return http.etag_of(body).encode() + b"\n" + mark + b"\n" + body


def _unpack(raw: bytes) -> tuple[str, bytes, bytes]:
    etag, mark, body = raw.split(b"\n", 2)
    return etag.decode(), mark, body


def _entry(
    name: str, scopes: list[str], render: Callable[[], bytes], keep: Callable[[], bool] | None = None
) -> bytes:
    """The packed entry `name` under the current versions of `scopes`, rendered and
    stored on a miss. The versions are read before rendering: if a publish lands while
    we render, the entry goes under the old token and is never read again. `keep()`,
    asked after rendering, can refuse to store it."""
    if not store.enabled():
        return render()
    tokens, raw = store.get_versioned(name, scopes)
    if raw is None:
        raw = render()
        if keep is None or keep():
            store.put(f"{name}:{':'.join(tokens)}", raw)
    return raw


# Other apps' cached reads (learning/progress/read_cache.py) pack and store their own
# entries the same way.
pack, unpack, versioned_entry = _pack, _unpack, _entry


# --- catalog ------------------------------------------------------------------------------

CATALOG_PARAMS = ("level", "page", "page_size", "search", "tag")
_PAGE = re.compile(r"^[1-9][0-9]{0,5}$")
_SIZE = re.compile(r"^[0-9]{1,4}$")


def catalog_query(params) -> str | None:
    """The canonical form of a catalog query string: known parameters only (the view
    ignores the others), the value the view would use (the last), normalised (search
    trimmed, spaces collapsed, lower case; defaults dropped), sorted. None when the
    query is one the view answers with an error (bad level, page or page size): those
    are never cached."""
    from cms.models import CourseLevel

    values = {}
    for key in CATALOG_PARAMS:
        value = params.get(key)
        if value is None or value == "":
            continue
        if key == "search":
            value = " ".join(value.split())[:100].lower()
        elif key == "level":
            if value not in CourseLevel.values:
                return None
        elif key == "tag":
            if len(value) > 100:
                return None
        elif key == "page":
            if not _PAGE.match(value):
                return None
            if value == "1":
                continue
        elif key == "page_size":
            if not _SIZE.match(value) or int(value) == 0:
                return None
            value = str(min(int(value), settings.API_MAX_PAGE_SIZE))
            if int(value) == settings.REST_FRAMEWORK["PAGE_SIZE"]:
                continue
        if value:
            values[key] = value
    return urlencode(sorted(values.items()))


def catalog_entry_name(base_url: str, canonical: str) -> str:
    """The links in a catalog page are absolute, so the host is part of the key."""
    return f"catalog:{http.etag_of(f'{base_url}?{canonical}'.encode())[1:-1]}"


def catalog_entry(base_url: str, canonical: str) -> bytes:
    def render_entry() -> bytes:
        store.remember_base_url(base_url)  # for the warm-up job (handlers.py)
        return _pack(_RENDERER.render(renders.catalog_data(base_url, canonical)))

    return _entry(catalog_entry_name(base_url, canonical), [CATALOG], render_entry)


def catalog_response(request):
    """The catalog page for this request. Its links are built from the canonical query,
    so every spelling of one query gets the same bytes. Errors (400, 404 past the last
    page) are never cached: a query the view refuses is rendered uncached."""
    base_url = f"{request.scheme}://{request.get_host()}"
    canonical = catalog_query(request.query_params)
    if canonical is None:
        body = _RENDERER.render(renders.catalog_data(base_url, request.META.get("QUERY_STRING", "")))
        return http.json_response(request, body, cache_control=http.catalog_cache_control())
    etag, _, body = _unpack(catalog_entry(base_url, canonical))
    return http.json_response(request, body, etag=etag, cache_control=http.catalog_cache_control())


# --- course and lesson ----------------------------------------------------------------------


def course_entry(course_id: int) -> bytes:
    return _entry(
        f"course:{course_id}",
        [course_scope(course_id)],
        lambda: _pack(_RENDERER.render(renders.course_data(course_id))),
    )


def course_response(request, *, course_id: int):
    """A course with its outline.

    A hit runs no query: an entry under the course's current token was rendered, by the
    learner selectors, after that token was made, so the course was visible then; and
    every change that can hide it since (unpublish, expiry, delete or move of the course
    or of a page above it) replaces the token before the changing request answers (the
    events, cms/events.py; docs/content-cache.md "A hit needs no visibility query"). A
    miss checks visibility first (one query), so an id that names no visible course is
    a 404 that leaves no token behind."""
    from cms.models import CoursePage
    from cms.selectors import visible_course_id

    raw = None
    if store.enabled() and 0 < course_id <= MAX_PAGE_ID:
        raw = store.peek(f"course:{course_id}", [course_scope(course_id)])
    if raw is None:
        if visible_course_id(page_id=course_id, model=CoursePage) is None:
            raise Http404("No such course.")
        raw = course_entry(course_id)
    etag, _, body = _unpack(raw)
    return http.json_response(request, body, etag=etag)


_MARK = re.compile(rb"__mrictdoc_([0-9a-f]{16})_([0-9]+)__")


def lesson_entry(lesson_id: int, course_id: int) -> bytes:
    """The lesson rendered with a marker in place of each attachment link's token (the
    nonce makes it unguessable, so an author cannot forge one in the text)."""

    def render_entry() -> bytes:
        nonce = secrets.token_hex(8)
        marked = []

        def marker(document) -> str:
            marked.append(document.pk)
            return f"{document.url}?__mrictdoc_{nonce}_{document.pk}__"

        body = _RENDERER.render(renders.lesson_data(lesson_id, document_url=marker))
        return _pack(body, nonce.encode() if marked else _NO_MARK)

    def still_in_course() -> bool:
        """Stored under the course's token only if, after the render, the lesson is
        still visible in that course (asked again: it may have moved to another course
        between the caller's check and our reading the token). Then every change that
        hides it or takes it out of the course later bumps that token, so the entry is
        valid for as long as the token is current, whatever course the pointer names."""
        from cms.models import LessonPage
        from cms.selectors import visible_course_id

        if visible_course_id(page_id=lesson_id, model=LessonPage) != course_id:
            return False
        store.put_lesson_course(lesson_id, course_id)
        return True

    return _entry(f"lesson:{lesson_id}", [course_scope(course_id)], render_entry, keep=still_in_course)


def lesson_response(request, *, lesson_id: int):
    """A lesson; the caller's token goes into its attachment links, per request.

    A hit runs no query, as for a course (course_response): the lesson's course comes
    from a pointer kept beside the entries, and an entry under that course's current
    token exists only if the lesson was visible in it when rendered and nothing hid it
    or moved it out since (each of those bumps the course). A miss checks visibility
    first (one query) and once more after rendering (lesson_entry)."""
    from cms.documents import document_token_query
    from cms.models import LessonPage
    from cms.selectors import visible_course_id

    raw = None
    if store.enabled() and 0 < lesson_id <= MAX_PAGE_ID:
        raw = store.peek_lesson(lesson_id)
    if raw is None:
        course_id = visible_course_id(page_id=lesson_id, model=LessonPage)
        if course_id is None:
            raise Http404("No such lesson.")
        raw = lesson_entry(lesson_id, course_id)
        if store.enabled():  # the entry was there but not its pointer (evicted, older code)
            store.put_lesson_course(lesson_id, course_id)
    etag, mark, body = _unpack(raw)
    if mark != _NO_MARK:
        user_id = request.user.pk

        def token(match) -> bytes:
            if match.group(1) != mark:
                return match.group(0)
            return document_token_query(int(match.group(2)), user_id).encode()

        body = _MARK.sub(token, body)
        etag = None  # this caller's bytes: json_response hashes them
    return http.json_response(request, body, etag=etag)


# --- shared pieces for other apps -------------------------------------------------------------


def outline_rows(courses, *, load: Callable[[list], dict]) -> dict[int, object]:
    """Per course, content-only data another app derives from the published outline
    (progress: the visible lessons and modules), cached under the course's version.
    `load(missing_courses)` computes it for the courses not in the cache, in one go,
    and must return {course_id: picklable value}."""
    import pickle

    courses = list(courses)
    if not courses:
        return {}
    if not store.enabled():
        return load(courses)
    # "outline1": the shape of the value; a change of shape takes a new name
    if len(courses) == 1:  # resume, course progress: one round trip with Redis
        (token,), raw = store.get_versioned(f"outline1:{courses[0].pk}", [course_scope(courses[0].pk)])
        names = {courses[0].pk: f"outline1:{courses[0].pk}:{token}"}
        found = {names[courses[0].pk]: raw} if raw is not None else {}
    else:
        tokens = store.versions([course_scope(course.pk) for course in courses])
        names = {
            course.pk: f"outline1:{course.pk}:{token}" for course, token in zip(courses, tokens, strict=True)
        }
        found = store.get_many(list(names.values()))
    result = {course_id: pickle.loads(found[name]) for course_id, name in names.items() if name in found}  # noqa: S301 - written below
    missing = [course for course in courses if course.pk not in result]
    if missing:
        loaded = load(missing)
        for course in missing:
            store.put(names[course.pk], pickle.dumps(loaded[course.pk], pickle.HIGHEST_PROTOCOL))
        result |= loaded
    return result
