"""Every state change of accounts: signup, sessions, one-time codes, passwords, profile.

Services raise django.core.exceptions.ValidationError (with a code and, where it names
one, the field) or rest_framework_simplejwt's TokenError for bad tokens; the API turns
both into the one error shape. Functions that count a failed attempt commit that count
before they report the failure.
"""

import logging
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group, update_last_login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from learning.audit.services import audit_record
from learning.events import UserSignedUp, bus

from . import user_cache
from .authentication import GENERATION_CLAIM, SESSION_CLAIM, session_revoked
from .emails import email_normalize
from .lockout import raise_if_locked_out
from .models import OneTimeCode
from .roles import Role
from .selectors import user_get_by_email
from .tokens import RotatingRefreshToken, tokens_for_user

User = get_user_model()
log = logging.getLogger("mrict.accounts")

OTP_INVALID = "The code is wrong, expired or already used. Request a new code."

# --- signup and login ---


def user_signup(*, email: str, password: str, display_name: str = ""):
    """A new student account, email not yet verified, and a verification code on its
    way. Learning endpoints stay closed (IsVerified) until the code is confirmed."""
    try:
        email = email_normalize(email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.error_list}) from None
    if user_get_by_email(email=email) is not None:
        raise _email_taken()
    _validate_password(password, User(email=email, display_name=display_name), field="password")
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, display_name=display_name)
            user.groups.add(Group.objects.get_or_create(name=Role.STUDENT.value)[0])
            otp_issue(user=user, purpose=OneTimeCode.Purpose.VERIFY_EMAIL)
            bus.publish(UserSignedUp(user_id=user.pk, occurred_at=user.date_joined))
    except IntegrityError:  # the same address signed up concurrently
        raise _email_taken() from None
    return user


def session_login(*, email: str, password: str, request=None):
    """The user for these credentials and a new token pair, or None. Unknown address,
    wrong password and disabled account look alike (Django's ModelBackend even spends
    the hashing time for an unknown address). Counts against, and obeys, the login
    lockout shared with the editor and admin logins: LoginLockedOut when it refused."""
    user = authenticate(request, email=email.strip(), password=password)
    if user is None:
        raise_if_locked_out(request)
        return None, None
    update_last_login(None, user)
    tokens = tokens_for_user(user)
    audit_record(event="auth.login", actor=user, target=user, data={"via": "api"})
    return user, tokens


# --- sessions (refresh tokens) ---


class RefreshTokenReused(TokenError):
    """A rotated (already used) refresh token came back: its session is revoked."""


def session_refresh(*, refresh: str) -> dict[str, str]:
    """Rotate: the presented refresh token is blacklisted and a new pair returned.

    The outstanding-token row is locked first, so two concurrent uses of one refresh
    token cannot both succeed: the second sees the blacklist entry and fails. A token
    of a revoked generation or session, or of a disabled/deleted user, fails too.

    Reuse of a rotated token means two parties hold the session's tokens (a thief and
    the victim): the whole session is revoked (`session_revoke`), so the newest refresh
    and access tokens stop working in both hands, and RefreshTokenReused is raised."""
    token = RotatingRefreshToken(refresh)  # signature, expiry, type; the blacklist below
    with transaction.atomic():
        outstanding = (
            OutstandingToken.objects.select_for_update().filter(jti=token[jwt_settings.JTI_CLAIM]).first()
        )
        if outstanding is None:
            raise TokenError("Token is blacklisted")
        user = _token_user(token)  # raises for a signed-out session or a disabled account
        reused = BlacklistedToken.objects.filter(token=outstanding).exists()
        if not reused:
            BlacklistedToken.objects.create(token=outstanding)
            access = str(token.access_token)
            token.set_jti()
            token.set_exp()
            token.set_iat()
            token.outstand()
    if reused:
        session_id = token.get(SESSION_CLAIM)
        if session_id:
            lifetime = jwt_settings.REFRESH_TOKEN_LIFETIME.total_seconds()
            session_revoke(user=user, session_id=session_id, for_seconds=lifetime)
        log.warning("rotated refresh token reused; session revoked", extra={"user_id": user.pk})
        audit_record(event="auth.session_revoked", target=user, data={"reason": "refresh_token_reused"})
        raise RefreshTokenReused(
            "This refresh token was already used, so someone else may hold this session: it is "
            "now signed out on every device that used it"
        )
    return {"access": access, "refresh": str(token)}


