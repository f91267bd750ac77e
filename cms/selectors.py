"""Read queries over the content tree, shared by the learner API, the authoring API,
the Wagtail API v2 endpoint and other apps (progress, coding).

Learner visibility is one rule, applied here and nowhere else: a page is visible when
it is live AND every ancestor between the catalog and it is live too. Unpublishing a
course (or a module) therefore hides everything below it at once, even if the
children themselves are still marked live. Getters raise Http404 (DRF turns it into
the error shape) for anything the user may not see, never 403, so a draft's existence
does not leak.

Every list selector runs a fixed number of queries whatever its size (no N+1).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.signing import BadSignature, SignatureExpired
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from wagtail.images import get_image_model
from wagtail.models import Page

from .blocks import IMAGE_RENDITIONS
from .models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from .permissions import COURSE_DEPTH, MODULE_DEPTH, user_can_edit_course

COVER_RENDITIONS = tuple(IMAGE_RENDITIONS.values())


def with_live_ancestors(queryset: QuerySet, depth: int) -> QuerySet:
    """Keep pages (all at `depth`) whose ancestors from the catalog (depth 2) down to
    the parent are live. One IN-subquery per level, inside the same SQL statement."""
    for level in range(2, depth):
        alias = f"_ancestor_path_{level}"
        queryset = queryset.alias(**{alias: Substr("path", 1, level * Page.steplen)}).filter(
            **{f"{alias}__in": Page.objects.filter(depth=level, live=True).values("path")}
        )
    return queryset


def _visible(queryset: QuerySet, depth: int) -> QuerySet:
    return with_live_ancestors(queryset.live().filter(depth=depth), depth)


def _cover_image_prefetch() -> Prefetch:
    return Prefetch("cover_image", queryset=get_image_model().objects.prefetch_renditions(*COVER_RENDITIONS))


# --- courses -----------------------------------------------------------------------


def course_list_for_user(
    *, user, search: str | None = None, tag: str | None = None, level: str | None = None
) -> QuerySet[CoursePage]:
    """The catalog: published courses in tree order, with tags and cover renditions
    prefetched (a constant number of queries for any page size)."""
    queryset = _visible(CoursePage.objects.all(), COURSE_DEPTH)
    if level:
        queryset = queryset.filter(level=level)
    if tag:
        queryset = queryset.filter(tags__slug=tag)
    if search:
        queryset = queryset.filter(pk__in=course_search_ids(search))
    if tag or search:
        queryset = queryset.distinct()
    return queryset.prefetch_related("tags", _cover_image_prefetch()).order_by("path")


SEARCH_MAX_HITS = 1000


def course_search_ids(search: str) -> list[int]:
    """Ids of live courses matching every word of `search` in their title, summary or
    tags, through Wagtail's search backend (WAGTAILSEARCH_BACKENDS: the database backend
    uses PostgreSQL full text search, SQLite FTS5 elsewhere); the index is kept by
    Wagtail on every page save, so it holds what is published. One query."""
    hits = CoursePage.objects.live().search(search, operator="and", order_by_relevance=False)
    return [page.pk for page in hits[:SEARCH_MAX_HITS]]


def course_get_for_user(*, user, course_id: int) -> CoursePage:
    """A published course, or Http404 (drafts, unpublished, unknown ids alike)."""
    course = (
        _visible(CoursePage.objects.filter(pk=course_id), COURSE_DEPTH)
        .prefetch_related("tags", "owners", _cover_image_prefetch())
        .first()
    )
    if course is None:
        raise Http404("No such course.")
    return course


def published_modules_of_course(course: CoursePage) -> QuerySet[ModulePage]:
    return ModulePage.objects.child_of(course).live().order_by("path")


def published_lessons_of_course(course: CoursePage) -> QuerySet[LessonPage]:
    """The course's published lessons in tree order (module by module), leaving out
    lessons whose module is unpublished. One query."""
    live_modules = ModulePage.objects.child_of(course).live().values("path")
    return (
        LessonPage.objects.live()
        .filter(depth=MODULE_DEPTH + 1, path__startswith=course.path)
        .alias(_module_path=Substr("path", 1, MODULE_DEPTH * Page.steplen))
        .filter(_module_path__in=live_modules)
        .order_by("path")
    )


def published_quizzes_of_course(course: CoursePage) -> list[dict]:
    """The course's published quizzes (assessments.QuizPage, a module's other kind of
    child page) of live modules, in tree order, as outline rows {id, title, slug,
    path, kind}. One query; read by content type so the content app does not import
    the assessments app."""
    from django.contrib.contenttypes.models import ContentType

    live_modules = ModulePage.objects.child_of(course).live().values("path")
    rows = (
        Page.objects.live()
        .filter(
            depth=MODULE_DEPTH + 1,
            path__startswith=course.path,
            content_type__in=ContentType.objects.filter(app_label="assessments", model="quizpage").values(
                "pk"
            ),
        )
        .alias(_module_path=Substr("path", 1, MODULE_DEPTH * Page.steplen))
        .filter(_module_path__in=live_modules)
        .order_by("path")
        .values("id", "title", "slug", "path")
    )
    return [{**row, "kind": "quiz"} for row in rows]


# --- lessons -----------------------------------------------------------------------


def lesson_get_for_user(*, user, lesson_id: int) -> LessonPage:
    """A published lesson of a published module of a published course, or Http404."""
    lesson = _visible(LessonPage.objects.filter(pk=lesson_id), MODULE_DEPTH + 1).first()
    if lesson is None:
        raise Http404("No such lesson.")
    return lesson


def lesson_ids_visible(lesson_ids) -> set[int]:
    """Which of these page ids are lessons a learner may see (the rule above). One query."""
    lessons = LessonPage.objects.filter(pk__in=list(lesson_ids))
    return set(_visible(lessons, MODULE_DEPTH + 1).values_list("pk", flat=True))


def lesson_course(lesson: LessonPage) -> CoursePage:
    return CoursePage.objects.get(path=lesson.path[: COURSE_DEPTH * Page.steplen])


def lesson_module(lesson: LessonPage) -> ModulePage:
    return ModulePage.objects.get(path=lesson.path[: MODULE_DEPTH * Page.steplen])


def lesson_neighbours(lesson: LessonPage, course: CoursePage) -> tuple[dict | None, dict | None]:
    """The published lessons just before and after this one in course order (across
    modules), as {id, title, slug} dicts. One query."""
    outline = list(published_lessons_of_course(course).values("id", "title", "slug"))
    ids = [row["id"] for row in outline]
    try:
        position = ids.index(lesson.pk)
    except ValueError:
        return None, None
    previous = outline[position - 1] if position > 0 else None
    following = outline[position + 1] if position + 1 < len(outline) else None
    return previous, following


def visible_course_id(*, page_id: int, model: type[Page]) -> int | None:
    """For a course or lesson page id: the id of its course when the page is of `model`
    and visible to learners (the rule above), else None. One query."""
    ref = visible_course_ref(page_id=page_id, model=model)
    return ref[0] if ref else None


def visible_course_ref(*, page_id: int, model: type[Page]) -> tuple[int, str] | None:
    """(course id, course path) for a visible course or lesson page id, else None. One
    query, without the page type's own table: the content cache and the progress reads
    ask it on every request, so its SQL is compiled once per page type and only the id
    changes (building the ORM query cost more than running it)."""
    if not 0 < page_id <= 2**31 - 1:  # page ids are 32-bit integers
        return None
    sql, params = _visible_course_id_sql(model)
    params = [page_id if p == _ID_PLACEHOLDER else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None or row[1] is None:
        return None
    return row[1], row[2][: COURSE_DEPTH * Page.steplen]


_ID_PLACEHOLDER = -424242  # no page has a negative id


@functools.cache
def _visible_course_id_sql(model: type[Page]) -> tuple[str, tuple]:
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import OuterRef, Subquery

    depth = {CoursePage: COURSE_DEPTH, LessonPage: MODULE_DEPTH + 1}[model]
    content_type = ContentType.objects.get_for_model(model)
    course = Page.objects.filter(path=Substr(OuterRef("path"), 1, COURSE_DEPTH * Page.steplen)).values("pk")[
        :1
    ]
    queryset = (
        with_live_ancestors(
            Page.objects.filter(pk=_ID_PLACEHOLDER, depth=depth, live=True, content_type=content_type), depth
        )
        .annotate(course_id=Subquery(course))
        .order_by()
        .values_list("pk", "course_id", "path")
    )
    sql, params = queryset.query.sql_with_params()
    assert list(params).count(_ID_PLACEHOLDER) == 1
    return sql, tuple(params)


# --- authoring ---------------------------------------------------------------------


def course_index_get() -> CourseIndexPage:
    index = CourseIndexPage.objects.order_by("path").first()
    if index is None:
        raise Http404("There is no course catalog page yet (run `manage.py load_demo`).")
    return index


def courses_editable_by(*, user) -> QuerySet[CoursePage]:
    """Courses, draft or live, that the user may edit: all for an admin, owned ones for
    a teacher, none for anyone else."""
    from guardian.shortcuts import get_objects_for_user

    from learning.accounts.roles import Role, user_has_role

    queryset = CoursePage.objects.all()
    if user_has_role(user, Role.ADMIN):
        return queryset.order_by("path")
    if not user_has_role(user, Role.TEACHER):
        return queryset.none()
    guarded = get_objects_for_user(
        user, "cms.change_coursepage", klass=CoursePage, use_groups=False, accept_global_perms=False
    )
    return queryset.filter(Q(owners=user) | Q(pk__in=guarded.values("pk"))).distinct().order_by("path")


def editable_page_get(*, user, page_id: int, model: type[Page]) -> Page:
    """A page of `model` (any state) inside a course the user may edit, or Http404 —
    another teacher's draft is indistinguishable from a missing page."""
    page = model.objects.filter(pk=page_id).first()
    if page is None:
        raise Http404("No such page.")
    from .permissions import course_of_page

    if not user_can_edit_course(user, course_of_page(page)):
        raise Http404("No such page.")
    return page


