"""The audit log: one append-only table for every entry.

`AuditEntry` is django-auditlog's log entry model (AUDITLOG_LOGENTRY_MODEL), so the
model diffs django-auditlog writes for registered models (registry.py) and the explicit
events of `services.audit_record` (logins, revocations, exports, ...) sit side by side,
are searched, exported and purged the same way, and share one append-only guard.

What differs from django-auditlog's own LogEntry:
- `event`: a dotted name for every entry (`model.update`, `auth.login_failed`, ...);
  auditlog's numeric `action` stays for its own code (an explicit event is ACCESS).
- `user_agent` of the request; `cid` holds the request id (AUDITLOG_CID_GETTER).
- an event may have no object (a failed login for an unknown address, an export):
  `content_type` is nullable and `object_pk` may be empty.
- `actor` and `content_type` are plain ids without a database constraint or cascade:
  deleting a user must neither delete nor rewrite the entries about what they did
  (`actor_email` keeps who it was), and rewriting is exactly what the table refuses.

Append-only: the model refuses save() of an existing row and delete(); its querysets
refuse update() and delete(); the database refuses UPDATE, DELETE and TRUNCATE by
trigger (migration 0002; PostgreSQL and SQLite). The one way out is the retention purge
(services.audit_purge), which the trigger lets through in a controlled way.
"""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted (only the retention purge removes old ones).")

    _raw_delete = delete
    bulk_update = update


class AuditEntryManager(LogEntryManager.from_queryset(AuditEntryQuerySet)):
    pass


class AuditEntry(AbstractLogEntry):
    EVENT_OF_ACTION = {
        AbstractLogEntry.Action.CREATE: "model.create",
        AbstractLogEntry.Action.UPDATE: "model.update",
        AbstractLogEntry.Action.DELETE: "model.delete",
        AbstractLogEntry.Action.ACCESS: "model.access",
    }

    event = models.CharField(max_length=64, db_index=True)
    user_agent = models.CharField(max_length=512, blank=True, default="")
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    object_pk = models.CharField(max_length=255, db_index=True, blank=True, default="")
    object_repr = models.TextField(blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        db_table = "audit_entry"
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["actor", "timestamp"], name="audit_actor_time"),
            models.Index(fields=["content_type", "object_pk"], name="audit_object"),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        if self.action is None:
            self.action = self.Action.ACCESS
        if not self.event:
            self.event = self.EVENT_OF_ACTION.get(self.action, "model.change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted (only the retention purge removes old ones).")

    def __str__(self):
        return f"{self.event} {self.object_repr}".strip()
