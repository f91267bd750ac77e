"""The use cases of moderation: a learner reports content; an admin dismisses the open
reports of a case, takes its content down, or restores it. Each runs in one transaction
and publishes its events after commit (learning/events); the owning apps hide or show
their own content when they hear them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from learning.events import ContentRestored, ContentTakenDown, ReportResolved, bus

from .models import CaseState, ModerationCase, Report, ReportStatus
from .registry import get_kind


class ModerationProblem(Exception):
    """A refused use case: `status` (400, 404, 409, 429) and a machine-readable `code`."""

    def __init__(self, status: int, code: str, detail: str, attr: str | None = None):
        super().__init__(detail)
        self.status, self.code, self.detail, self.attr = status, code, detail, attr


def _reports_in_last_hour(*, reporter) -> int:
    since = timezone.now() - dt.timedelta(hours=1)
    return Report.objects.filter(reporter=reporter, created_at__gte=since).count()


def report_create(*, reporter, kind: str, target: str, reason: str, comment: str = "") -> Report:
    """File a report of the content `target` of `kind`, as seen by `reporter`.

    404 `not_found` when the reporter cannot see it (the kind's resolver decides), 400
    `own_content` for one's own content, 409 `already_reported` while the reporter's
    previous report of it is open, 429 `too_many_reports` past
    MODERATION_REPORTS_PER_HOUR."""
    reportable = get_kind(kind)
    if reportable is None:
        raise ModerationProblem(400, "invalid_choice", f"Unknown kind {kind!r}.", attr="kind")
    if _reports_in_last_hour(reporter=reporter) >= settings.MODERATION_REPORTS_PER_HOUR:
        raise ModerationProblem(429, "too_many_reports", "You have sent as many reports as an hour allows.")
    try:
        content = reportable.resolve(user=reporter, target=target)
    except ValueError as exc:
        raise ModerationProblem(400, "invalid", str(exc), attr="target") from None
    except Http404:
        raise ModerationProblem(404, "not_found", "No such content.") from None
    if content.owner_id is not None and content.owner_id == reporter.pk:
        raise ModerationProblem(400, "own_content", "You cannot report your own content.", attr="target")
    now = timezone.now()
    try:
        with transaction.atomic():
            case, _ = ModerationCase.objects.get_or_create(
                kind=kind,
                object_id=content.object_id,
                defaults={"owner_id": content.owner_id, "label": content.label[:200]},
            )
            if Report.objects.filter(case=case, reporter=reporter, status=ReportStatus.OPEN).exists():
                raise ModerationProblem(409, "already_reported", "You have reported this already.")
            report = Report.objects.create(case=case, reporter=reporter, reason=reason, comment=comment)
            ModerationCase.objects.filter(pk=case.pk).update(last_reported_at=now)
    except IntegrityError:  # a concurrent twin of this report won the race
        raise ModerationProblem(409, "already_reported", "You have reported this already.") from None
    return report


def _resolve_open_reports(*, case: ModerationCase, admin, status: str, comment: str, now) -> list[Report]:
    reports = list(
        Report.objects.select_for_update().filter(case=case, status=ReportStatus.OPEN).order_by("pk")
    )
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(
        status=status, resolved_at=now, resolved_by=admin, resolution_comment=comment
    )
    outcome = "taken_down" if status == ReportStatus.UPHELD else "dismissed"
    for report in reports:
        bus.publish(
            ReportResolved(
                report_id=report.pk,
                reporter_id=report.reporter_id,
                case_id=case.pk,
                kind=case.kind,
                outcome=outcome,
                resolved_by_id=admin.pk,
                occurred_at=now,
            )
        )
    return reports


def _locked(case: ModerationCase) -> ModerationCase:
    return ModerationCase.objects.select_for_update().get(pk=case.pk)


def case_dismiss(*, case: ModerationCase, admin, comment: str = "") -> ModerationCase:
    """Close the open reports of a case without action (409 `no_open_reports`)."""
    with transaction.atomic():
        case = _locked(case)
        if not _resolve_open_reports(
            case=case, admin=admin, status=ReportStatus.DISMISSED, comment=comment, now=timezone.now()
        ):
            raise ModerationProblem(409, "no_open_reports", "This case has no open report to dismiss.")
    return case


def case_take_down(*, case: ModerationCase, admin, reason: str, comment: str = "") -> ModerationCase:
    """Hide the content from everyone but admins; the open reports are upheld (409
    `already_taken_down`)."""
    now = timezone.now()
    with transaction.atomic():
        case = _locked(case)
        if case.state == CaseState.TAKEN_DOWN:
            raise ModerationProblem(409, "already_taken_down", "This content is taken down already.")
        case.state = CaseState.TAKEN_DOWN
        case.takedown_reason = reason
        case.takedown_comment = comment
        case.taken_down_at = now
        case.taken_down_by = admin
        case.save()
        _resolve_open_reports(case=case, admin=admin, status=ReportStatus.UPHELD, comment=comment, now=now)
        bus.publish(
            ContentTakenDown(
                case_id=case.pk,
                kind=case.kind,
                object_id=case.object_id,
                owner_id=case.owner_id,
                reason=reason,
                taken_down_by_id=admin.pk,
                occurred_at=now,
            )
        )
    return case


def case_restore(*, case: ModerationCase, admin, comment: str = "") -> ModerationCase:
    """Undo a takedown (409 `not_taken_down`). Reports opened since stay open."""
    now = timezone.now()
    with transaction.atomic():
        case = _locked(case)
        if case.state != CaseState.TAKEN_DOWN:
            raise ModerationProblem(409, "not_taken_down", "This content is not taken down.")
        case.state = CaseState.VISIBLE
        case.restored_at = now
        case.restored_by = admin
        case.restore_comment = comment
        case.save()
        bus.publish(
            ContentRestored(
                case_id=case.pk,
                kind=case.kind,
                object_id=case.object_id,
                owner_id=case.owner_id,
                restored_by_id=admin.pk,
                occurred_at=now,
            )
        )
    return case
