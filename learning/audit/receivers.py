"""Explicit audit events taken from signals, so that every path is covered whatever
code path made the change: Django's auth signals (every login form and the API's
authenticate() call), the user model's own saves (a password or email changed through
the API, the editor, Django admin or a command alike), the role groups' m2m changes and
Wagtail's publish signals (editor, authoring API, workflow approval, scheduler)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save

from .services import audit_record

_OLD = "_audit_old_secrets"


def _on_login(sender, request, user, **kwargs):
    audit_record(event="auth.login", actor=user, target=user, request=request, data={"via": _door(request)})


def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(
            event="auth.logout", actor=user, target=user, request=request, data={"via": _door(request)}
        )


def _on_login_failed(sender, credentials, request=None, **kwargs):
    from learning.accounts.lockout import lockout_username

    data = {"via": _door(request), "account": lockout_username(request, credentials)}
    if request is not None and getattr(request, "axes_locked_out", False):
        data["locked"] = True
    audit_record(event="auth.login_failed", request=request if hasattr(request, "META") else None, data=data)


def _door(request) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/django-admin/"):
        return "django-admin"
    if path.startswith("/admin/"):
        return "editor"
    return "other"


def _remember_secrets(sender, instance, update_fields=None, **kwargs):
    """Before a user row is saved: its stored password hash and email, when the save may
    change them (the login's last_login update does not look)."""
    if instance.pk is None or (update_fields is not None and not {"password", "email"} & set(update_fields)):
        return
    old = sender._default_manager.filter(pk=instance.pk).values("password", "email").first()
    setattr(instance, _OLD, old)


def _secrets_changed(sender, instance, created, **kwargs):
    old = instance.__dict__.pop(_OLD, None)
    if created or not old:
        return
    if old["password"] != instance.password:
        audit_record(event="auth.password_changed", target=instance, actor=_request_actor(instance))
    if old["email"] != instance.email:
        audit_record(
            event="auth.email_changed",
            target=instance,
            actor=_request_actor(instance),
            changes={"email": [old["email"], instance.email]},
        )


def _request_actor(default):
    """The signed-in user of the request being served (django-auditlog's context), else
    `default` (the account itself: a reset by code, a command)."""
    try:
        from auditlog.context import auditlog_value

        actor = auditlog_value.get().get("actor")
    except LookupError:
        actor = None
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor
    return default


def _roles_changed(sender, instance, action, pk_set, reverse, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    from django.contrib.auth.models import Group

    names = sorted(Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
    verb = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    audit_record(
        event="auth.role_changed",
        target=instance,
        actor=_request_actor(None),
        data={verb: names},
    )


def _page_published(sender, instance, revision=None, **kwargs):
    audit_record(
        event="content.published",
        target=instance,
        actor=_request_actor(getattr(revision, "user", None)),
        data={"revision": getattr(revision, "pk", None), "page_type": instance._meta.label},
    )


def _page_unpublished(sender, instance, **kwargs):
    audit_record(
        event="content.unpublished",
        target=instance,
        actor=_request_actor(None),
        data={"page_type": instance._meta.label},
    )


def _record_about(name: str, *, label: str, pk: int, actor_id: int | None, data) -> None:
    """An explicit entry about one row of another app (by model label, so this app
    imports none of their code), heard after commit in the request that made the change
    (its address, agent and request id are recorded). `data(row)` gives the entry's data;
    `row` is None when the row is gone by now."""
    from django.apps import apps

    row = apps.get_model(label).objects.filter(pk=pk).first()
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    audit_record(
        event=name,
        actor=actor,
        target=row,
        object_repr=None if row is not None else f"{label} {pk}",
        data=data(row),
    )


def on_certificate_revoked(event) -> None:
    """`CertificateRevoked`: `certificate.revoked`, the admin as actor, with the reason
    the certificate keeps."""
    _record_about(
        "certificate.revoked",
        label="certificates.Certificate",
        pk=event.certificate_id,
        actor_id=event.revoked_by_id,
        data=lambda row: {
            "learner_id": event.user_id,
            "course_id": event.course_id,
            "reason": row.revoke_reason if row is not None else "",
        },
    )


def on_content_taken_down(event) -> None:
    """`ContentTakenDown` (learning/moderation): `moderation.taken_down` on the case."""
    _record_about(
        "moderation.taken_down",
        label="moderation.ModerationCase",
        pk=event.case_id,
        actor_id=event.taken_down_by_id,
        data=lambda case: {
            "kind": event.kind,
            "object_id": event.object_id,
            "owner_id": event.owner_id,
            "reason": event.reason,
            "comment": case.takedown_comment if case is not None else "",
        },
    )


def on_content_restored(event) -> None:
    _record_about(
        "moderation.restored",
        label="moderation.ModerationCase",
        pk=event.case_id,
        actor_id=event.restored_by_id,
        data=lambda case: {
            "kind": event.kind,
            "object_id": event.object_id,
            "owner_id": event.owner_id,
            "comment": case.restore_comment if case is not None else "",
        },
    )


def on_report_resolved(event) -> None:
    """`ReportResolved`: one `moderation.report_resolved` entry per report decided
    (dismissed, or upheld by a takedown)."""
    _record_about(
        "moderation.report_resolved",
        label="moderation.Report",
        pk=event.report_id,
        actor_id=event.resolved_by_id,
        data=lambda report: {
            "case_id": event.case_id,
            "kind": event.kind,
            "reporter_id": event.reporter_id,
            "outcome": event.outcome,
        },
    )


def on_report_exported(event) -> None:
    """`ReportExported` (learning/analytics/exports): `data.exported`, the export's
    requester as actor, with what was exported and how many rows."""
    _record_about(
        "data.exported",
        label="analytics_exports.ReportExport",
        pk=event.export_id,
        actor_id=event.requested_by_id,
        data=lambda row: {
            "export": f"analytics_{event.kind}_{event.format}",
            "export_id": event.export_id,
            "scope": event.scope,
            "organisation_id": event.organisation_id,
            "course_id": event.course_id,
            "rows": event.rows,
        },
    )


def on_report_downloaded(event) -> None:
    """`ReportDownloaded`: `data.downloaded`. The signed link is the permission, so the
    actor is unknown; the entry names whom the export was made for (and the request's
    address and agent)."""
    _record_about(
        "data.downloaded",
        label="analytics_exports.ReportExport",
        pk=event.export_id,
        actor_id=None,
        data=lambda row: {"export_id": event.export_id, "requested_by_id": event.requested_by_id},
    )


def connect() -> None:
    from django.apps import apps
    from wagtail.signals import page_published, page_unpublished

    from learning.events import CertificateRevoked, bus

    if apps.is_installed("learning.rewards.certificates"):
        bus.subscribe(CertificateRevoked, on_certificate_revoked)
    if apps.is_installed("learning.moderation"):
        from learning.events import ContentRestored, ContentTakenDown, ReportResolved

        bus.subscribe(ContentTakenDown, on_content_taken_down)
        bus.subscribe(ContentRestored, on_content_restored)
        bus.subscribe(ReportResolved, on_report_resolved)

    if apps.is_installed("learning.analytics.exports"):
        from learning.events import ReportDownloaded, ReportExported

        bus.subscribe(ReportExported, on_report_exported)
        bus.subscribe(ReportDownloaded, on_report_downloaded)

    User = get_user_model()
    user_logged_in.connect(_on_login, dispatch_uid="audit.login")
    user_logged_out.connect(_on_logout, dispatch_uid="audit.logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="audit.login_failed")
    pre_save.connect(_remember_secrets, sender=User, dispatch_uid="audit.user_secrets.pre")
    post_save.connect(_secrets_changed, sender=User, dispatch_uid="audit.user_secrets.post")
    m2m_changed.connect(_roles_changed, sender=User.groups.through, dispatch_uid="audit.roles")
    page_published.connect(_page_published, dispatch_uid="audit.page_published")
    page_unpublished.connect(_page_unpublished, dispatch_uid="audit.page_unpublished")
