"""Delivery of queued `Delivery` rows through their channel, with retries.

- `deliveries_queue`: after the caller's commit, one django-q2 job per chunk of
  NOTIFICATIONS_DELIVERY_CHUNK deliveries (never a job per recipient).
- `deliveries_send` (the job body): claims the chunk's due rows (a lease, so the retry
  sweep or a second worker does not send them twice), hands each to its channel inside
  one channel session (e.g. one SMTP connection), and records the outcome: `sent` with
  the provider's message id; `failed` with the reason for a permanent refusal or when
  the attempts are used up; else back to `queued` with `next_attempt_at` pushed by an
  exponential backoff.
- `deliveries_retry_due` (a schedule every minute, setup_schedules): queues the jobs
  for queued rows whose time has come, i.e. the retries, and anything whose job was
  lost (broker down when it was queued, worker killed mid-send: the lease expires).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import channels as channel_registry
from ..models import Delivery, DeliveryStatus

log = logging.getLogger("mrict.notifications")

SEND_TASK = "learning.notifications.tasks.deliveries_send"


def deliveries_queue(*, delivery_ids: list[int]) -> None:
    """Queue the send jobs once the current transaction commits. A broker failure is
    logged, not raised: the rows stay queued and the retry sweep picks them up."""
    from django_q.tasks import async_task

    chunk = settings.NOTIFICATIONS_DELIVERY_CHUNK
    for start in range(0, len(delivery_ids), chunk):
        ids = delivery_ids[start : start + chunk]
        transaction.on_commit(
            lambda ids=ids: async_task(SEND_TASK, ids, task_name="notifications:deliver", save=False),
            robust=True,
        )


def _backoff(attempts: int) -> timedelta:
    base = settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS
    return timedelta(
        seconds=min(base * 2 ** max(attempts - 1, 0), settings.NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS)
    )


def _claim(delivery_ids: list[int]) -> list[Delivery]:
    now = timezone.now()
    lease = now + timedelta(seconds=settings.NOTIFICATIONS_DELIVERY_LEASE_SECONDS)
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=delivery_ids, status=DeliveryStatus.QUEUED, next_attempt_at__lte=now)
            .order_by("pk")
        )
        Delivery.objects.filter(pk__in=[d.pk for d in rows]).update(next_attempt_at=lease)
    if not rows:
        return []
    # The recipient is what every channel needs (address, preferences of the mail).
    return list(
        Delivery.objects.filter(pk__in=[d.pk for d in rows])
        .select_related("notification__recipient")
        .order_by("pk")
    )


def deliveries_send(*, delivery_ids: list[int]) -> dict[str, int]:
    """Job body: send the due deliveries among `delivery_ids`; returns the count per
    outcome (sent / failed / retry)."""
    outcome = {"sent": 0, "failed": 0, "retry": 0}
    by_channel: dict[str, list[Delivery]] = {}
    for delivery in _claim(list(delivery_ids)):
        by_channel.setdefault(delivery.channel, []).append(delivery)
    max_attempts = settings.NOTIFICATIONS_DELIVERY_MAX_ATTEMPTS
    for name, deliveries in by_channel.items():
        try:
            channel = channel_registry.get_channel(name)
        except KeyError:
            for delivery in deliveries:
                _record(delivery, error=f"channel {name!r} is not available", final=True)
                outcome["failed"] += 1
            continue
        with channel.session() as session:
            for delivery in deliveries:
                delivery.attempts += 1
                try:
                    message_id = channel.send(delivery, session=session)
                except channel_registry.DeliveryRefused as refused:
                    _record(delivery, error=str(refused) or "refused", final=True)
                    outcome["failed"] += 1
                except Exception as error:  # noqa: BLE001 - any other failure is retried
                    final = delivery.attempts >= max_attempts
                    _record(delivery, error=f"{type(error).__name__}: {error}", final=final)
                    outcome["failed" if final else "retry"] += 1
                else:
                    delivery.status = DeliveryStatus.SENT
                    delivery.sent_at = timezone.now()
                    delivery.provider_message_id = str(message_id or "")[:255]
                    delivery.last_error = ""
                    delivery.save(
                        update_fields=[
                            "status",
                            "sent_at",
                            "provider_message_id",
                            "attempts",
                            "last_error",
                            "updated_at",
                        ]
                    )
                    outcome["sent"] += 1
    return outcome


def _record(delivery: Delivery, *, error: str, final: bool) -> None:
    delivery.last_error = error[:2000]
    if final:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.next_attempt_at = timezone.now() + _backoff(delivery.attempts)
    log.warning(
        "notification delivery %s",
        "failed" if final else "will be retried",
        extra={
            "delivery_id": delivery.pk,
            "channel": delivery.channel,
            "attempts": delivery.attempts,
            "error": error,
        },
    )
    delivery.save(update_fields=["status", "last_error", "next_attempt_at", "attempts", "updated_at"])


def deliveries_retry_due(*, limit: int | None = None) -> int:
    """Queue the send jobs of queued deliveries that are due (retries after backoff, or
    lost jobs after their lease). Returns how many were queued."""
    limit = limit or settings.NOTIFICATIONS_RETRY_SWEEP_LIMIT
    ids = list(
        Delivery.objects.filter(status=DeliveryStatus.QUEUED, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        deliveries_queue(delivery_ids=ids)
    return len(ids)
