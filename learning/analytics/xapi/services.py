"""The forwarding run: store -> LRS, in batches, each event sent once on success.

One run at a time holds the cursor's lease (a conditional UPDATE with a token, short
transactions only: nothing is locked while the LRS is being called). A run:

1. re-sends the dead letters an admin queued for a retry;
2. reads the next ANALYTICS_XAPI_BATCH_SIZE events after the cursor in store order
   ((stored, id); events younger than ANALYTICS_XAPI_SETTLE_SECONDS wait), POSTs them;
   a batch the LRS refuses with a 4xx is bisected until the refused statements are
   alone: those become dead letters, the rest is delivered; then the cursor moves past
   the batch, in one transaction with the dead letters;
3. stops when the store is drained, its time is up, or the LRS is unavailable
   (network, 5xx, 429 after the client's retries) or refuses us (401/403/404/405):
   the cursor stays, the error is kept on it, and the next run starts from there.

A batch cut short by an unavailable LRS halfway through its bisection is sent again by
the next run; its statements already stored are identical (same id, same content), which
an LRS ignores, so the LRS still holds each statement once.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Event
from .client import LrsClient, LrsMisconfigured, LrsRefused, LrsUnavailable
from .models import DeadLetter, DeadLetterStatus, ForwardingCursor
from .statements import statement_build

log = logging.getLogger("mrict.analytics.xapi")

CURSOR = "lrs"
# How long past its time budget a run's lease lasts (one batch's worst case: a bisection).
_LEASE_MARGIN_SECONDS = 300


@dataclass
class ForwardReport:
    enabled: bool = True
    busy: bool = False  # another run holds the lease
    batches: int = 0
    delivered: int = 0
    dead_lettered: int = 0
    retried_delivered: int = 0
    retried_refused: int = 0
    drained: bool = False
    error: str = ""
    refused: list[str] = field(default_factory=list)  # event ids dead-lettered by this run

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "refused"} | {"refused": len(self.refused)}


class _LeaseLost(Exception):
    pass


def xapi_enabled() -> bool:
    return bool(settings.ANALYTICS_XAPI_ENDPOINT)


def _deliver(client: LrsClient, statements: list[dict]) -> list[tuple[str, LrsRefused]]:
    """POST the statements; on a refusal bisect. Returns the (id, refusal) of each
    statement refused on its own. Raises LrsUnavailable / LrsMisconfigured."""
    try:
        client.post_statements(statements)
        return []
    except LrsRefused as refusal:
        if len(statements) == 1:
            return [(statements[0]["id"], refusal)]
    middle = len(statements) // 2
    return _deliver(client, statements[:middle]) + _deliver(client, statements[middle:])


def _lease_extend(token: uuid.UUID, seconds: float) -> None:
    now = timezone.now()
    updated = ForwardingCursor.objects.filter(name=CURSOR, lease_token=token).update(
        lease_until=now + timedelta(seconds=seconds + _LEASE_MARGIN_SECONDS)
    )
    if not updated:
        raise _LeaseLost


def _lease_claim(seconds: float) -> uuid.UUID | None:
    ForwardingCursor.objects.get_or_create(name=CURSOR)
    now = timezone.now()
    token = uuid.uuid4()
    claimed = (
        ForwardingCursor.objects.filter(name=CURSOR)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(
            lease_token=token,
            lease_until=now + timedelta(seconds=seconds + _LEASE_MARGIN_SECONDS),
            last_run_at=now,
        )
    )
    return token if claimed else None


def _lease_release(token: uuid.UUID, *, error: str, delivered: int, dead_lettered: int) -> None:
    from django.db.models import F

    values = {
        "lease_token": None,
        "lease_until": None,
        "last_error": error,
        "delivered_total": F("delivered_total") + delivered,
        "dead_lettered_total": F("dead_lettered_total") + dead_lettered,
    }
    if not error:
        values["last_success_at"] = timezone.now()
    ForwardingCursor.objects.filter(name=CURSOR, lease_token=token).update(**values)


def _next_batch(cursor: ForwardingCursor, size: int) -> list[Event]:
    events = Event.objects.filter(
        stored__lte=timezone.now() - timedelta(seconds=settings.ANALYTICS_XAPI_SETTLE_SECONDS)
    )
    if cursor.stored is not None:
        # (stored, id) > cursor; the plain `stored >=` lets the (stored, id) index start there
        events = events.filter(stored__gte=cursor.stored).filter(
            Q(stored__gt=cursor.stored) | Q(id__gt=cursor.event_id)
        )
    return list(events.order_by("stored", "id")[:size])


def _retry_queued(client: LrsClient, token: uuid.UUID, report: ForwardReport, deadline: float | None) -> None:
    size = settings.ANALYTICS_XAPI_BATCH_SIZE
    while deadline is None or time.monotonic() < deadline:
        letters = list(
            DeadLetter.objects.filter(status=DeadLetterStatus.QUEUED)
            .select_related("event")
            .order_by("pk")[:size]
        )
        if not letters:
            return
        _lease_extend(token, settings.ANALYTICS_XAPI_RUN_SECONDS)
        refused = dict(_deliver(client, [statement_build(letter.event) for letter in letters]))
        now = timezone.now()
        with transaction.atomic():
            for letter in letters:
                refusal = refused.get(str(letter.event_id))
                letter.attempts += 1
                letter.updated_at = now
                if refusal is None:
                    letter.status, letter.delivered_at = DeadLetterStatus.DELIVERED, now
                    report.retried_delivered += 1
                else:
                    letter.status = DeadLetterStatus.REFUSED
                    letter.last_status, letter.last_error = refusal.status, str(refusal)
                    report.retried_refused += 1
            DeadLetter.objects.bulk_update(
                letters, ["status", "attempts", "updated_at", "delivered_at", "last_status", "last_error"]
            )


def _forward_batch(client: LrsClient, token: uuid.UUID, events: list[Event], report: ForwardReport) -> None:
    by_id = {str(event.id): event for event in events}
    refused = _deliver(client, [statement_build(event) for event in events])
    now = timezone.now()
    last = events[-1]
    with transaction.atomic():
        moved = ForwardingCursor.objects.filter(name=CURSOR, lease_token=token).update(
            stored=last.stored, event_id=last.id
        )
        if not moved:
            raise _LeaseLost
        for event_id, refusal in refused:
            DeadLetter.objects.update_or_create(
                event=by_id[event_id],
                defaults={
                    "status": DeadLetterStatus.REFUSED,
                    "last_status": refusal.status,
                    "last_error": str(refusal),
                    "updated_at": now,
                },
                create_defaults={
                    "status": DeadLetterStatus.REFUSED,
                    "attempts": 1,
                    "last_status": refusal.status,
                    "last_error": str(refusal),
                    "created_at": now,
                    "updated_at": now,
                },
            )
    report.batches += 1
    report.delivered += len(events) - len(refused)
    report.dead_lettered += len(refused)
    report.refused.extend(event_id for event_id, _ in refused)
    for event_id, refusal in refused:
        log.warning("LRS refused statement %s: %s", event_id, refusal)


def xapi_forward(
    *, max_seconds: float | None = None, progress: Callable[[ForwardReport], None] | None = None
) -> ForwardReport:
    """Forward what the store holds beyond the cursor (and queued dead letters).
    `max_seconds`: stop starting batches after this long (None: until drained)."""
    report = ForwardReport()
    if not xapi_enabled():
        report.enabled = False
        return report
    budget = max_seconds if max_seconds is not None else settings.ANALYTICS_XAPI_RUN_SECONDS
    token = _lease_claim(budget)
    if token is None:
        report.busy = True
        return report
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    client = LrsClient()
    try:
        _retry_queued(client, token, report, deadline)
        while deadline is None or time.monotonic() < deadline:
            _lease_extend(token, budget)
            cursor = ForwardingCursor.objects.get(name=CURSOR)
            events = _next_batch(cursor, settings.ANALYTICS_XAPI_BATCH_SIZE)
            if not events:
                report.drained = True
                break
            _forward_batch(client, token, events, report)
            if progress is not None:
                progress(report)
    except (LrsUnavailable, LrsMisconfigured) as exc:
        report.error = f"{type(exc).__name__}: {exc}"
        log.warning("xAPI forwarding stopped: %s", report.error)
    except _LeaseLost:
        report.error = "the lease was lost to another run (this run took longer than its lease)"
        log.error("xAPI forwarding: %s", report.error)
    finally:
        client.close()
        _lease_release(
            token, error=report.error, delivered=report.delivered, dead_lettered=report.dead_lettered
        )
    return report


def xapi_dead_letters_queue(*, dead_letter_ids: list[int]) -> int:
    """Queue dead letters for a retry by the next run (the admin's "retry" action).
    Delivered ones stay as they are. Returns how many were queued."""
    with transaction.atomic():
        return (
            DeadLetter.objects.filter(pk__in=dead_letter_ids)
            .exclude(status=DeadLetterStatus.DELIVERED)
            .update(status=DeadLetterStatus.QUEUED, updated_at=timezone.now())
        )
