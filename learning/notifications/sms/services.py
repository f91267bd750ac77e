"""Every state change of SMS: set, verify and remove a phone number; send a
notification SMS (the SMS channel of the notification core: daily cap, verified number);
deliver a verification code (its own job, with retries and backoff).

No SMS goes to a number that has not been verified, but the code that verifies it.
The daily cap (SMS_DAILY_CAP, any 24 hours) counts every SMS queued for the user, codes
included, under a lock on the user's phone row, so concurrent sends cannot pass it."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import PhoneNumber, SmsMessage
from .phone import phone_normalize
from .providers import SmsPermanentError, SmsTemporaryError, provider_get

log = logging.getLogger("mrict.sms")

CODE_INVALID = "The code is wrong, expired or already used. Ask for a new code."
WINDOW = timedelta(hours=24)


class SmsDailyCapReached(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"SMS daily cap reached; next SMS possible in {retry_after} s")
        self.retry_after = retry_after


# --- the phone number -------------------------------------------------------------------


def phone_get(*, user) -> PhoneNumber | None:
    return PhoneNumber.objects.filter(user=user).first()


def phone_set(*, user, number: str) -> tuple[PhoneNumber, bool]:
    """Set the user's number (unverified) and text it a code. Returns (phone, code_sent):
    the number the user already verified changes nothing. ValidationError for an invalid
    number; SmsDailyCapReached when the cap leaves no SMS for the code (nothing changes)."""
    try:
        number = phone_normalize(number)
    except ValidationError as exc:
        raise ValidationError({"number": exc.error_list}) from None
    with transaction.atomic():
        PhoneNumber.objects.get_or_create(user=user, defaults={"number": number})
        phone = PhoneNumber.objects.select_for_update().get(user=user)
        if phone.number == number and phone.verified_at is not None:
            return phone, False
        _raise_if_capped(user_id=user.pk)
        phone.number = number
        phone.verified_at = None
        phone.code_hash = ""
        phone.code_sent_at = phone.code_expires_at = None
        phone.code_failed_attempts = 0
        phone.save()
        message = SmsMessage.objects.create(user=user, kind=SmsMessage.Kind.CODE, to=number)
        transaction.on_commit(lambda: _enqueue(message.pk), robust=True)
    return phone, True


def phone_verify(*, user, code: str) -> PhoneNumber:
    """Confirm the number with the code texted to it. A wrong code counts against the
    code (committed, though the caller then fails); at OTP_MAX_ATTEMPTS wrong tries it is
    dead. The same rules as the email codes (learning/accounts, OTP_* settings)."""
    now = timezone.now()
    with transaction.atomic():
        phone = PhoneNumber.objects.select_for_update().filter(user=user).first()
        live = (
            phone is not None
            and phone.verified_at is None
            and phone.code_hash
            and phone.code_expires_at is not None
            and phone.code_expires_at > now
            and phone.code_failed_attempts < settings.OTP_MAX_ATTEMPTS
        )
        presented = _code_hash(phone.pk if phone else 0, phone.number if phone else "", str(code))
        if live and constant_time_compare(phone.code_hash, presented):
            phone.verified_at = now
            phone.code_hash = ""
            phone.save(update_fields=["verified_at", "code_hash", "updated_at"])
            return phone
        if live:
            PhoneNumber.objects.filter(pk=phone.pk).update(code_failed_attempts=F("code_failed_attempts") + 1)
    raise ValidationError({"code": ValidationError(CODE_INVALID, code="otp_invalid")})


def phone_delete(*, user) -> None:
    PhoneNumber.objects.filter(user=user).delete()


def _code_hash(phone_id: int, number: str, code: str) -> str:
    # Keyed by SECRET_KEY and bound to the number: a code verifies only the number it went to.
    return salted_hmac("mrict.sms.phone-code", f"{phone_id}:{number}:{code}", algorithm="sha256").hexdigest()


# --- queueing an SMS ---------------------------------------------------------------------


def _raise_if_capped(*, user_id: int) -> None:
    since = timezone.now() - WINDOW
    recent = SmsMessage.objects.filter(user_id=user_id, created_at__gte=since).exclude(
        status=SmsMessage.Status.SKIPPED
    )
    cap = settings.SMS_DAILY_CAP
    if recent.count() < cap:
        return
    oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
    wait = (oldest + WINDOW - timezone.now()).total_seconds() if oldest else WINDOW.total_seconds()
    raise SmsDailyCapReached(max(1, int(wait) + 1))


class SmsRefused(Exception):
    """This SMS will not go (no verified number, daily cap, the provider refused it)."""


def sms_send_notification(*, user_id: int, body: str, source: str) -> str:
    """Send a notification SMS now (the notification core's delivery job calls this
    through the SMS channel) and return the provider's message id. `source` names the
    delivery: its retries reuse one SmsMessage row, so a retried message counts once
    against the daily cap and one already sent is not sent twice.

    Raises SmsRefused for what a retry cannot fix (no verified number, the daily cap,
    a permanent provider refusal) and SmsTemporaryError for what it may (the caller's
    retry with backoff). The body is cut to SMS_MAX_CHARS."""
    body = body[: settings.SMS_MAX_CHARS]
    with transaction.atomic():
        phone = PhoneNumber.objects.select_for_update().filter(user_id=user_id).first()
        message = SmsMessage.objects.filter(user_id=user_id, source=source).first()
        if message is not None and message.status == SmsMessage.Status.SENT:
            return message.provider_message_id
        if phone is None or phone.verified_at is None:
            raise SmsRefused("no verified phone number")
        if message is None:
            try:
                _raise_if_capped(user_id=user_id)
            except SmsDailyCapReached:
                SmsMessage.objects.create(
                    user_id=user_id,
                    kind=SmsMessage.Kind.NOTIFICATION,
                    to=phone.number,
                    body=body,
                    source=source,
                    status=SmsMessage.Status.SKIPPED,
                    error="daily SMS cap reached",
                )
                raise SmsRefused("daily SMS cap reached") from None
            message = SmsMessage.objects.create(
                user_id=user_id, kind=SmsMessage.Kind.NOTIFICATION, to=phone.number, body=body, source=source
            )
        SmsMessage.objects.filter(pk=message.pk).update(
            attempts=F("attempts") + 1, to=phone.number, status=SmsMessage.Status.QUEUED
        )
    provider = provider_get()
    try:
        provider_id = provider.send(to=phone.number, body=body)
    except SmsTemporaryError as exc:
        SmsMessage.objects.filter(pk=message.pk).update(error=str(exc)[:500])
        raise
    except SmsPermanentError as exc:
        SmsMessage.objects.filter(pk=message.pk).update(status=SmsMessage.Status.FAILED, error=str(exc)[:500])
        raise SmsRefused(str(exc)) from exc
    SmsMessage.objects.filter(pk=message.pk).update(
        status=SmsMessage.Status.SENT,
        sent_at=timezone.now(),
        provider=provider.name,
        provider_message_id=provider_id,
        error="",
    )
    return provider_id


def _enqueue(message_id: int) -> None:
    from django_q.tasks import async_task

    async_task(
        "learning.notifications.sms.tasks.sms_send", message_id, task_name=f"sms:{message_id}", save=False
    )


# --- delivering one (the job) ----------------------------------------------------------------


def _code_text(code: str) -> str:
    return (
        f"Mr ICT: your phone verification code is {code}. It expires in {settings.OTP_TTL_MINUTES} minutes."
    )


def sms_deliver(*, message_id: int) -> SmsMessage | None:
    """Send one queued code SMS through the provider (a code is not a notification: it
    has no Delivery row, so it is retried here). A temporary failure (5xx, 429, network)
    leaves it queued with the reason and schedules the next try after
    SMS_RETRY_BACKOFF_SECONDS x 2^(tries-1), up to SMS_MAX_ATTEMPTS tries; a permanent one
    (or the last try) fails it with the reason. A code is generated anew for each try, so
    only the last one sent works."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            SmsMessage.objects.select_for_update()
            .filter(pk=message_id, status=SmsMessage.Status.QUEUED)
            .first()
        )
        if message is None:
            return None  # sent, failed or skipped meanwhile (a rerun of the job)
        message.attempts += 1
        body = message.body
        if message.kind == SmsMessage.Kind.CODE:
            phone = (
                PhoneNumber.objects.select_for_update()
                .filter(user_id=message.user_id, number=message.to, verified_at__isnull=True)
                .first()
            )
            if phone is None:  # the number changed, or was verified or removed meanwhile
                message.status = SmsMessage.Status.SKIPPED
                message.error = "the number changed before its code went out"
                message.save(update_fields=["attempts", "status", "error"])
                return message
            code = f"{secrets.randbelow(1_000_000):06d}"
            phone.code_hash = _code_hash(phone.pk, phone.number, code)
            phone.code_sent_at = now
            phone.code_expires_at = now + timedelta(minutes=settings.OTP_TTL_MINUTES)
            phone.code_failed_attempts = 0
            phone.save(update_fields=["code_hash", "code_sent_at", "code_expires_at", "code_failed_attempts"])
            body = _code_text(code)
        message.save(update_fields=["attempts"])
    provider = provider_get()
    try:
        provider_id = provider.send(to=message.to, body=body)
    except SmsTemporaryError as exc:
        return _failed(message, str(exc), retry=message.attempts < settings.SMS_MAX_ATTEMPTS)
    except SmsPermanentError as exc:
        return _failed(message, str(exc), retry=False)
    SmsMessage.objects.filter(pk=message.pk).update(
        status=SmsMessage.Status.SENT,
        sent_at=timezone.now(),
        provider=provider.name,
        provider_message_id=provider_id,
        error="",
        next_attempt_at=None,
    )
    log.info("sms sent", extra={"sms_id": message.pk, "user_id": message.user_id, "kind": message.kind})
    message.refresh_from_db()
    return message


def _failed(message: SmsMessage, reason: str, *, retry: bool) -> SmsMessage:
    from django_q.models import Schedule
    from django_q.tasks import schedule

    if retry:
        wait = settings.SMS_RETRY_BACKOFF_SECONDS * 2 ** (message.attempts - 1)
        next_at = timezone.now() + timedelta(seconds=wait)
        SmsMessage.objects.filter(pk=message.pk).update(error=reason[:500], next_attempt_at=next_at)
        schedule(
            "learning.notifications.sms.tasks.sms_send",
            message.pk,
            name=f"sms-retry:{message.pk}:{message.attempts}",
            schedule_type=Schedule.ONCE,
            next_run=next_at,
            repeats=1,
        )
        log.warning("sms try failed, retrying", extra={"sms_id": message.pk, "reason": reason})
    else:
        SmsMessage.objects.filter(pk=message.pk).update(
            status=SmsMessage.Status.FAILED, error=reason[:500], next_attempt_at=None
        )
        log.warning("sms failed", extra={"sms_id": message.pk, "reason": reason})
    message.refresh_from_db()
    return message
