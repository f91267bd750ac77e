"""What each report kind reads: its columns, the rows of one scope (an organisation's
members, or a course), and how one row becomes cells.

Read-only queries over other apps' tables (progress, assessments, certificates) by model
label, so this package imports none of their code; the activity report reads the
analytics event store, whose actor is pseudonymous (no personal data in that report).
Each source is one queryset, read with `.iterator()` in chunks: memory stays flat
however many rows a report has.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Kind, Scope

LEARNER = ["learner_id", "email", "name", "organisation"]


@dataclass(frozen=True)
class Source:
    columns: list[str]
    queryset: QuerySet  # counted for the progress total, then iterated
    row: Callable[[dict], list]


def _model(label: str):
    return apps.get_model(label)


def _name(values: dict, prefix: str = "user__") -> str:
    display = values.get(f"{prefix}display_name") or ""
    if display:
        return display
    return f"{values.get(f'{prefix}first_name') or ''} {values.get(f'{prefix}last_name') or ''}".strip()


_USER_FIELDS = (
    "user_id",
    "user__email",
    "user__display_name",
    "user__first_name",
    "user__last_name",
    "user__organisation__name",
)


def _learner(values: dict) -> list:
    return [values["user_id"], values["user__email"], _name(values), values["user__organisation__name"] or ""]


# A report's own columns: (column name, field of the queryset's values, optional cell
# function). The column list and the row come from the same declaration.
Columns = list[tuple[str, str] | tuple[str, str, Callable]]


def _source(queryset: QuerySet, columns: Columns, *, learner: bool = True) -> Source:
    """The report over `queryset` (ordered): the learner's columns first unless
    `learner` is false, then `columns`."""
    fields = [column[1] for column in columns]
    cells = [(column[1], column[2] if len(column) > 2 else None) for column in columns]

    def row(v: dict) -> list:
        own = [v[field] if cell is None else cell(v[field]) for field, cell in cells]
        return _learner(v) + own if learner else own

    return Source(
        (LEARNER if learner else []) + [column[0] for column in columns],
        queryset.values(*(_USER_FIELDS if learner else ()), *fields),
        row,
    )


def _scoped(
    queryset: QuerySet, *, scope: str, organisation_id: int | None, course_id: int | None
) -> QuerySet:
    if scope == Scope.ORGANISATION:
        return queryset.filter(user__organisation_id=organisation_id)
    return queryset.filter(course_id=course_id)


def learner_progress(*, scope: str, organisation_id: int | None, course_id: int | None) -> Source:
    """One row per enrolment (a learner in a course): lessons completed, the course's
    completion, the last activity."""
    Enrollment = _model("progress.Enrollment")
    LessonProgress = _model("progress.LessonProgress")
    CourseCompletion = _model("progress.CourseCompletion")
    completed_lessons = (
        LessonProgress.objects.filter(
            user_id=OuterRef("user_id"), course_id=OuterRef("course_id"), completed_at__isnull=False
        )
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    completion = CourseCompletion.objects.filter(
        user_id=OuterRef("user_id"), course_id=OuterRef("course_id")
    ).values("completed_at")[:1]
    queryset = (
        _scoped(Enrollment.objects.all(), scope=scope, organisation_id=organisation_id, course_id=course_id)
        .annotate(
            lessons_completed=Coalesce(Subquery(completed_lessons, output_field=IntegerField()), Value(0)),
            course_completed_at=Subquery(completion),
        )
        .order_by("pk")
    )
    return _source(
        queryset,
        [
            ("course_id", "course_id"),
            ("course_title", "course__title"),
            ("enrolled_at", "enrolled_at"),
            ("enrolled", "active"),
            ("lessons_completed", "lessons_completed"),
            ("last_activity_at", "last_activity_at"),
            ("course_completed_at", "course_completed_at"),
        ],
    )


def quiz_results(*, scope: str, organisation_id: int | None, course_id: int | None) -> Source:
    """One row per submitted quiz attempt."""
    Attempt = _model("assessments.Attempt")
    queryset = _scoped(
        Attempt.objects.filter(state="submitted"),
        scope=scope,
        organisation_id=organisation_id,
        course_id=course_id,
    ).order_by("pk")
    return _source(
        queryset,
        [
            ("course_id", "course_id"),
            ("course_title", "course__title"),
            ("quiz_id", "quiz_id"),
            ("quiz_title", "quiz__title"),
            ("attempt", "number"),
            ("started_at", "started_at"),
            ("submitted_at", "submitted_at"),
            ("score", "score"),
            ("max_score", "max_score"),
            ("passed", "passed"),
            ("late", "late"),
        ],
    )


def certificates(*, scope: str, organisation_id: int | None, course_id: int | None) -> Source:
    """One row per certificate (current, superseded or revoked: `status` says which)."""
    Certificate = _model("certificates.Certificate")
    queryset = _scoped(
        Certificate.objects.all(), scope=scope, organisation_id=organisation_id, course_id=course_id
    ).order_by("pk")
    return _source(
        queryset,
        [
            (name, name)
            for name in (
                "course_id",
                "course_title",
                "holder_name",
                "serial",
                "issue_status",
                "status",
                "issued_at",
                "revoked_at",
            )
        ],
    )


def activity(*, scope: str, organisation_id: int | None, course_id: int | None) -> Source:
    """One row per analytics event of the scope, oldest first. The actor is the
    pseudonymous id of the event store: this report names nobody."""
    Event = _model("analytics.Event")
    if scope == Scope.ORGANISATION:
        queryset = Event.objects.filter(organisation_id=organisation_id)
    else:
        queryset = Event.objects.filter(course_id=course_id)
    plain = (
        "timestamp",
        "type",
        "actor",
        "verb",
        "object_type",
        "object_id",
        "course_id",
        "module_id",
        "lesson_id",
    )
    return _source(
        queryset.order_by("timestamp", "id"),
        [
            ("event_id", "id", str),
            *((name, name) for name in plain),
            ("result", "result", _json),
            ("extensions", "extensions", _json),
        ],
        learner=False,
    )


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str) if value else ""


SOURCES: dict[str, Callable[..., Source]] = {
    Kind.LEARNER_PROGRESS: learner_progress,
    Kind.QUIZ_RESULTS: quiz_results,
    Kind.CERTIFICATES: certificates,
    Kind.ACTIVITY: activity,
}


def source_for(*, kind: str, scope: str, organisation_id: int | None, course_id: int | None) -> Source:
    return SOURCES[kind](scope=scope, organisation_id=organisation_id, course_id=course_id)


def columns_of(kind: str) -> Iterable[str]:
    return source_for(kind=kind, scope=Scope.COURSE, organisation_id=None, course_id=0).columns
