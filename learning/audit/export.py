"""The audit log as CSV (admin API and Wagtail view), streamed; every export is itself
an audit event (`data.exported`, with the filters and the row count)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import timezone

from .selectors import AuditFilter, audit_entries, object_type_of
from .services import audit_record

COLUMNS = [
    "id",
    "timestamp",
    "event",
    "actor_id",
    "actor_email",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "data",
    "ip",
    "user_agent",
    "request_id",
]


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text  # never a formula in a spreadsheet
    return text


def rows(filters: AuditFilter) -> Iterator[list[str]]:
    qs = audit_entries(filters=filters)[: settings.AUDIT_EXPORT_MAX_ROWS]
    for entry in qs.iterator(chunk_size=2000):
        yield [
            str(entry.pk),
            entry.timestamp.isoformat(),
            entry.event,
            "" if entry.actor_id is None else str(entry.actor_id),
            _cell(entry.actor_email),
            object_type_of(entry) or "",
            _cell(entry.object_pk),
            _cell(entry.object_repr),
            _cell(json.dumps(entry.changes, default=str) if entry.changes else ""),
            _cell(json.dumps(entry.additional_data, default=str) if entry.additional_data else ""),
            entry.remote_addr or "",
            _cell(entry.user_agent),
            entry.cid or "",
        ]


def csv_response(*, filters: AuditFilter, actor, via: str) -> StreamingHttpResponse:
    """Records the export first (so an export that fails half-way is still on record),
    then streams the rows."""
    audit_record(
        event="data.exported",
        actor=actor,
        data={
            "export": "audit_log_csv",
            "via": via,
            "filters": {k: str(v) for k, v in vars(filters).items() if v not in (None, "")},
        },
    )
    writer = csv.writer(_Echo())

    def stream():
        yield writer.writerow(COLUMNS)
        for row in rows(filters):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response
