"""Use cases of report exports: request one (queue the job), run it (the job's body:
write the file, streamed, with progress), record a download, purge old ones."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from learning.events import ReportDownloaded, ReportExported, bus

from .models import ReportExport, Status
from .sources import source_for
from .writers import writer_for

logger = logging.getLogger(__name__)

ACTIVE = (Status.QUEUED, Status.RUNNING)


class TooManyExports(Exception):
    """The user has ANALYTICS_EXPORT_MAX_ACTIVE_PER_USER exports queued or running."""


class ExportTooLarge(Exception):
    pass


def _job_lifetime() -> dt.timedelta:
    """How long a queued or running export may hold a slot: past it, its worker is
    taken for dead and it no longer counts against the limit."""
    return dt.timedelta(seconds=2 * int(settings.Q_CLUSTER.get("timeout") or 300))


def report_export_request(
    *,
    user,
    kind: str,
    format: str,
    scope: str,
    organisation_id: int | None = None,
    course_id: int | None = None,
) -> ReportExport:
    """Record the export and queue its job (after commit). The caller has checked the
    scope (selectors.export_scope_check). TooManyExports past the per-user limit."""
    now = timezone.now()
    with transaction.atomic():
        # One request at a time per user, so two at once cannot both pass the limit.
        get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
        active = ReportExport.objects.filter(
            requested_by=user, status__in=ACTIVE, created_at__gt=now - _job_lifetime()
        ).count()
        if active >= settings.ANALYTICS_EXPORT_MAX_ACTIVE_PER_USER:
            raise TooManyExports
        export = ReportExport.objects.create(
            requested_by=user,
            kind=kind,
            format=format,
            scope=scope,
            organisation_id=organisation_id if scope == "organisation" else None,
            course_id=course_id if scope == "course" else None,
            created_at=now,
            expires_at=now + dt.timedelta(hours=settings.ANALYTICS_EXPORT_RETENTION_HOURS),
        )
        export_id = str(export.pk)
        transaction.on_commit(lambda: _enqueue(export_id))
    return export


def _enqueue(export_id: str) -> None:
    from site_config.jobs import enqueue

    # An export of a large organisation is long work: the heavy queue, so it never
    # delays a mail or a notification.
    enqueue(
        "learning.analytics.exports.tasks.report_export_run",
        export_id,
        queue="heavy",
        task_name=f"report-export:{export_id}",
        save=False,
    )


def report_export_run(*, export_id) -> ReportExport | None:
    """The job: count the rows, write them one by one into a temporary file (CSV or
    XLSX, never all in memory), updating `rows_done` and `progress` as it goes, then
    store the file and mark the export done (ReportExported, heard by audit). Any
    failure is stored on the export (status `failed`, the error) for the client to see."""
    claimed = ReportExport.objects.filter(pk=export_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None  # gone, or another worker has it
    export = ReportExport.objects.get(pk=export_id)
    mine = ReportExport.objects.filter(pk=export_id)
    try:
        done = _write(export, mine)
    except Exception as exc:  # the job must leave a status the client can read
        if not isinstance(exc, ExportTooLarge):
            logger.exception("report export %s failed", export_id)
        if export.file:
            export.file.delete(save=False)
        mine.update(
            status=Status.FAILED,
            finished_at=timezone.now(),
            error=str(exc) if isinstance(exc, ExportTooLarge) else f"{type(exc).__name__}: {exc}"[:2000],
        )
        return mine.first()
    finished = timezone.now()
    with transaction.atomic():
        mine.update(
            status=Status.DONE,
            progress=100,
            rows_done=done,
            rows_total=done,
            file=export.file.name,
            finished_at=finished,
            expires_at=finished + dt.timedelta(hours=settings.ANALYTICS_EXPORT_RETENTION_HOURS),
            error="",
        )
        bus.publish(
            ReportExported(
                export_id=str(export.pk),
                requested_by_id=export.requested_by_id,
                kind=export.kind,
                format=export.format,
                scope=export.scope,
                organisation_id=export.organisation_id,
                course_id=export.course_id,
                rows=done,
                occurred_at=finished,
            )
        )
    return mine.first()


def _write(export: ReportExport, mine) -> int:
    source = source_for(
        kind=export.kind,
        scope=export.scope,
        organisation_id=export.organisation_id,
        course_id=export.course_id,
    )
    total = source.queryset.count()
    if total > settings.ANALYTICS_EXPORT_MAX_ROWS:
        raise ExportTooLarge(
            f"The report has {total} rows, more than ANALYTICS_EXPORT_MAX_ROWS "
            f"({settings.ANALYTICS_EXPORT_MAX_ROWS}): export a smaller scope."
        )
    mine.update(rows_total=total)
    step = max(500, total // 100)  # about a hundred progress writes, however long
    done = 0
    with tempfile.TemporaryFile() as stream:
        writer = writer_for(export.format, stream, title=export.kind)
        writer.header(source.columns)
        for values in source.queryset.iterator(chunk_size=2000):
            writer.row(source.row(values))
            done += 1
            if done % step == 0:
                mine.update(rows_done=done, progress=min(99, done * 100 // max(total, 1)))
        writer.close()
        stream.seek(0)
        export.file.save(export.filename, File(stream), save=False)
    return done


def report_export_downloaded(*, export: ReportExport) -> None:
    """Record a download of the export's file (ReportDownloaded, heard by audit)."""
    with transaction.atomic():
        bus.publish(
            ReportDownloaded(
                export_id=str(export.pk), requested_by_id=export.requested_by_id, occurred_at=timezone.now()
            )
        )


def report_exports_purge() -> int:
    """Delete exports past `expires_at` and their files; the count deleted. An export
    still queued or running is left alone until its job has had its time."""
    now = timezone.now()
    expired = ReportExport.objects.filter(expires_at__lte=now).exclude(
        status__in=ACTIVE, created_at__gt=now - _job_lifetime()
    )
    count = 0
    for export in expired.iterator():
        if export.file:
            export.file.delete(save=False)
        export.delete()
        count += 1
    return count
