"""Reading the audit log: one filter for the admin API, the Wagtail view and the CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from .models import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    actor: int | None = None  # actor's user id
    actor_email: str = ""  # exact, case-insensitive
    event: str = ""  # exact (`auth.login`) or a prefix ending in a dot (`auth.`)
    object_type: str = ""  # `app_label.model`
    object_id: str = ""
    since: datetime | None = None
    until: datetime | None = None
    request_id: str = ""
    ip: str = ""


class UnknownObjectType(ValueError):
    pass


def audit_entries(*, filters: AuditFilter) -> QuerySet[AuditEntry]:
    """Newest first; actor and content type joined (constant queries per page)."""
    qs = AuditEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if filters.actor is not None:
        qs = qs.filter(actor_id=filters.actor)
    if filters.actor_email:
        qs = qs.filter(actor_email__iexact=filters.actor_email)
    if filters.event:
        qs = (
            qs.filter(event__startswith=filters.event)
            if filters.event.endswith(".")
            else qs.filter(event=filters.event)
        )
    if filters.object_type:
        app_label, _, model = filters.object_type.lower().partition(".")
        try:
            ct = ContentType.objects.get_by_natural_key(app_label, model)
        except ContentType.DoesNotExist:
            raise UnknownObjectType(filters.object_type) from None
        qs = qs.filter(content_type=ct)
    if filters.object_id:
        qs = qs.filter(object_pk=filters.object_id)
    if filters.since:
        qs = qs.filter(timestamp__gte=filters.since)
    if filters.until:
        qs = qs.filter(timestamp__lt=filters.until)
    if filters.request_id:
        qs = qs.filter(cid=filters.request_id)
    if filters.ip:
        qs = qs.filter(remote_addr=filters.ip)
    return qs


def object_type_of(entry: AuditEntry) -> str | None:
    ct = entry.content_type
    return f"{ct.app_label}.{ct.model}" if ct is not None else None
