"""Reads of the moderation app: the admin queue (a fixed number of queries whatever a
page holds) and one case with its reports."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import Http404

from .models import CaseState, ModerationCase, Report, ReportStatus

_OPEN = Q(reports__status=ReportStatus.OPEN)
# the queue's filter: some report awaits a decision / taken down now / every case
QUEUE_STATUSES = ("open", "taken_down", "all")


def cases_for_queue(*, status: str = "open", kind: str = "") -> QuerySet[ModerationCase]:
    """Cases with their open-report count and first/last report time (over all their
    reports). `status`: "open" (some report awaits a decision), "taken_down", or "all".
    Most reported first, then the most recently reported."""
    qs = ModerationCase.objects.select_related("owner").annotate(
        open_reports=Count("reports", filter=_OPEN),
        total_reports=Count("reports"),
        first_reported_at=Min("reports__created_at"),
        last_report_at=Max("reports__created_at"),
    )
    if status == "open":
        qs = qs.filter(open_reports__gt=0)
    elif status == "taken_down":
        qs = qs.filter(state=CaseState.TAKEN_DOWN)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-open_reports", "-last_report_at", "-pk")


def case_get(*, case_id: int) -> ModerationCase:
    case = cases_for_queue(status="all").filter(pk=case_id).first()
    if case is None:
        raise Http404("No such moderation case.")
    return case


def reports_of_case(*, case: ModerationCase) -> list[Report]:
    """The newest MODERATION_CASE_REPORTS_SHOWN reports of a case. One query."""
    return list(
        Report.objects.filter(case=case)
        .select_related("reporter")
        .order_by("-created_at", "-pk")[: settings.MODERATION_CASE_REPORTS_SHOWN]
    )