def session_logout(*, refresh: str, everywhere: bool = False) -> None:
    """Blacklist this refresh token and revoke its session, so the access tokens it
    minted stop working too; with `everywhere`, every outstanding refresh token of the
    user and (generation bump) every access token issued so far."""
    token = RefreshToken(refresh)
    user = _token_user(token)
    with transaction.atomic():
        token.blacklist()
        session_id = token.get(SESSION_CLAIM)
        if everywhere:
            sessions_revoke_all(user=user, reason="logout_everywhere")
        elif session_id:
            lifetime = jwt_settings.ACCESS_TOKEN_LIFETIME.total_seconds()
            session_revoke(user=user, session_id=session_id, for_seconds=lifetime)
        audit_record(
            event="auth.logout", actor=user, target=user, data={"via": "api", "everywhere": everywhere}
        )


def session_revoke(*, user, session_id: str, for_seconds: float) -> None:
    """Refuse every token of one session for the next `for_seconds` (the longest its
    tokens could still live). Recorded on the user row, which authentication loads
    anyway (and drops from the cache on this write): the per-request check reads nothing
    more, with or without Redis. Expired entries are pruned here; past
    AUTH_REVOKED_SESSIONS_MAX live ones the user is signed out everywhere instead."""
    now = time.time()
    with transaction.atomic():
        current = (
            User.objects.select_for_update()
            .filter(pk=user.pk)
            .values_list("revoked_sessions", flat=True)
            .first()
        )
        live = {sid: until for sid, until in (current or {}).items() if until > now}
        live[session_id] = max(live.get(session_id, 0), now + for_seconds)
        if len(live) > settings.AUTH_REVOKED_SESSIONS_MAX:
            sessions_revoke_all(user=user, reason="too_many_revoked_sessions")
            return
        User.objects.filter(pk=user.pk).update(revoked_sessions=live)
        user_cache.invalidate(user.pk)  # a queryset update sends no post_save
        user.revoked_sessions = live


def sessions_revoke_all(*, user, reason: str = "", by=None) -> int:
    """Sign the user out everywhere: blacklist all outstanding refresh tokens and bump
    the token generation, which makes every access token issued before invalid (and the
    per-session revocations redundant); their editor/admin sessions are deleted too.
    Audited (`auth.sessions_revoked_all`, with `reason` and the actor `by`). Returns the
    number of refresh tokens blacklisted."""
    from .sessions import django_sessions_delete

    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(
            token_generation=F("token_generation") + 1, revoked_sessions={}
        )
        user_cache.invalidate(user.pk)  # a queryset update sends no post_save
        user.refresh_from_db(fields=["token_generation", "revoked_sessions"])
        pending = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
        blacklisted = BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=t) for t in pending.only("id")], ignore_conflicts=True
        )
        sessions = django_sessions_delete(user=user)
        audit_record(
            event="auth.sessions_revoked_all",
            actor=by,
            target=user,
            data={"reason": reason, "refresh_tokens": len(blacklisted), "editor_sessions": sessions},
        )
    return len(blacklisted)


def _token_user(token):
    user_id = token.get(jwt_settings.USER_ID_CLAIM)
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None or not user.is_active:
        raise TokenError("No active account for this token")
    if token.get(GENERATION_CLAIM, 0) != user.token_generation or session_revoked(
        user, token.get(SESSION_CLAIM)
    ):
        raise TokenError("This session was signed out")
    return user


# --- one-time codes ---


def otp_issue(*, user, purpose: str) -> OneTimeCode:
    """A new code slot for (user, purpose); older unused codes die. The mail job
    generates the code itself (see OneTimeCode), queued once this transaction commits."""
    from django_q.tasks import async_task

    with transaction.atomic():
        OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).delete()
        otp = OneTimeCode.objects.create(user=user, purpose=purpose)
        # robust: the account is committed by then; failing to queue the mail (broker
        # down) is logged and the user can ask for a new code, rather than a 500.
        transaction.on_commit(
            lambda: async_task("learning.accounts.tasks.otp_send", otp.pk, task_name=f"otp:{purpose}"),
            robust=True,
        )
    return otp


