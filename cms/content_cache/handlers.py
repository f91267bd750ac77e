"""The content cache's side of the event bus, and its warm-up.

`ContentPublished` / `ContentUnpublished` (learning/events) name the course whose
learner view changed. The handler runs in-process right after the publishing
transaction commits (so before the publishing request answers): it gives the course
and the catalog new version tokens, which is all invalidation takes, and queues the
warm-up job that renders the course again so the first learner after a publish does
not pay for it.
"""

from __future__ import annotations

import logging

from learning.events import ContentPublished, ContentUnpublished, DomainEvent, bus

from . import store

log = logging.getLogger("mrict.content_cache")


def on_content_changed(event: DomainEvent) -> None:
    _reindex_course(event.course_id)
    if not store.enabled():
        return
    store.bump([store.course_scope(event.course_id), store.CATALOG])
    from django_q.tasks import async_task

    async_task(
        "cms.content_cache.handlers.warm_course",
        event.course_id,
        task_name=f"content-cache-warm:{event.course_id}",
    )


def _reindex_course(course_id: int) -> None:
    """Catalog search reads Wagtail's search index. Wagtail indexes a page from its
    post_save signal, which fires before modelcluster commits the page's tags, so a
    publish that changes tags would be searchable by the old ones until the next save;
    indexing the course again here (after commit, before the bump) makes the next
    search see what was published."""
    from wagtail.search.index import insert_or_update_object

    from cms.models import CoursePage

    course = CoursePage.objects.filter(pk=course_id).first()
    if course is not None:
        insert_or_update_object(course)


def _bump_now_and_after_commit(scopes: list[str]) -> None:
    """Now (this transaction's own next read is fresh) and again after commit (a request
    that rendered the old rows in between put them under the first new token only)."""
    from django.db import transaction

    store.bump(scopes)
    transaction.on_commit(lambda: store.bump(scopes))


def course_owners_changed(course_id: int) -> None:
    """A course's owners (shown by name in the course detail) are not content: they
    change without a publish, so the owners services call this (the owners table is an
    auto-created m2m table, for which Django sends no save or delete signals)."""
    if store.enabled():
        _bump_now_and_after_commit([store.course_scope(course_id)])


def on_user_saved(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    """An owner's public name is in the course detail: a save that may change it bumps
    the courses they own (one query; saves of other fields, e.g. last_login, skip it)."""
    if created or not store.enabled():
        return
    if update_fields is not None and "display_name" not in update_fields:
        return
    from cms.models import CoursePage

    course_ids = CoursePage.owners.through.objects.filter(user_id=instance.pk).values_list(
        "coursepage_id", flat=True
    )
    scopes = [store.course_scope(course_id) for course_id in course_ids]
    if scopes:
        _bump_now_and_after_commit(scopes)


def subscribe() -> None:
    """Called from CmsConfig.ready(); idempotent (bus.subscribe, dispatch_uid)."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_save

    bus.subscribe(ContentPublished, on_content_changed)
    bus.subscribe(ContentUnpublished, on_content_changed)
    post_save.connect(on_user_saved, sender=get_user_model(), dispatch_uid="content_cache_user_saved")


def warm_course(course_id: int) -> int:
    """The job: render the course with its outline, each of its visible lessons and the
    catalog's first page (for each base URL the catalog was last served on) into the
    cache. Returns how many responses it rendered or found warm. A course that is no
    longer visible only warms the catalog."""
    from django.http import Http404

    import cms.content_cache as content_cache
    from cms.models import CoursePage
    from cms.selectors import published_lessons_of_course, visible_course_id

    if not store.enabled():
        return 0
    count = 0
    for base_url in store.base_urls():
        try:
            content_cache.catalog_entry(base_url, "")
            count += 1
        except Exception:  # a host no longer allowed, say: never fail the warm-up for it
            log.warning("catalog warm-up failed", extra={"base_url": base_url}, exc_info=True)
    if visible_course_id(page_id=course_id, model=CoursePage) is None:
        return count
    try:
        content_cache.course_entry(course_id)
        count += 1
        course = CoursePage.objects.get(pk=course_id)
        for lesson_id in published_lessons_of_course(course).values_list("pk", flat=True):
            content_cache.lesson_entry(lesson_id, course_id)
            count += 1
    except Http404:  # unpublished while we were warming: the next read renders (and 404s)
        pass
    return count


def warm_all(*, progress=None) -> int:
    """Every published course (the `warm_content_cache` command); `progress(course)` is
    called after each."""
    from cms.selectors import course_list_for_user

    count = 0
    for course in course_list_for_user(user=None).only("pk", "title"):
        count += warm_course(course.pk)
        if progress is not None:
            progress(course)
    return count


def visible_courses_count() -> int:
    from cms.selectors import course_list_for_user

    return course_list_for_user(user=None).count()
