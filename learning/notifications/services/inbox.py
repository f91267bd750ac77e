"""The inbox: a user marks their notifications read, or deletes them. Each takes the
user and touches only that user's rows (another user's id is a 404)."""

from django.utils import timezone

from ..models import Notification
from ..selectors import notification_get_for_user


def notification_mark_read(*, user, notification_id: int) -> Notification:
    notification = notification_get_for_user(user=user, notification_id=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        # Conditional: a concurrent mark keeps the first read time.
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user) -> int:
    """One UPDATE of the user's unread inbox rows; returns how many it marked."""
    return Notification.objects.filter(recipient=user, in_app=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_delete(*, user, notification_id: int) -> None:
    notification = notification_get_for_user(user=user, notification_id=notification_id)
    # The row carries the out-of-band deliveries' history: it leaves the inbox only.
    # (A notification that was never in the inbox cannot be reached here.)
    if notification.deliveries.exists():
        Notification.objects.filter(pk=notification.pk).update(in_app=False)
    else:
        notification.delete()
