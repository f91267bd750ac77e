"""What admins do about other accounts' security: see and lift login locks, list and
revoke a user's sessions and tokens, remove a lost second factor. Every change audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from learning.audit.services import audit_record

from .lockout import lock_lift
from .models import LoginLock
from .sessions import django_sessions_of

User = get_user_model()


def login_locks_current():
    return LoginLock.objects.filter(locked_until__gt=timezone.now(), lifted_at__isnull=True).select_related(
        "lifted_by"
    )


def login_lock_lift(*, lock: LoginLock, by) -> LoginLock:
    """End the lock now (its cache entries and failure count) and say who did."""
    with transaction.atomic():
        lock_lift(kind=lock.kind, digest=lock.digest)
        lock.lifted_at = timezone.now()
        lock.lifted_by = by
        lock.save(update_fields=["lifted_at", "lifted_by"])
        audit_record(
            event="auth.lock_lifted",
            actor=by,
            target=lock,
            changes={"lifted_at": [None, lock.lifted_at.isoformat()]},
            data={"kind": lock.kind, "subject": lock.subject},
        )
    return lock


def user_sessions(*, user) -> dict:
    """The user's live refresh tokens (API sessions) and editor/admin sessions."""
    now = timezone.now()
    tokens = (
        OutstandingToken.objects.filter(user=user, expires_at__gt=now, blacklistedtoken__isnull=True)
        .order_by("-created_at")
        .values("id", "jti", "created_at", "expires_at")
    )
    return {"refresh_tokens": list(tokens), "editor_sessions": django_sessions_of(user=user)}


def user_sessions_revoke(*, user, by) -> int:
    from .services import sessions_revoke_all

    return sessions_revoke_all(user=user, reason="admin_revoke", by=by)
