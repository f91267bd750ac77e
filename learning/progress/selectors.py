"""Read queries of learner progress. Every function runs a fixed number of queries
whatever the number of courses, lessons or events involved."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.http import Http404
from wagtail.models import Page

from cms.models import CoursePage, LessonPage
from cms.permissions import COURSE_DEPTH, LESSON_DEPTH, MODULE_DEPTH
from cms.selectors import courses_editable_by, with_live_ancestors

from . import statements
from .models import CourseCompletion, Enrollment, LessonProgress

COURSE_PATH_LEN = COURSE_DEPTH * Page.steplen
MODULE_PATH_LEN = MODULE_DEPTH * Page.steplen
MAX_PAGE_ID = 2**31 - 1  # page ids are 32-bit integers; a larger id names no lesson


@dataclass(frozen=True)
class LessonRef:
    id: int
    path: str
    title: str
    slug: str
    required: bool

    @property
    def course_path(self) -> str:
        return self.path[:COURSE_PATH_LEN]

    @property
    def module_path(self) -> str:
        return self.path[:MODULE_PATH_LEN]

    def as_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "slug": self.slug}


def visible_lessons_by_course(course_paths: list[str]) -> dict[str, list[LessonRef]]:
    """Published lessons (with published module and course) of these courses, in
    tree order, grouped by course path. One query."""
    if not course_paths:
        return {}
    rows = (
        _visible_lessons_queryset(course_paths)
        .order_by("path")
        .values_list("id", "path", "title", "slug", "required")
    )
    grouped: dict[str, list[LessonRef]] = defaultdict(list)
    for row in rows:
        ref = LessonRef(*row)
        grouped[ref.course_path].append(ref)
    return grouped


def _visible_lessons_queryset(course_paths: list[str]) -> QuerySet[LessonPage]:
    return (
        with_live_ancestors(LessonPage.objects.live().filter(depth=LESSON_DEPTH), LESSON_DEPTH)
        .alias(_course_path=Substr("path", 1, COURSE_PATH_LEN))
        .filter(_course_path__in=course_paths)
    )


@dataclass(frozen=True)
class CourseRef:
    """A visible course as progress reads need it: its id and tree path."""

    pk: int
    path: str


@dataclass(frozen=True)
class Outline:
    """The published outline of a course, the part of a progress read that is the same
    for every learner: its visible lessons and modules in tree order."""

    lessons: list[LessonRef]
    modules: list[tuple[int, str, str]]  # id, path, title


def course_outlines(courses) -> dict[int, Outline]:
    """The outline of each course, from the content cache (keyed by the course's content
    version, so a publish is seen at once) or, for the ones not cached, two queries."""
    from cms import content_cache

    rows = content_cache.outline_rows(courses, load=_outline_rows_load)
    return {
        course_id: Outline([LessonRef(*lesson) for lesson in lessons], modules)
        for course_id, (lessons, modules) in rows.items()
    }


def _outline_rows_load(courses) -> dict[int, tuple[list[tuple], list[tuple]]]:
    """Plain tuples (what the cache keeps): lessons (id, path, title, slug, required) and
    modules (id, path, title)."""
    paths = [course.path for course in courses]
    lessons = visible_lessons_by_course(paths)
    modules: dict[str, list[tuple]] = defaultdict(list)
    rows = (
        with_live_ancestors(Page.objects.live().filter(depth=MODULE_DEPTH), MODULE_DEPTH)
        .alias(_course_path=Substr("path", 1, COURSE_PATH_LEN))
        .filter(_course_path__in=paths)
        .order_by("path")
        .values_list("id", "path", "title")
    )
    for row in rows:
        modules[row[1][:COURSE_PATH_LEN]].append(tuple(row))
    return {
        course.pk: (
            [(r.id, r.path, r.title, r.slug, r.required) for r in lessons.get(course.path, [])],
            modules.get(course.path, []),
        )
        for course in courses
    }


def visible_lesson_courses(lesson_ids: set[int]) -> dict[int, int]:
    """For the given lesson ids, the published ones (with published ancestors, the
    catalog's rule) mapped to their course's id. One query."""
    ids = sorted(i for i in lesson_ids if 0 < i <= MAX_PAGE_ID)
    if not ids:
        return {}
    sql, params, slots = _visible_lesson_courses_sql(len(ids))
    params = list(params)
    for position, index in slots:
        params[position] = ids[index]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {lesson_id: course_id for lesson_id, course_id in cursor.fetchall() if course_id is not None}


@functools.lru_cache(maxsize=64)
def _visible_lesson_courses_sql(count: int) -> tuple[str, tuple, tuple[tuple[int, int], ...]]:
    """The SQL of visible_lesson_courses for `count` ids, compiled by the ORM once per
    size: ingest asks it on every batch, and building the query costs more CPU than
    running it. The ids are compiled as negative placeholders (no page has one) whose
    parameter positions are then filled with the real ids."""
    placeholders = [-1 - i for i in range(count)]
    course_of_lesson = (
        CoursePage.objects.filter(path=Substr(OuterRef("path"), 1, COURSE_PATH_LEN), depth=COURSE_DEPTH)
        .order_by()
        .values("pk")[:1]
    )
    queryset = (
        with_live_ancestors(
            LessonPage.objects.live().filter(depth=LESSON_DEPTH, pk__in=placeholders), LESSON_DEPTH
        )
        .annotate(course_id=Subquery(course_of_lesson))
        .order_by()
        .values_list("id", "course_id")
    )
    sql, params = queryset.query.sql_with_params()
    slots = tuple((position, -1 - p) for position, p in enumerate(params) if p in placeholders)
    assert len(slots) == count, "each id placeholder appears once in the compiled query"
    return sql, tuple(params), slots


@dataclass(frozen=True)
class LessonState:
    """What progress reads need of a learner's state in one lesson (LessonProgress)."""

    lesson_id: int
    completed_at: object
    last_event_at: object
    position: object


@dataclass(frozen=True)
class Completion:
    """What progress reads need of a course completion (CourseCompletion)."""

    completed_at: object
    stats: dict


@dataclass
class CourseProgress:
    """Progress of one user in one course, computed from preloaded rows."""

    course: CoursePage | CourseRef
    lessons: list[LessonRef]
    states: dict[int, LessonState]
    completion: Completion | None = None
    modules: list[dict] = field(default_factory=list)

    @property
    def required(self) -> list[LessonRef]:
        return [lesson for lesson in self.lessons if lesson.required]

    def is_done(self, lesson: LessonRef) -> bool:
        state = self.states.get(lesson.id)
        return bool(state and state.completed_at)

    @property
    def done(self) -> int:
        return sum(1 for lesson in self.required if self.is_done(lesson))

    @property
    def total(self) -> int:
        return len(self.required)

    @property
    def percent(self) -> float:
        return round(100 * self.done / self.total, 1) if self.total else 0.0

    def resume(self) -> dict:
        """Last started and not completed; else the next uncompleted lesson in tree
        order (required ones first decide completion); else the course is complete."""
        in_progress = [
            (self.states[lesson.id].last_event_at, lesson)
            for lesson in self.lessons
            if lesson.id in self.states and not self.states[lesson.id].completed_at
        ]
        if in_progress:
            _, lesson = max(in_progress, key=lambda pair: pair[0])
            return self._resume("in_progress", "last_started", lesson)
        if self.completion is not None or (self.total and self.done == self.total):
            return self._resume("completed", "course_complete", None)
        for lesson in self.lessons:
            if not self.is_done(lesson):
                state = "not_started" if not self.states else "in_progress"
                return self._resume(state, "next_uncompleted", lesson)
        return self._resume("completed" if self.lessons else "empty", "course_complete", None)

    def _resume(self, state: str, reason: str, lesson: LessonRef | None) -> dict:
        progress = self.states.get(lesson.id) if lesson else None
        return {
            "course_id": self.course.pk,
            "state": state,
            "reason": reason,
            "lesson": lesson.as_dict() if lesson else None,
            "position": progress.position if progress else None,
        }

    def module_breakdown(self, modules: list[tuple[int, str, str]]) -> list[dict]:
        out = []
        for module_id, module_path, title in modules:
            lessons = [lesson for lesson in self.required if lesson.module_path == module_path]
            out.append(
                {
                    "id": module_id,
                    "title": title,
                    "required_completed_count": sum(1 for lesson in lessons if self.is_done(lesson)),
                    "required_lesson_count": len(lessons),
                }
            )
        return out


def progress_for_courses(*, user, courses: list[CoursePage | CourseRef]) -> dict[int, CourseProgress]:
    """Progress of `user` in each course: the outlines from the content cache (two
    queries when not cached), then the learner's own rows (lesson states and
    completions), one hand-written statement, whatever the counts."""
    outlines = course_outlines(courses)
    ids = [course.pk for course in courses]
    state_rows, completion_rows = statements.learner_rows(user_id=user.pk, course_ids=ids)
    states: dict[int, dict[int, LessonState]] = defaultdict(dict)
    for course_id, lesson_id, completed_at, last_event_at, position in state_rows:
        states[course_id][lesson_id] = LessonState(lesson_id, completed_at, last_event_at, position)
    completions = {
        course_id: Completion(completed_at, stats) for course_id, completed_at, stats in completion_rows
    }
    progress = {}
    for course in courses:
        outline = outlines[course.pk]
        progress[course.pk] = CourseProgress(
            course=course,
            lessons=outline.lessons,
            states=states.get(course.pk, {}),
            completion=completions.get(course.pk),
        )
        progress[course.pk].modules = progress[course.pk].module_breakdown(outline.modules)
    return progress


def course_ref_visible_get(*, course_id: int) -> CourseRef:
    """The published course a learner asks about (the catalog's rule), or 404. One
    query, compiled once (cms.selectors.visible_course_ref)."""
    from cms.selectors import visible_course_ref

    ref = visible_course_ref(page_id=course_id, model=CoursePage)
    if ref is None:
        raise Http404("No such course.")
    return CourseRef(*ref)


def course_visible_get(*, user, course_id: int) -> CoursePage:
    """The published course the learner asks about, or 404: the same visibility rule
    as the catalog (cms.selectors.with_live_ancestors), without the catalog's
    prefetches of tags, owners and cover renditions that progress never shows."""
    course = (
        with_live_ancestors(CoursePage.objects.live().filter(depth=COURSE_DEPTH, pk=course_id), COURSE_DEPTH)
        .only("id", "path", "depth", "title", "slug", "live")
        .first()
    )
    if course is None:
        raise Http404("No such course.")
    return course


@dataclass(frozen=True)
class EnrolledCourse:
    """A course of my courses: its id, tree path (for its outline), title and slug."""

    pk: int
    path: str
    title: str
    slug: str


@dataclass(frozen=True)
class EnrollmentRow:
    course: EnrolledCourse
    enrolled_at: object
    last_activity_at: object

    @property
    def course_id(self) -> int:
        return self.course.pk


def enrollment_page_for_user(*, user, offset: int, limit: int) -> tuple[list[EnrollmentRow], int]:
    """One page of enrollment_list_for_user and the number of them all, in one query
    (`COUNT(*) OVER ()`), its SQL compiled by the ORM once: building it per request cost
    more CPU than running it. An empty page says nothing of the total (0 is returned)."""
    from .statements import _aware

    sql, params = _enrollment_page_sql()
    params = [user.pk if p == _USER_PLACEHOLDER else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset])
        rows = cursor.fetchall()
    page = [
        EnrollmentRow(EnrolledCourse(course_id, path, title, slug), _aware(enrolled), _aware(last))
        for enrolled, last, course_id, path, title, slug, _ in rows
    ]
    return page, (rows[0][-1] if rows else 0)


