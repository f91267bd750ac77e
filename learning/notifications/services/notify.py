"""`notify()`: the one way to send a notification (event handlers, the admin API and
announcements all go through it)."""

import itertools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from .. import channels as channel_registry
from ..models import ALL_TYPES, Delivery, Notification, NotificationPreference, TargetKind
from ..registry import get_type

log = logging.getLogger("mrict.notifications")


@dataclass(frozen=True)
class Link:
    """What a notification points at: an object by kind and id, or a URL (kind "url")."""

    kind: str
    id: int | None = None
    url: str = ""

    def __post_init__(self):
        if self.kind not in TargetKind.values:
            raise ValueError(f"Unknown link kind {self.kind!r}")
        if self.kind == TargetKind.URL and not self.url:
            raise ValueError("A url link needs its url")
        if self.kind != TargetKind.URL and self.id is None:
            raise ValueError(f"A {self.kind} link needs its id")


@dataclass
class NotifyResult:
    notifications: int = 0  # rows created (in the inbox or carrying deliveries)
    in_app: int = 0  # of which shown in the inbox
    deliveries: dict[str, int] = field(default_factory=dict)  # channel -> queued
    skipped: int = 0  # recipients with every channel off, inactive, or already notified (key)


def notify(
    *,
    recipients: Iterable,
    type: str,  # noqa: A002 (the notification's type, as the API names it)
    title: str,
    body: str = "",
    link: Link | None = None,
    channels: Iterable[str] | None = None,
    key: str = "",
) -> NotifyResult:
    """Notify `recipients` (users or user ids, any number: handled in batches of
    NOTIFICATIONS_BATCH_SIZE with a fixed number of queries each, never one per user).

    Per recipient and channel (`channels`, default every registered one; "in_app" is
    the inbox), the user's preference for `type` decides, else the type's default
    (registry.py). The inbox row is created in bulk; each out-of-band channel gets a
    queued `Delivery`, and after commit the delivery jobs are queued in chunks
    (services/delivery.py). Inactive users get nothing. `key` makes it idempotent: a
    recipient who already has a notification with this key is skipped (for event
    handlers that may run twice)."""
    kind = get_type(type)
    available = channel_registry.channel_names()
    wanted = list(available if channels is None else dict.fromkeys(channels))
    unknown = [name for name in wanted if name not in available]
    if unknown:
        raise ValueError(f"Unknown or unregistered channel(s): {', '.join(map(str, unknown))}")
    result = NotifyResult(deliveries=dict.fromkeys([c for c in wanted if c != channel_registry.IN_APP], 0))
    ids = (getattr(r, "pk", r) for r in recipients)
    batch_size = settings.NOTIFICATIONS_BATCH_SIZE
    while batch := list(itertools.islice(ids, batch_size)):
        _notify_batch(
            batch, kind=kind, title=title, body=body, link=link, channels=wanted, key=key, result=result
        )
    return result


def _notify_batch(batch, *, kind, title, body, link, channels, key, result: NotifyResult) -> None:
    user_model = get_user_model()
    # Each out-of-band channel may narrow who can receive on it (a verified phone...).
    reachable: dict[str, set[int] | None] = {}
    users = user_model.objects.filter(pk__in=batch, is_active=True)
    if key:
        users = users.exclude(notifications__key=key)
    extra = {}
    for name in channels:
        if name == channel_registry.IN_APP:
            continue
        condition = channel_registry.get_channel(name).user_filter()
        if condition is not None:
            extra[f"_can_{name}"] = condition
    annotations = {
        alias: ExpressionWrapper(cond, output_field=BooleanField()) for alias, cond in extra.items()
    }
    rows = list(users.annotate(**annotations).values("pk", *annotations))
    active = [row["pk"] for row in rows]
    for name in channels:
        alias = f"_can_{name}"
        reachable[name] = {row["pk"] for row in rows if row[alias]} if alias in annotations else None
    result.skipped += len(set(batch)) - len(active)
    if not active:
        return

    choices: dict[tuple[int, str], tuple[int, bool]] = {}  # (user, channel) -> (specificity, on)
    for user_id, pref_type, channel, enabled in NotificationPreference.objects.filter(
        Q(type=kind.key) | Q(type=ALL_TYPES), user_id__in=active, channel__in=channels
    ).values_list("user_id", "type", "channel", "enabled"):
        specificity = 1 if pref_type == kind.key else 0
        if choices.get((user_id, channel), (-1, False))[0] < specificity:
            choices[(user_id, channel)] = (specificity, enabled)

    def wants(user_id: int, channel: str) -> bool:
        if reachable.get(channel) is not None and user_id not in reachable[channel]:
            return False
        chosen = choices.get((user_id, channel))
        return chosen[1] if chosen is not None else kind.default_for(channel)

    now = timezone.now()
    plan: list[tuple[Notification, list[str]]] = []
    for user_id in active:
        on = [c for c in channels if wants(user_id, c)]
        if not on:
            result.skipped += 1
            continue
        in_app = channel_registry.IN_APP in on
        notification = Notification(
            recipient_id=user_id,
            type=kind.key,
            title=title,
            body=body,
            target_kind=link.kind if link else "",
            target_id=link.id if link else None,
            target_url=link.url if link else "",
            key=key,
            in_app=in_app,
            created_at=now,
        )
        plan.append((notification, [c for c in on if c != channel_registry.IN_APP]))
    if not plan:
        return
    with transaction.atomic():
        Notification.objects.bulk_create([n for n, _ in plan], batch_size=500)
        deliveries = [
            Delivery(notification_id=n.pk, channel=c, next_attempt_at=now, created_at=now)
            for n, out in plan
            for c in out
        ]
        Delivery.objects.bulk_create(deliveries, batch_size=500)
        if deliveries:
            from .delivery import deliveries_queue

            deliveries_queue(delivery_ids=[d.pk for d in deliveries])
    result.notifications += len(plan)
    result.in_app += sum(1 for n, _ in plan if n.in_app)
    for d in deliveries:
        result.deliveries[d.channel] = result.deliveries.get(d.channel, 0) + 1
