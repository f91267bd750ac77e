"""Item analysis use cases: request one (queue the job, or answer from the stored
result when the attempts have not changed) and compute one (the job's body)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from .models import ItemAnalysisReport

logger = logging.getLogger(__name__)


def attempts_fingerprint(*, quiz_id: int) -> str:
    """Which submitted attempts a quiz has: their count, newest submission and largest
    id (one aggregate query). Any new or re-scored attempt changes it."""
    from learning.assessments.models import Attempt

    row = Attempt.objects.filter(quiz_id=quiz_id, state=Attempt.State.SUBMITTED).aggregate(
        count=Count("pk"), newest=Max("submitted_at"), last=Max("pk")
    )
    newest = row["newest"].isoformat() if row["newest"] else "-"
    return f"{row['count']}:{newest}:{row['last'] or 0}"


def _stuck(report: ItemAnalysisReport) -> bool:
    """A queued or running report older than a job may live (its worker died)."""
    from site_config.jobs import queue_conf

    limit = dt.timedelta(seconds=2 * int(queue_conf("heavy").get("timeout") or 300))
    since = report.started_at or report.requested_at
    return since is not None and timezone.now() - since > limit


def item_analysis_request(
    *, user, quiz, basis: str, refresh: bool = False
) -> tuple[ItemAnalysisReport, bool]:
    """The quiz's report for `basis`, queued for computing unless a stored one matches
    the current attempts (or one is already on its way). Returns (report, queued)."""
    fingerprint = attempts_fingerprint(quiz_id=quiz.pk)
    with transaction.atomic():
        report, created = ItemAnalysisReport.objects.select_for_update().get_or_create(
            quiz=quiz, basis=basis, defaults={"requested_at": timezone.now(), "requested_by": user}
        )
        if not created:
            busy = report.status in (ItemAnalysisReport.Status.QUEUED, ItemAnalysisReport.Status.RUNNING)
            if busy and not _stuck(report):
                return report, False  # already on its way
            current = report.status == ItemAnalysisReport.Status.DONE and report.fingerprint == fingerprint
            if current and not refresh:
                return report, False  # the stored result is of these very attempts
        report.status = ItemAnalysisReport.Status.QUEUED
        report.requested_by = user
        report.requested_at = timezone.now()
        report.started_at = None
        report.finished_at = None
        report.error = ""
        report.save()
        report_id = report.pk
        transaction.on_commit(lambda: _enqueue(report_id))
    return report, True


def _enqueue(report_id: int) -> None:
    from site_config.jobs import enqueue

    enqueue(
        "learning.assessments.analysis.tasks.item_analysis_run",
        report_id,
        queue="heavy",
        task_name=f"item-analysis:{report_id}",
        save=False,
    )


def item_analysis_compute(*, report_id: int) -> ItemAnalysisReport | None:
    """Compute and store a report (the job). Its attempts are read once; a failure is
    stored on the report (status `failed`, the error) for the client to see."""
    from . import data

    report = ItemAnalysisReport.objects.filter(pk=report_id).first()
    if report is None:
        return None
    ItemAnalysisReport.objects.filter(pk=report_id).update(
        status=ItemAnalysisReport.Status.RUNNING, started_at=timezone.now()
    )
    try:
        fingerprint = attempts_fingerprint(quiz_id=report.quiz_id)
        result = data.report_build(
            quiz_id=report.quiz_id, basis=report.basis, group_share=settings.ITEM_ANALYSIS_GROUP_SHARE
        )
    except Exception as exc:  # the job must leave a status the client can read
        logger.exception("item analysis %s failed", report_id)
        ItemAnalysisReport.objects.filter(pk=report_id).update(
            status=ItemAnalysisReport.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return ItemAnalysisReport.objects.filter(pk=report_id).first()
    ItemAnalysisReport.objects.filter(pk=report_id).update(
        status=ItemAnalysisReport.Status.DONE,
        finished_at=timezone.now(),
        fingerprint=fingerprint,
        attempt_count=result["attempt_count"],
        result=result,
        error="",
    )
    return ItemAnalysisReport.objects.filter(pk=report_id).first()  # None: the quiz went away