_USER_PLACEHOLDER = -424242  # no user has a negative id


@functools.cache
def _enrollment_page_sql() -> tuple[str, tuple]:
    from django.db.models import Window

    queryset = (
        enrollment_list_for_user(user=_USER_PLACEHOLDER)
        .annotate(_total=Window(Count("pk")))
        .values_list(
            "enrolled_at",
            "last_activity_at",
            "course_id",
            "course__path",
            "course__title",
            "course__slug",
            "_total",
        )
    )
    sql, params = queryset.query.sql_with_params()
    assert list(params).count(_USER_PLACEHOLDER) == 1
    return sql, tuple(params)


def enrollment_list_for_user(*, user) -> QuerySet[Enrollment]:
    """Active enrollments in courses the learner can still see, most recent activity first."""
    visible_courses = with_live_ancestors(
        Page.objects.live().filter(depth=COURSE_DEPTH), COURSE_DEPTH
    ).values("pk")
    return (
        Enrollment.objects.filter(user=user, active=True, course__in=visible_courses)
        .select_related("course")
        # only what the list shows: the course's id, path (its outline), title and slug
        .only(
            "enrolled_at",
            "last_activity_at",
            "course__id",
            "course__path",
            "course__title",
            "course__slug",
        )
        .order_by("-last_activity_at", "-enrolled_at", "pk")
    )


