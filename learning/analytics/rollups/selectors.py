"""Dashboard reads (docs/analytics.md#dashboards): who may read which slice, and a
metric's time series, read from the rollup tables only (never raw events), in one query
whatever the range."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings

from ..models import Rollup
from .metrics import FUNNEL_STEPS, Metric
from .services import month_start, next_month, week_start

BUCKET = {"day": lambda d: d, "week": week_start, "month": month_start}
NEXT = {
    "day": lambda d: d + dt.timedelta(days=1),
    "week": lambda d: d + dt.timedelta(weeks=1),
    "month": next_month,
}


@dataclass
class DashboardRefused(Exception):
    """Why a dashboard read is refused: `status` 400/403/404, a machine code, the field."""

    status: int
    code: str
    detail: str
    attr: str | None = None


def dashboard_access(*, user) -> None:
    """Dashboards are for admins, teachers and organisation admins (403 otherwise)."""
    from learning.accounts.roles import Role, user_has_role
    from learning.accounts.selectors import organisation_admin_of

    if user_has_role(user, Role.ADMIN) or user_has_role(user, Role.TEACHER):
        return
    if organisation_admin_of(user) is None:
        raise DashboardRefused(
            403, "permission_denied", "Dashboards are for admins, teachers and organisation admins."
        )


def dashboard_scope(*, user, metric: Metric, course_id: int | None, organisation_id: int | None):
    """The (course, organisation) slice `user` reads for this request, or a refusal.

    Admins read any slice. A teacher reads the courses they may edit (a course is
    required; another's course is a 404), an organisation admin their organisation (the
    slice is narrowed to it; another organisation is a 404). Checks the metric's own
    rules first (a per-lesson metric needs a course; signups and retention have none)."""
    from cms.models import CoursePage
    from cms.selectors import courses_editable_by
    from learning.accounts.models import Organisation
    from learning.accounts.roles import Role, user_has_role
    from learning.accounts.selectors import organisation_admin_of

    if course_id is not None and not metric.course:
        raise DashboardRefused(400, "not_by_course", f"`{metric.name}` is not kept per course.", "course")
    if organisation_id is not None and not metric.organisation:
        raise DashboardRefused(
            400, "not_by_organisation", f"`{metric.name}` is not kept per organisation.", "organisation"
        )
    if metric.per and course_id is None:
        raise DashboardRefused(
            400, "course_required", f"`{metric.name}` is per {metric.per}: give a course.", "course"
        )

    if user_has_role(user, Role.ADMIN):
        if course_id is not None and not CoursePage.objects.filter(pk=course_id).exists():
            raise DashboardRefused(404, "not_found", "No such course.")
        if organisation_id is not None and not Organisation.objects.filter(pk=organisation_id).exists():
            raise DashboardRefused(404, "not_found", "No such organisation.")
        return course_id, organisation_id

    teacher = user_has_role(user, Role.TEACHER)
    if course_id is not None and teacher and courses_editable_by(user=user).filter(pk=course_id).exists():
        return course_id, organisation_id
    own = organisation_admin_of(user)
    if own is not None:
        if organisation_id is not None and organisation_id != own:
            raise DashboardRefused(404, "not_found", "No such organisation.")
        if course_id is not None and not CoursePage.objects.filter(pk=course_id).exists():
            raise DashboardRefused(404, "not_found", "No such course.")
        return course_id, own
    if not teacher:  # pragma: no cover - dashboard_access refused them first
        raise DashboardRefused(
            403, "permission_denied", "Dashboards are for admins, teachers and organisation admins."
        )
    if not metric.course:
        raise DashboardRefused(
            403, "permission_denied", f"`{metric.name}` is for admins and organisation admins."
        )
    if course_id is None:
        raise DashboardRefused(
            400, "course_required", "Teachers read the dashboards of one of their courses.", "course"
        )
    raise DashboardRefused(404, "not_found", "No such course.")


def dashboard_range(*, start: dt.date | None, end: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    end = end or today
    start = start or end - dt.timedelta(days=settings.ANALYTICS_DASHBOARD_DEFAULT_DAYS - 1)
    if start > end:
        raise DashboardRefused(400, "invalid_range", "`from` is after `to`.", "from")
    if (end - start).days + 1 > settings.ANALYTICS_DASHBOARD_MAX_DAYS:
        raise DashboardRefused(
            400,
            "range_too_long",
            f"At most {settings.ANALYTICS_DASHBOARD_MAX_DAYS} days per request.",
            "from",
        )
    return start, end


def _buckets(granularity: str, start: dt.date, end: dt.date) -> list[dt.date]:
    out, day = [], BUCKET[granularity](start)
    while day <= end:
        out.append(day)
        day = NEXT[granularity](day)
    return out


def _key(**fields) -> dict:
    return {"lesson_id": None, "module_id": None, "step": None, "cohort": None, "cohort_size": None} | fields


def _point(start, value, numerator=None, denominator=None) -> dict:
    return {"start": start, "value": value, "numerator": numerator, "denominator": denominator}


def dashboard_series(
    *,
    metric: Metric,
    start: dt.date,
    end: dt.date,
    granularity: str,
    course_id: int | None,
    organisation_id: int | None,
    today: dt.date,
) -> list[dict]:
    """The series of `metric` over [start, end] in `granularity` buckets: one query."""
    kind = metric.kind
    native = kind in ("distinct", "median", "retention")
    names = ["retention", "retention_cohort_size"] if kind == "retention" else [metric.name]
    rows = Rollup.objects.filter(
        metric__in=names,
        period=granularity if native else "day",
        start__gte=BUCKET[granularity](start) if native else start,
        start__lte=end,
    )
    rows = rows.filter(course_id=course_id) if course_id is not None else rows.filter(course_id__isnull=True)
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    else:
        rows = rows.filter(organisation_id__isnull=True)
    if metric.per == "lesson":  # per-lesson rows carry their module too
        rows = rows.filter(lesson_id__isnull=False)
    else:
        rows = rows.filter(lesson_id__isnull=True, module_id__isnull=metric.per != "module")
    buckets = _buckets(granularity, start, end)
    bucket = BUCKET[granularity]
    data = list(rows.values_list("metric", "start", "module_id", "lesson_id", "step", "value", "denominator"))

    if kind == "retention":
        sizes = {day: int(v) for name, day, _, _, _, v, _ in data if name == "retention_cohort_size"}
        cells = {(day, step): v for name, day, _, _, step, v, _ in data if name == "retention"}
        weeks = settings.ANALYTICS_RETENTION_WEEKS
        series = []
        for cohort in buckets:
            size = sizes.get(cohort, 0)
            elapsed = min(weeks, (week_start(today) - cohort).days // 7)
            points = [
                _point(
                    cohort + dt.timedelta(weeks=n),
                    cells.get((cohort, n), 0) / size if size else None,
                    cells.get((cohort, n), 0),
                    size,
                )
                for n in range(elapsed + 1)
            ]
            series.append({"key": _key(cohort=cohort, cohort_size=size), "points": points})
        return series

    if kind in ("distinct", "median"):
        values = {day: (v, den) for _, day, _, _, _, v, den in data}
        if kind == "distinct":
            points = [_point(b, values.get(b, (0, None))[0]) for b in buckets]
        else:  # a median, and of how many completions
            points = [
                _point(b, values.get(b, (None, 0))[0], None, values.get(b, (None, 0))[1]) for b in buckets
            ]
        return [{"key": _key(), "points": points}]

    # day rows summed into buckets: counts, rates, funnels, per lesson or module
    sums: dict = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
    for _, day, module, lesson, step, value, den in data:
        if kind == "funnel":
            key = ("step", step)
        elif metric.per == "lesson":
            key = ("lesson_id", lesson)
        elif metric.per == "module":
            key = ("module_id", module)
        else:
            key = None
        cell = sums[key][bucket(day)]
        cell[0] += value
        cell[1] += den or 0
    if kind == "funnel":
        keys = [("step", n) for n in range(1, len(FUNNEL_STEPS) + 1)]
    elif metric.per:
        keys = sorted(sums)
    else:
        keys = [None]

    def point(b, key):
        value, den = sums[key].get(b, (0.0, 0))
        if kind == "rate":
            return _point(b, value / den if den else None, value, den)
        if kind == "funnel":
            return _point(b, value, value, den)
        return _point(b, value)

    series = []
    for key in keys:
        if key is None:
            label = _key()
        elif key[0] == "step":
            label = _key(step=FUNNEL_STEPS[key[1] - 1])
        else:
            label = _key(**{key[0]: key[1]})
        series.append({"key": label, "points": [point(b, key) for b in buckets]})
    return series
