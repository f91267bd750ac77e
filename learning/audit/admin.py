"""Django admin: the audit log read-only (django-auditlog registers its admin for our
model; this replaces it with one that can neither add, change nor delete)."""

from auditlog.admin import LogEntryAdmin
from django.contrib import admin

from .models import AuditEntry

if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(LogEntryAdmin):
    list_display = ["created", "event", "resource_url", "msg_short", "user_url", "remote_addr", "cid"]
    list_filter = ["event", "action"]
    search_fields = ["event", "object_repr", "actor_email", "cid", "remote_addr"]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
