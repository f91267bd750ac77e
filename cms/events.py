"""`ContentPublished` / `ContentUnpublished` for every way the content learners see
changes, whoever makes the change: our services (API), the Wagtail editor (publish,
workflow approval, unpublish, move, copy, delete, bulk actions), the `publish_scheduled`
command (go-live and expiry), and image or document edits. docs/content-events.md has
the table of triggers, payloads and subscribers.

Why signals, and not the services: the editor and the scheduled command change pages
through Wagtail's own actions, never through `cms.services`, and every one of those
actions (the services use the same ones) sends Wagtail's signals: `page_published`,
`page_unpublished`, `pre_page_move` / `post_page_move`, Django's `pre_delete` of the
page rows, and `post_save` / `pre_delete` of images and documents. Listening there
covers every path exactly once; the services never publish these events themselves.
The receivers only announce; they change nothing.

Granularity: one event per (course, kind of change) for a whole use case. Signals come
one per page (publishing a course with its modules and lessons sends one
`page_published` per page), so they are collected in a `content_changes()` scope and
published together when it ends: the services open one, and so does
`ContentChangesMiddleware` for every unsafe request (an editor action, an API write).
A signal outside any scope (a shell, a command) is published at once, one page per
event. Publishing goes through `bus.publish`, i.e. after commit: a use case that rolls
back emits nothing (a scope left by an exception drops what it collected).

Rules for `page_ids` (all of them pages that are, or were until this change, live):

* publish / go_live / copy / unpublish / expire: the pages whose own live state
  changed (unpublishing a module also hides its lessons from learners, because the
  learner selectors require live ancestors; subscribers that care walk the subtree);
* delete: every live page that was deleted (the subtree);
* move: the moved page and its live descendants; within one course a `ContentPublished`,
  across courses a `ContentUnpublished` for the old course and a `ContentPublished` for
  the new one;
* image / document: the live pages whose saved (published) content uses it, from
  Wagtail's reference index.

A page above the courses (the catalog page) is reported as a change of every course
below it, with that page's id in `page_ids`.
"""

from __future__ import annotations

import contextvars
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save, pre_delete
from django.utils import timezone
from wagtail.models import Page, ReferenceIndex
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move

from learning.events import ContentChange, ContentPublished, ContentUnpublished, bus

from .permissions import COURSE_DEPTH

EventType = type[ContentPublished] | type[ContentUnpublished]


class _Batch:
    """What one use case changed: page ids per (event type, course, change)."""

    def __init__(self) -> None:
        self.pages: dict[tuple[EventType, int, str], set[int]] = {}

    def add(self, event_type: EventType, change: ContentChange, by_course: dict[int, set[int]]) -> None:
        for course_id, page_ids in by_course.items():
            self.pages.setdefault((event_type, course_id, change.value), set()).update(page_ids)

    def merge(self, other: _Batch) -> None:
        for key, page_ids in other.pages.items():
            self.pages.setdefault(key, set()).update(page_ids)

    def publish(self) -> None:
        now = timezone.now()
        for (event_type, course_id, change), page_ids in self.pages.items():
            bus.publish(
                event_type(course_id=course_id, page_ids=sorted(page_ids), change=change, occurred_at=now)
            )
        self.pages.clear()


_current: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar("content_changes", default=None)


@contextmanager
def content_changes() -> Iterator[None]:
    """Collect the content events of everything inside into one per (course, change),
    published (after commit) when the outermost scope ends without an exception. A
    nested scope hands its events to the outer one; one left by an exception drops
    its own events (its transaction rolled back)."""
    batch = _Batch()
    token = _current.set(batch)
    try:
        yield
    finally:
        _current.reset(token)
    outer = _current.get()
    if outer is not None:
        outer.merge(batch)
    else:
        batch.publish()


def _announce(event_type: EventType, change: ContentChange, by_course: dict[int, set[int]]) -> None:
    if not by_course:
        return
    batch = _current.get()
    if batch is not None:
        batch.add(event_type, change, by_course)
    else:
        once = _Batch()
        once.add(event_type, change, by_course)
        once.publish()


class ContentChangesMiddleware:
    """One `content_changes()` scope per unsafe request (editor actions, API writes):
    unpublishing a module with its lessons in the editor, deleting a course or a bulk
    action sends one event per course, not one per page. The scope ends, and the
    events are delivered, before the response leaves."""

    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in self.SAFE_METHODS:
            return self.get_response(request)
        with content_changes():
            return self.get_response(request)


# --- pages to courses ----------------------------------------------------------------


def courses_of(rows: Iterable[tuple[int, str]]) -> dict[int, set[int]]:
    """`(page id, path)` rows → `{course id: page ids}`. A page inside a course belongs to
    its course (the ancestor at COURSE_DEPTH); a page above the courses to every course
    below it; a page in no course (another site's tree) to none. One query for the
    pages inside courses, one per page above them."""
    from .models import CoursePage

    cut = Page.steplen * COURSE_DEPTH
    inside: dict[str, set[int]] = defaultdict(set)
    above: list[tuple[int, str]] = []
    for page_id, path in rows:
        if len(path) >= cut:
            inside[path[:cut]].add(page_id)
        else:
            above.append((page_id, path))
    out: dict[int, set[int]] = defaultdict(set)
    if inside:
        for course_id, path in CoursePage.objects.filter(path__in=list(inside)).values_list("pk", "path"):
            out[course_id] |= inside[path]
    for page_id, path in above:
        below = CoursePage.objects.filter(path__startswith=path, depth=COURSE_DEPTH)
        for course_id in below.values_list("pk", flat=True):
            out[course_id].add(page_id)
    return dict(out)


