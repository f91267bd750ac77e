"""Reports > Learning analytics in the Wagtail editor (admins only): a chart of active
learners over time and a course funnel, read from the rollups through the same
selectors as the dashboard API, drawn as server-rendered SVG (no script, no CDN)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from learning.accounts.roles import Role, user_has_role

from . import selectors
from .metrics import FUNNEL_STEPS, METRICS

WIDTH, HEIGHT, PAD = 720, 240, 40
DEFAULT_DAYS = 182


class ChartForm(forms.Form):
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    granularity = forms.ChoiceField(
        choices=[("day", "Day"), ("week", "Week"), ("month", "Month")], initial="week"
    )
    course = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Funnel of course")

    def __init__(self, *args, courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", "All courses"), *[(c.pk, c.title) for c in courses]]


def _line_chart(points: list[dict]) -> dict:
    """Coordinates of a polyline (and axis labels) for `points` (start, value)."""
    values = [p["value"] or 0 for p in points]
    top = max(values, default=0) or 1
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)
    coords = [(PAD + i * step, HEIGHT - PAD - (v / top) * (HEIGHT - 2 * PAD)) for i, v in enumerate(values)]
    return {
        "polyline": " ".join(f"{x:.1f},{y:.1f}" for x, y in coords),
        "dots": [
            {"x": f"{x:.1f}", "y": f"{y:.1f}", "label": f"{p['start']}: {v:g}"}
            for (x, y), p, v in zip(coords, points, values, strict=True)
        ],
        "top": f"{top:g}",
        "first": points[0]["start"] if points else "",
        "last": points[-1]["start"] if points else "",
        "width": WIDTH,
        "height": HEIGHT,
        "pad": PAD,
        "baseline": HEIGHT - PAD,
        "right": WIDTH - PAD,
    }


def _funnel(series: list[dict]) -> list[dict]:
    totals = [sum(p["value"] or 0 for p in s["points"]) for s in series]
    first = totals[0] if totals else 0
    bars = []
    for i, (name, total) in enumerate(zip(FUNNEL_STEPS, totals, strict=True)):
        share = total / first if first else 0
        bars.append(
            {
                "label": name.replace("_", " "),
                "value": f"{total:g}",
                "share": f"{share:.0%}",
                "y": 10 + i * 36,
                "width": f"{max(share * (WIDTH - 260), 1):.1f}",
            }
        )
    return bars


@require_GET
def learning_analytics(request):
    if not user_has_role(request.user, Role.ADMIN):
        raise PermissionDenied
    from cms.selectors import courses_editable_by

    courses = list(courses_editable_by(user=request.user).only("pk", "title"))
    form = ChartForm(request.GET or None, courses=courses)
    today = timezone.now().date()
    context = {"form": form, "error": None, "active": None, "funnel": None}
    if form.is_bound and not form.is_valid():
        context["error"] = "Check the filters."
        return render(request, "analytics/learning_analytics.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    granularity = data.get("granularity") or "week"
    end = data.get("end") or today
    start = data.get("start") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    try:
        start, end = selectors.dashboard_range(start=start, end=end, today=today)
    except selectors.DashboardRefused as exc:
        context["error"] = exc.detail
        return render(request, "analytics/learning_analytics.html", context, status=400)
    course = data.get("course")
    common = {"start": start, "end": end, "granularity": granularity, "organisation_id": None, "today": today}
    active = selectors.dashboard_series(metric=METRICS["active_learners"], course_id=None, **common)
    funnel = selectors.dashboard_series(metric=METRICS["funnel"], course_id=course, **common)
    context |= {
        "active": _line_chart(active[0]["points"]),
        "funnel": _funnel(funnel),
        "course": next((c for c in courses if c.pk == course), None),
        "start": start,
        "end": end,
        "granularity": granularity,
    }
    return render(request, "analytics/learning_analytics.html", context)