# --- headless preview --------------------------------------------------------------

PREVIEW_MODELS = {"cms.coursepage": CoursePage, "cms.modulepage": ModulePage, "cms.lessonpage": LessonPage}


def preview_page_get(*, content_type: str, token: str) -> Page:
    """The draft behind an editor's preview token, or Http404. The signed token is the
    credential (whoever holds it sees that one draft): its signature must match the
    content type and it expires after PREVIEW_TOKEN_MAX_AGE seconds. The preview API
    (/api/v1/preview/) and the built-in preview page (/preview/) both call this, so the
    two are exactly as strict."""
    model = PREVIEW_MODELS.get(content_type)
    if model is None or not token:
        raise Http404("No such preview.")
    try:
        model.get_preview_signer().unsign(token, max_age=settings.PREVIEW_TOKEN_MAX_AGE)
    except (BadSignature, SignatureExpired) as exc:
        raise Http404("No such preview.") from exc
    page = model.get_page_from_preview_token(token)
    if page is None:
        raise Http404("No such preview.")
    return page


# --- moderation --------------------------------------------------------------------


def moderation_items_for_user(*, user):
    """Review tasks in progress that this user may approve or reject (Wagtail's own
    TaskState rows: GroupApprovalTask gives them to the "admin" group)."""
    from wagtail.models import TaskState

    if not user or not user.is_authenticated:
        return TaskState.objects.none()
    return (
        TaskState.objects.reviewable_by(user)
        .filter(status=TaskState.STATUS_IN_PROGRESS)
        .select_related(
            "workflow_state",
            "workflow_state__requested_by",
            "workflow_state__workflow",
            "task",
            "revision",
            "revision__user",
        )
        .order_by("started_at", "pk")
    )


