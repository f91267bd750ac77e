"""The audit log's state changes: recording an explicit event, and the retention purge
(the only deletion there is).

`audit_record` is the one call for an explicit event, from any app:

    from learning.audit.services import audit_record
    audit_record(event="certificate.revoked", actor=admin, target=certificate,
                 data={"reason": reason})

Other apps reach it through a domain event the audit app hears (receivers.py), not by
importing this module for the side effect.

The client address, user agent and request id come from the request being served
(context.py), or from `request=` when given; in a job they are empty.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from auditlog.models import AbstractLogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.encoding import smart_str

from . import context as audit_context
from .models import AuditEntry

log = logging.getLogger("mrict.audit")

# The explicit events (docs/audit-log.md lists who records each).
EVENTS = {
    "auth.login": "a password login (API, editor or Django admin)",
    "auth.login_failed": "a refused login (wrong password, unknown address, no access, locked)",
    "auth.locked_out": "an account or client network locked by the login lockout",
    "auth.lock_lifted": "an admin lifted a login lock",
    "auth.logout": "a logout (API session, editor or Django admin)",
    "auth.password_changed": "an account's password changed (any path)",
    "auth.email_changed": "an account's email changed (any path)",
    "auth.2fa_enrolled": "a second factor (TOTP + recovery codes) set up",
    "auth.2fa_verified": "a session passed the second factor",
    "auth.2fa_failed": "a wrong second-factor code",
    "auth.2fa_recovery_used": "a recovery code used (each works once)",
    "auth.2fa_reset": "an admin removed an account's second factor",
    "auth.session_revoked": "one session signed out (logout, refresh-token reuse)",
    "auth.sessions_revoked_all": "every session and token of an account signed out",
    "auth.role_changed": "an account's roles (groups) changed",
    "content.published": "a page published (editor, API, workflow, scheduler)",
    "content.unpublished": "a page unpublished",
    "data.exported": "an export of data (audit CSV, quiz item analysis CSV, analytics report)",
    "data.downloaded": "an analytics report export's file downloaded through its signed link",
    "certificate.revoked": "a certificate revoked",
    "audit.purged": "the retention purge deleted old audit entries",
}


def audit_record(
    *,
    event: str,
    actor=None,
    target=None,
    request=None,
    changes: dict | None = None,
    data: dict | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    """Append one explicit event. `target` is the model instance it is about (if any);
    `changes` a before/after diff as django-auditlog writes them ({field: [old, new]})."""
    ctx = audit_context.context_from_request(request) if request is not None else audit_context.current()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    fields = {
        "event": event,
        "action": AbstractLogEntry.Action.ACCESS,
        "actor": actor,
        "actor_email": getattr(actor, "email", None) if actor is not None else None,
        "remote_addr": ctx.ip,
        "user_agent": ctx.user_agent,
        "cid": ctx.request_id,
        "changes": changes,
        "additional_data": data or None,
    }
    if target is not None:
        pk = target.pk
        fields.update(
            content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            object_pk=str(pk),
            object_id=pk if isinstance(pk, int) else None,
            object_repr=object_repr if object_repr is not None else smart_str(target)[:1000],
        )
    elif object_repr:
        fields["object_repr"] = object_repr
    return AuditEntry.objects.create(**fields)


def audit_record_after_commit(**kwargs) -> None:
    """Record once the current transaction commits (for events of work that may still be
    rolled back); the request context is taken now."""
    ctx = audit_context.current()

    def write():
        token = audit_context.set_current(ctx)
        try:
            audit_record(**kwargs)
        finally:
            audit_context.reset_current(token)

    transaction.on_commit(write)


# --- retention ---

PURGE_GATE_TABLE = "audit_purge_gate"


def audit_purge(*, now=None) -> int:
    """Delete entries older than AUDIT_RETENTION_DAYS (0 = keep all) and record that it
    happened (`audit.purged`, with the cut-off and the count). The only deletion path:
    the append-only trigger lets a DELETE through only for rows older than the cut-off
    this function declares for its own transaction (PostgreSQL: a transaction-local
    `audit.purge_before`; SQLite: a row in audit_purge_gate, removed in the same
    transaction)."""
    days = settings.AUDIT_RETENTION_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    with transaction.atomic():
        deleted = _delete_before(cutoff)
        audit_record(
            event="audit.purged",
            data={"older_than": cutoff.isoformat(), "deleted": deleted, "retention_days": days},
        )
    log.info("audit purge", extra={"deleted": deleted, "cutoff": cutoff.isoformat()})
    return deleted


def _delete_before(cutoff) -> int:
    """The trigger-sanctioned DELETE of every entry older than `cutoff`, in one
    transaction. Only audit_purge calls it (and the test harness, to empty the table
    before Django's flush between transactional tests: tests/conftest)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('audit.purge_before', %s, true)", [cutoff.isoformat()])
            cursor.execute("DELETE FROM audit_entry WHERE timestamp < %s", [cutoff])
            deleted = cursor.rowcount
            cursor.execute("SELECT set_config('audit.purge_before', '', true)")
        else:
            stored = connection.ops.adapt_datetimefield_value(cutoff)  # the column's text form
            cursor.execute("INSERT INTO audit_purge_gate (purge_before) VALUES (%s)", [stored])
            cursor.execute("DELETE FROM audit_entry WHERE timestamp < %s", [stored])
            deleted = cursor.rowcount
            cursor.execute("DELETE FROM audit_purge_gate")
    return deleted