def otp_deliver(*, otp_id: int) -> bool:
    """Job body: generate the code, store its HMAC and expiry, mail it. False when the
    slot was superseded or used meanwhile. A failed send raises, and the job's retry
    generates a fresh code."""
    now = timezone.now()
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .select_related("user")
            .filter(pk=otp_id, used_at__isnull=True)
            .first()
        )
        if otp is None:
            return False
        otp.code_hash = _otp_hash(otp.pk, code)
        otp.sent_at = now
        otp.expires_at = now + timedelta(minutes=settings.OTP_TTL_MINUTES)
        otp.failed_attempts = 0
        otp.save(update_fields=["code_hash", "sent_at", "expires_at", "failed_attempts"])
    user = otp.user
    context = {"code": code, "ttl_minutes": settings.OTP_TTL_MINUTES, "name": user.display_name}
    subjects = {
        OneTimeCode.Purpose.VERIFY_EMAIL: "Mr ICT: your email verification code",
        OneTimeCode.Purpose.PASSWORD_RESET: "Mr ICT: your password reset code",
    }
    send_mail(
        subject=subjects[otp.purpose],
        message=render_to_string(f"accounts/email/otp_{otp.purpose}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
    log.info("one-time code mailed", extra={"user_id": user.pk, "purpose": otp.purpose})
    return True


def otp_consume(*, user, purpose: str, code: str) -> bool:
    """True when `code` is the user's live code for `purpose`, which it then uses up.
    A wrong code counts against the code (committed even though the caller then fails);
    at OTP_MAX_ATTEMPTS wrong tries the code is dead, whatever comes next.

    Every failure does the same work, whether the address is unknown (`user` None), has
    no live code or the code is wrong: the same locking SELECT, the code hashed, and one
    UPDATE (of the code's attempt counter, or of no row), so the answer's timing does
    not tell which addresses have accounts or pending codes."""
    if not isinstance(code, str):
        return False
    now = timezone.now()
    with transaction.atomic():
        otp = (
            OneTimeCode.objects.select_for_update()
            .filter(user_id=user.pk if user is not None else 0, purpose=purpose, used_at__isnull=True)
            .exclude(code_hash="")
            .order_by("-created_at", "-pk")
            .first()
        )
        live = (
            otp is not None
            and otp.expires_at is not None
            and otp.expires_at > now
            and otp.failed_attempts < settings.OTP_MAX_ATTEMPTS
        )
        presented = _otp_hash(otp.pk if otp is not None else 0, code)
        if live and constant_time_compare(otp.code_hash, presented):
            otp.used_at = now
            otp.save(update_fields=["used_at"])
            return True
        OneTimeCode.objects.filter(pk=otp.pk if live else 0).update(failed_attempts=F("failed_attempts") + 1)
        return False


def _otp_hash(otp_id: int, code: str) -> str:
    # Keyed by SECRET_KEY: a leaked table alone does not let anyone try the million codes.
    return salted_hmac("mrict.accounts.otp", f"{otp_id}:{code}", algorithm="sha256").hexdigest()


def _otp_error(field: str = "code") -> ValidationError:
    return ValidationError({field: ValidationError(OTP_INVALID, code="otp_invalid")})


# --- email verification ---


def email_verify(*, email: str, code: str):
    user = user_get_by_email(email=email)
    active = user if user is not None and user.is_active else None
    if not otp_consume(user=active, purpose=OneTimeCode.Purpose.VERIFY_EMAIL, code=code):
        raise _otp_error()
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    return user


def email_verification_resend(*, email: str) -> None:
    """Queue the resend job for any address (see `_address_job_queue`); the job mails
    a code only to an active, unverified account."""
    _address_job_queue("learning.accounts.tasks.verification_resend", email=email)


def email_verification_resend_deliver(*, email: str) -> bool:
    """Job body: a new verification code for an active, unverified account; silently
    nothing for unknown, disabled or already verified addresses."""
    user = user_get_by_email(email=email)
    if user is None or not user.is_active or user.email_verified:
        return False
    otp_issue(user=user, purpose=OneTimeCode.Purpose.VERIFY_EMAIL)
    return True


def _address_job_queue(func: str, *, email: str) -> None:
    """Answering "a code is on its way" for any address must cost the same whether or not
    the address has an account, or the response time tells (8.4 ms against 4.5 ms once).
    So the request does no lookup at all: every address gets the same job queued, and the
    job decides. The job result is not saved (it would keep every probed address); a
    broker failure is logged, never a 500."""
    from django_q.tasks import async_task

    transaction.on_commit(
        lambda: async_task(func, email, task_name=func.rsplit(".", 1)[1], save=False), robust=True
    )


# --- passwords ---


def password_reset_request(*, email: str) -> None:
    """Queue the reset job for any address: the caller answers the same either way and,
    the request doing the same work for every address, in the same time."""
    _address_job_queue("learning.accounts.tasks.password_reset_send", email=email)


def password_reset_deliver(*, email: str) -> bool:
    """Job body: a reset code for an active account; nothing for any other address."""
    user = user_get_by_email(email=email)
    if user is None or not user.is_active:
        return False
    otp_issue(user=user, purpose=OneTimeCode.Purpose.PASSWORD_RESET)
    return True


def password_reset_confirm(*, email: str, code: str, new_password: str) -> None:
    """Set a new password with a reset code. Signs out every session, and marks the
    email verified (the code proves the mailbox)."""
    user = user_get_by_email(email=email)
    # Validate against a stand-in for unknown addresses, so the answer is the same.
    _validate_password(new_password, user or User(email=email), field="new_password")
    active = user if user is not None and user.is_active else None
    if not otp_consume(user=active, purpose=OneTimeCode.Purpose.PASSWORD_RESET, code=code):
        raise _otp_error()
    with transaction.atomic():
        user.set_password(new_password)
        user.email_verified = True
        user.save(update_fields=["password", "email_verified"])
        sessions_revoke_all(user=user, reason="password_reset")


def password_change(*, user, current_password: str, new_password: str) -> dict[str, str]:
    """Change the password of a logged-in user. Every other session is signed out; the
    caller gets a fresh token pair for this one."""
    if not user.check_password(current_password):
        raise ValidationError(
            {"current_password": ValidationError("The current password is wrong.", code="wrong_password")}
        )
    _validate_password(new_password, user, field="new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        sessions_revoke_all(user=user, reason="password_change", by=user)
        return tokens_for_user(user)


def _validate_password(password: str, user, *, field: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({field: exc.error_list}) from None


def _email_taken() -> ValidationError:
    return ValidationError(
        {
            "email": ValidationError(
                "An account with this email already exists. Log in instead.", code="email_taken"
            )
        }
    )


# --- profile ---

PROFILE_FIELDS = ("display_name", "bio", "locale", "time_zone")


def profile_update(*, user, data: dict):
    """Update the profile fields present in `data` (already validated by the API)."""
    changed = [field for field in PROFILE_FIELDS if field in data]
    for field in changed:
        setattr(user, field, data[field])
    if changed:
        user.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in changed])
        user.save(update_fields=changed)
    return user


# --- housekeeping ---


def housekeeping_run() -> dict[str, int]:
    """Delete refresh-token records past their expiry (with their blacklist rows) and
    one-time codes that can no longer be used (expired, used, or never sent, for a day).
    Logs and returns the counts per table; running it again removes nothing more."""
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

    now = timezone.now()
    day_ago = now - timedelta(days=1)
    with transaction.atomic():
        _, tokens = OutstandingToken.objects.filter(expires_at__lte=now).delete()
        _, codes = (
            OneTimeCode.objects.filter(expires_at__lte=day_ago)
            | OneTimeCode.objects.filter(used_at__lte=day_ago)
            | OneTimeCode.objects.filter(code_hash="", created_at__lte=day_ago)
        ).delete()
    removed = {
        "tokens": tokens.get(OutstandingToken._meta.label, 0),
        "blacklisted": tokens.get(BlacklistedToken._meta.label, 0),
        "codes": codes.get(OneTimeCode._meta.label, 0),
    }
    log.info("accounts housekeeping", extra=removed)
    return removed


# --- object-level grants (django-guardian) ---


def object_permission_grant(*, user, permission: str, obj) -> None:
    """Give `user` one permission ("app_label.codename") on one object, e.g. a teacher
    on one course. Idempotent."""
    from guardian.shortcuts import assign_perm

    with transaction.atomic():
        assign_perm(permission, user, obj)


def object_permission_revoke(*, user, permission: str, obj) -> None:
    from guardian.shortcuts import remove_perm

    with transaction.atomic():
        remove_perm(permission, user, obj)
