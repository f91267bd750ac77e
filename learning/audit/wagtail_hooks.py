"""The audit log in the Wagtail editor: Settings > Audit log (admins: audit.view_auditentry)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views


@hooks.register("register_admin_urls")
def audit_urls():
    return [
        path("audit-log/", views.audit_log, name="audit_log"),
        path("audit-log/csv/", views.audit_log_csv, name="audit_log_csv"),
    ]


class AuditMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("audit.view_auditentry")


@hooks.register("register_settings_menu_item")
def audit_menu_item():
    return AuditMenuItem("Audit log", reverse("audit_log"), icon_name="list-ul", order=900)
