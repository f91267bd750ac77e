"""The content cache's `reindex_all` step (site_config/reindex.py, REINDEX_STEPS)."""

from collections.abc import Callable

from . import handlers, store


def rebuild(progress: Callable[[int, int], None]) -> int:
    """Retire every cached catalog, course and lesson response (new version tokens for
    the catalog and every course) and render each published course again. Safe while
    serving: a read between the bump and its course's warm-up renders and caches the
    fresh response itself, it never sees a stale one. Returns the responses rendered."""
    if not store.enabled():
        progress(0, 0)
        return 0
    from cms.models import CoursePage

    course_ids = list(CoursePage.objects.values_list("pk", flat=True))
    store.bump([store.CATALOG, *(store.course_scope(pk) for pk in course_ids)])
    total = handlers.visible_courses_count()
    done = 0

    def advance(course) -> None:
        nonlocal done
        done += 1
        progress(done, total)

    progress(0, total)
    return handlers.warm_all(progress=advance)


rebuild.label = "content cache"