def pages_by_id(ids) -> dict[int, Page]:
    """Specific pages for a set of ids in a fixed number of queries (one per page type)."""
    return {page.pk: page for page in Page.objects.filter(pk__in=set(ids)).specific()}


@dataclass(frozen=True)
class PageInWorkflow:
    """A page in the "Course review" workflow, as the editor's home lists it.
    `submitted_at`: when its current review task started. For `needs_changes`,
    `reviewer`, `comment` and `reviewed_at` are the rejection's."""

    page_id: int
    title: str
    course_id: int | None
    course_title: str
    status: str  # WorkflowState.STATUS_IN_PROGRESS or STATUS_NEEDS_CHANGES
    task: str
    submitted_by: str
    submitted_at: datetime
    reviewer: str
    comment: str
    reviewed_at: datetime | None


def pages_in_workflow(*, course_paths: list[str] | None, statuses: tuple[str, ...]) -> list[PageInWorkflow]:
    """Pages whose workflow is in one of `statuses` (Wagtail's WorkflowState), inside the
    courses at `course_paths` (None: anywhere), the longest waiting first. Two queries,
    whatever the number of courses and pages."""
    from django.db.models import CharField, OuterRef, Subquery
    from django.db.models.functions import Cast
    from wagtail.models import WorkflowState

    if course_paths is not None and not course_paths:
        return []
    pages = Page.objects.all()
    if course_paths is not None:
        pages = pages.alias(_course_path=Substr("path", 1, COURSE_DEPTH * Page.steplen)).filter(
            _course_path__in=course_paths
        )
    states = list(
        WorkflowState.objects.filter(
            status__in=statuses,
            # a join rather than ContentType's per-process cache: the same queries every time
            base_content_type__app_label="wagtailcore",
            base_content_type__model="page",
            # WorkflowState.object_id is text (a generic relation)
            object_id__in=pages.annotate(_id=Cast("pk", CharField())).values("_id"),
        )
        .select_related("requested_by", "current_task_state__task", "current_task_state__finished_by")
        .order_by("current_task_state__started_at", "pk")
    )
    if not states:
        return []
    course = Page.objects.filter(
        path=Substr(OuterRef("path"), 1, COURSE_DEPTH * Page.steplen), depth=COURSE_DEPTH
    )
    info = {
        row[0]: row[1:]
        for row in Page.objects.filter(pk__in=[int(state.object_id) for state in states])
        .annotate(
            _course_id=Subquery(course.values("pk")[:1]),
            _course_title=Subquery(course.values("draft_title")[:1]),
        )
        .values_list("pk", "draft_title", "_course_id", "_course_title")
    }
    out = []
    for state in states:
        title, course_id, course_title = info.get(int(state.object_id), ("", None, ""))
        task_state = state.current_task_state
        rejected = state.status == WorkflowState.STATUS_NEEDS_CHANGES and task_state is not None
        out.append(
            PageInWorkflow(
                page_id=int(state.object_id),
                title=title,
                course_id=course_id,
                course_title=course_title or "",
                status=state.status,
                task=task_state.task.name if task_state else "",
                submitted_by=_person(state.requested_by),
                submitted_at=task_state.started_at if task_state else state.created_at,
                reviewer=_person(task_state.finished_by) if rejected else "",
                comment=task_state.comment if rejected else "",
                reviewed_at=task_state.finished_at if rejected else None,
            )
        )
    return out