def course_progress_get(*, user, course: CoursePage | CourseRef) -> CourseProgress:
    return progress_for_courses(user=user, courses=[course])[course.pk]


def enrolled(*, user, course_id: int) -> bool:
    return Enrollment.objects.filter(user=user, course_id=course_id, active=True).exists()


def teachable_course_get(*, user, course_id: int) -> CoursePage:
    """A course (any state) the user teaches or administers, else 404."""
    course = courses_editable_by(user=user).filter(pk=course_id).first()
    if course is None:
        raise Http404("No such course.")
    return course


def learner_progress_list_for_course(*, course: CoursePage) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(course=course).select_related("user").order_by("user__email")


def learner_progress_rows(*, course: CoursePage, enrollments: list[Enrollment]) -> list[dict]:
    """Done/total per learner for one page of enrollments. Three queries."""
    required_ids = [
        lesson.id
        for lesson in visible_lessons_by_course([course.path]).get(course.path, [])
        if lesson.required
    ]
    user_ids = [e.user_id for e in enrollments]
    done = dict(
        LessonProgress.objects.filter(
            course=course, user__in=user_ids, lesson__in=required_ids, completed_at__isnull=False
        )
        .values("user")
        .annotate(n=Count("id", filter=Q(completed_at__isnull=False)))
        .values_list("user", "n")
    )
    completed = dict(
        CourseCompletion.objects.filter(course=course, user__in=user_ids).values_list("user", "completed_at")
    )
    total = len(required_ids)
    return [
        {
            "user": e.user,
            "active": e.active,
            "enrolled_at": e.enrolled_at,
            "last_activity_at": e.last_activity_at,
            "required_completed_count": done.get(e.user_id, 0),
            "required_lesson_count": total,
            "percent": round(100 * done.get(e.user_id, 0) / total, 1) if total else 0.0,
            "completed_at": completed.get(e.user_id),
        }
        for e in enrollments
    ]


