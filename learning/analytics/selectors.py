"""Reads the analytics pipeline shares: where a lesson (or quiz) sits in the course
tree. Both answer for a whole batch in one query."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Substr
from wagtail.models import Page

from cms.models import LessonPage
from cms.permissions import COURSE_DEPTH, LESSON_DEPTH, MODULE_DEPTH
from cms.selectors import with_live_ancestors

COURSE_PATH_LEN = COURSE_DEPTH * Page.steplen
MODULE_PATH_LEN = MODULE_DEPTH * Page.steplen
MAX_PAGE_ID = 2**31 - 1  # page ids are 32-bit integers; a larger id names no page


def _ancestor_id(length: int, depth: int) -> Subquery:
    return Subquery(
        Page.objects.filter(path=Substr(OuterRef("path"), 1, length), depth=depth).order_by().values("pk")[:1]
    )


def visible_lesson_contexts(lesson_ids: set[int]) -> dict[int, tuple[int, int]]:
    """For the given lesson ids, the ones a learner may see (published, with a published
    module, course and catalog: the catalog's rule) mapped to (module id, course id).
    One query, whatever the number of ids; ids that name no visible lesson are absent."""
    ids = sorted(i for i in lesson_ids if 0 < i <= MAX_PAGE_ID)
    if not ids:
        return {}
    rows = (
        with_live_ancestors(LessonPage.objects.live().filter(depth=LESSON_DEPTH, pk__in=ids), LESSON_DEPTH)
        .annotate(
            _module_id=_ancestor_id(MODULE_PATH_LEN, MODULE_DEPTH),
            _course_id=_ancestor_id(COURSE_PATH_LEN, COURSE_DEPTH),
        )
        .order_by()
        .values_list("id", "_module_id", "_course_id")
    )
    return {lesson_id: (module_id, course_id) for lesson_id, module_id, course_id in rows}


def page_contexts(page_ids: set[int]) -> dict[int, tuple[int | None, int | None]]:
    """For pages inside a course (lessons, quizzes: any depth below the course), their
    (module id, course id), published or not: a server event reports what happened, and
    the page may have been unpublished since. One query."""
    ids = sorted(i for i in page_ids if 0 < i <= MAX_PAGE_ID)
    if not ids:
        return {}
    rows = (
        Page.objects.filter(pk__in=ids, depth__gt=MODULE_DEPTH)
        .annotate(
            _module_id=_ancestor_id(MODULE_PATH_LEN, MODULE_DEPTH),
            _course_id=_ancestor_id(COURSE_PATH_LEN, COURSE_DEPTH),
        )
        .order_by()
        .values_list("id", "_module_id", "_course_id")
    )
    return {page_id: (module_id, course_id) for page_id, module_id, course_id in rows}
