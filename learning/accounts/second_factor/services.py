"""Second-factor state changes: enrolment, verification, reset by an admin."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from learning.audit.services import audit_record

TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_pending_get_or_create(*, user) -> TOTPDevice:
    """The unconfirmed TOTP device an enrolment shows as a QR code (one per user)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def totp_enrol(*, request, user, token: str) -> list[str] | None:
    """Confirm the pending device with a code from the app: the session counts as
    verified, recovery codes are made (returned, shown once) and the enrolment is
    audited. None when the code is wrong."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token):
        audit_record(
            event="auth.2fa_failed", actor=user, target=user, request=request, data={"step": "enrol"}
        )
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_renew(user=user)
        otp_login(request, device)
        audit_record(event="auth.2fa_enrolled", actor=user, target=user, request=request)
    return codes


def recovery_codes_renew(*, user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.ADMIN_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def second_factor_verify(*, request, user, token: str) -> bool:
    """Check a TOTP or recovery code (a recovery code is used up); on success the
    session counts as verified. Audited either way."""
    device = match_token(user, token.strip().replace(" ", ""))
    if device is None:
        audit_record(
            event="auth.2fa_failed", actor=user, target=user, request=request, data={"step": "verify"}
        )
        return False
    otp_login(request, device)
    if isinstance(device, StaticDevice):
        left = device.token_set.count()
        audit_record(
            event="auth.2fa_recovery_used",
            actor=user,
            target=user,
            request=request,
            data={"codes_left": left},
        )
    else:
        audit_record(event="auth.2fa_verified", actor=user, target=user, request=request)
    return True


def second_factor_reset(*, user, by) -> int:
    """An admin removes every device of the account (lost phone): the next editor login
    enrols again. Their sessions are signed out too. Audited."""
    from ..services import sessions_revoke_all

    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
        audit_record(event="auth.2fa_reset", actor=by, target=user, data={"devices_removed": removed})
        sessions_revoke_all(user=user, reason="second_factor_reset", by=by)
    return removed