# --- the teacher's dashboard -------------------------------------------------------


@dataclass(frozen=True)
class CourseLearnerStats:
    """How a course's current learners are doing. `learners`: active enrolments;
    `completed`: of them, those who completed the course; `average_percent`: their mean
    share of the published required lessons done (None without learners or without a
    published required lesson)."""

    learners: int
    completed: int
    required_lessons: int
    average_percent: float | None


def course_learner_stats(*, courses: list[CoursePage | CourseRef]) -> dict[int, CourseLearnerStats]:
    """CourseLearnerStats per course, in four queries whatever the number of courses,
    learners and lessons (the required lessons are a subquery, not a list)."""
    if not courses:
        return {}
    ids = [course.pk for course in courses]
    required = _visible_lessons_queryset([course.path for course in courses]).filter(required=True)
    required_count: dict[str, int] = defaultdict(int)
    for path in required.values_list("path", flat=True):
        required_count[path[:COURSE_PATH_LEN]] += 1
    learner_enrolled = Enrollment.objects.filter(
        user=OuterRef("user"), course=OuterRef("course"), active=True
    )
    learners = _count_by_course(Enrollment.objects.filter(course__in=ids, active=True))
    completed = _count_by_course(
        CourseCompletion.objects.filter(course__in=ids).filter(Exists(learner_enrolled))
    )
    done = _count_by_course(
        LessonProgress.objects.filter(
            course__in=ids, completed_at__isnull=False, lesson__in=required.values("pk")
        ).filter(Exists(learner_enrolled))
    )
    stats = {}
    for course in courses:
        n, total = learners.get(course.pk, 0), required_count.get(course.path, 0)
        stats[course.pk] = CourseLearnerStats(
            learners=n,
            completed=completed.get(course.pk, 0),
            required_lessons=total,
            average_percent=round(100 * done.get(course.pk, 0) / (n * total), 1) if n and total else None,
        )
    return stats


def _count_by_course(queryset) -> dict[int, int]:
    return dict(queryset.order_by().values("course_id").annotate(n=Count("pk")).values_list("course_id", "n"))


def platform_progress_totals(*, since) -> dict[str, int]:
    """Platform totals for admins: active enrolments, enrolments since `since`, course
    completions, completions since `since`. Two queries."""
    enrolments = Enrollment.objects.aggregate(
        enrolments=Count("pk", filter=Q(active=True)),
        enrolments_since=Count("pk", filter=Q(active=True, enrolled_at__gte=since)),
    )
    completions = CourseCompletion.objects.aggregate(
        completions=Count("pk"), completions_since=Count("pk", filter=Q(completed_at__gte=since))
    )
    return enrolments | completions
