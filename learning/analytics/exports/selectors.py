"""Reads of exports, and who may export what (docs/analytics.md#exports).

Who may export which scope:
- admins: any organisation, any course;
- teachers: the courses they may edit (cms.selectors.courses_editable_by);
- organisation admins: their own organisation (accounts.selectors.organisation_admin_of).
Anyone else may not export at all (403). Someone who may export, asking for a scope
that is not theirs (another organisation, another teacher's course, or one that does
not exist), gets 404: nothing says whether it exists.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from learning.accounts.roles import Role, user_has_role
from learning.accounts.selectors import organisation_admin_of

from .models import ReportExport, Scope


def user_may_export(user) -> bool:
    """Whether `user` may export anything at all (and so list and read their exports)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        user_has_role(user, Role.ADMIN)
        or user_has_role(user, Role.TEACHER)
        or organisation_admin_of(user) is not None
    )


def export_scope_check(*, user, scope: str, organisation_id: int | None, course_id: int | None) -> None:
    """Raises PermissionDenied (may not export this kind of scope) or Http404 (not
    theirs, or no such organisation or course)."""
    from django.apps import apps

    is_admin = user_has_role(user, Role.ADMIN)
    if scope == Scope.ORGANISATION:
        own = organisation_admin_of(user)
        if not is_admin and own is None:
            raise PermissionDenied("Only admins and organisation admins export an organisation's reports.")
        if not is_admin and own != organisation_id:
            raise Http404
        if not apps.get_model("accounts.Organisation").objects.filter(pk=organisation_id).exists():
            raise Http404
        return
    if not is_admin and not user_has_role(user, Role.TEACHER):
        raise PermissionDenied("Only admins and the course's teachers export a course's reports.")
    from cms.selectors import courses_editable_by

    if not courses_editable_by(user=user).filter(pk=course_id).exists():
        raise Http404


def exports_of_user(*, user) -> QuerySet[ReportExport]:
    """The user's own exports, newest first (one query per page; no joins needed)."""
    return ReportExport.objects.filter(requested_by=user).order_by("-created_at", "id")


def export_get_for_user(*, user, export_id) -> ReportExport:
    """One of the user's own exports, else 404 (an admin's too: exports are personal)."""
    export = ReportExport.objects.filter(pk=export_id, requested_by=user).first()
    if export is None:
        raise Http404
    return export


def export_for_download(*, export_id) -> ReportExport:
    """A finished export whose file is still kept, for its signed link; else 404."""
    from django.utils import timezone

    export = ReportExport.objects.filter(pk=export_id, status="done", expires_at__gt=timezone.now()).first()
    if export is None or not export.file:
        raise Http404
    return export