def _live_subtree(path: str) -> list[tuple[int, str]]:
    return list(Page.objects.filter(path__startswith=path, live=True).values_list("pk", "path"))


# --- publish, go-live, copy, unpublish, expiry ------------------------------------------


def _published_change(instance: Page, revision) -> ContentChange:
    if revision is not None and revision.approved_go_live_at is not None:
        # publish_scheduled publishes the revision it found by approved_go_live_at; the
        # action clears the column in the database, not on this instance.
        return ContentChange.GO_LIVE
    if revision is not None and instance.last_published_at == revision.created_at:
        # CopyPageAction (keep live) stamps the copy's publication with the time of the
        # revision it makes; a real publish stamps the time of publishing, always later.
        return ContentChange.COPY
    return ContentChange.PUBLISH


def on_page_published(sender, instance: Page, revision=None, **kwargs) -> None:
    if not instance.live:
        return  # scheduled for a future go-live: learners see nothing new yet
    change = _published_change(instance, revision)
    _announce(ContentPublished, change, courses_of([(instance.pk, instance.path)]))


def on_page_unpublished(sender, instance: Page, **kwargs) -> None:
    if Page.objects.filter(pk=instance.pk, live=True).exists():
        # Not saved: Wagtail's own pre_delete receiver unpublishes a live page without
        # saving it (`commit=False`) just before deleting it.
        change = ContentChange.DELETE
    else:
        change = ContentChange.EXPIRE if instance.expired else ContentChange.UNPUBLISH
    _announce(ContentUnpublished, change, courses_of([(instance.pk, instance.path)]))


# --- delete ------------------------------------------------------------------------------


def on_page_deleted(sender, instance: Page, **kwargs) -> None:
    """Deleting a live page is announced by `on_page_unpublished`: Wagtail's pre_delete
    receiver (connected before ours) unpublishes each live page row of the subtree
    first. This one covers a live page that reaches us still live, should Wagtail stop
    doing that; today it finds `live` already false."""
    if instance.live:
        _announce(ContentUnpublished, ContentChange.DELETE, courses_of([(instance.pk, instance.path)]))


# --- move --------------------------------------------------------------------------------

_moves: contextvars.ContextVar[dict[int, dict[int, set[int]]] | None] = contextvars.ContextVar(
    "content_moves", default=None
)


def on_page_moving(sender, instance: Page, **kwargs) -> None:
    path = Page.objects.filter(pk=instance.pk).values_list("path", flat=True).first()
    pending = _moves.get()
    if pending is None:
        pending = {}
        _moves.set(pending)
    pending[instance.pk] = courses_of(_live_subtree(path)) if path else {}


def on_page_moved(sender, instance: Page, **kwargs) -> None:
    pending = _moves.get() or {}
    before = pending.pop(instance.pk, {})
    after = courses_of(_live_subtree(instance.path))
    for course_id, page_ids in before.items():
        if course_id not in after:
            _announce(ContentUnpublished, ContentChange.MOVE, {course_id: page_ids})
    for course_id, page_ids in after.items():
        _announce(ContentPublished, ContentChange.MOVE, {course_id: page_ids | before.get(course_id, set())})


# --- images and documents ----------------------------------------------------------------

# Saves Wagtail makes on its own while serving (a missing hash or size is filled in on
# first read): not a change learners see.
_BOOKKEEPING_FIELDS = frozenset({"file_hash", "file_size"})


def _pages_using(obj) -> dict[int, set[int]]:
    page_type = ContentType.objects.get_for_model(Page)
    ids = ReferenceIndex.get_references_to(obj).filter(base_content_type=page_type).values_list("object_id")
    page_ids = {int(pk) for (pk,) in ids}
    if not page_ids:
        return {}
    return courses_of(Page.objects.filter(pk__in=page_ids, live=True).values_list("pk", "path"))


def _media_receivers(change: ContentChange):
    def saved(sender, instance, created=False, update_fields=None, **kwargs) -> None:
        if created or (update_fields and set(update_fields) <= _BOOKKEEPING_FIELDS):
            return  # a new file is used by no page yet
        _announce(ContentPublished, change, _pages_using(instance))

    def deleted(sender, instance, **kwargs) -> None:
        _announce(ContentPublished, change, _pages_using(instance))

    return saved, deleted


def connect() -> None:
    """Called once from CmsConfig.ready()."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    uid = "cms.events"
    page_published.connect(on_page_published, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid=f"{uid}.unpublished")
    pre_page_move.connect(on_page_moving, dispatch_uid=f"{uid}.moving")
    post_page_move.connect(on_page_moved, dispatch_uid=f"{uid}.moved")
    # sender=Page: the base rows, once per page (the specific rows cascade with them).
    pre_delete.connect(on_page_deleted, sender=Page, dispatch_uid=f"{uid}.deleted")
    for model, change in (
        (get_image_model(), ContentChange.IMAGE),
        (get_document_model(), ContentChange.DOCUMENT),
    ):
        saved, deleted = _media_receivers(change)
        post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{uid}.{change.value}.saved")
        pre_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{uid}.{change.value}.deleted")