def _person(user) -> str:
    if user is None:
        return ""
    return getattr(user, "display_name", "") or user.get_username()


def course_totals() -> dict[str, int]:
    """Platform totals for admins: courses, and published ones. One query."""
    from django.db.models import Count

    return CoursePage.objects.aggregate(courses=Count("pk"), live_courses=Count("pk", filter=Q(live=True)))


def course_structure() -> list[tuple[int, int, int, int, bool]]:
    """Every live lesson of a live module as (lesson_id, module_id, course_id,
    module_position, required): the module's place among its course's live modules
    counts from 1. For analytics rollups (module completion, course funnels). Two
    queries."""
    modules = list(ModulePage.objects.live().filter(depth=MODULE_DEPTH).order_by("path").values("pk", "path"))
    courses = dict(CoursePage.objects.filter(depth=COURSE_DEPTH).values_list("path", "pk"))
    by_path: dict[str, tuple[int, int, int]] = {}
    positions: dict[int, int] = {}
    for module in modules:
        course_id = courses.get(module["path"][: COURSE_DEPTH * Page.steplen])
        if course_id is None:
            continue
        positions[course_id] = positions.get(course_id, 0) + 1
        by_path[module["path"]] = (module["pk"], course_id, positions[course_id])
    lessons = LessonPage.objects.live().filter(depth=MODULE_DEPTH + 1).values_list("pk", "path", "required")
    rows = []
    for lesson_id, path, required in lessons:
        module = by_path.get(path[: MODULE_DEPTH * Page.steplen])
        if module is not None:
            rows.append((lesson_id, module[0], module[1], module[2], required))
    return rows
