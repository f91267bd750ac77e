"""Reads of notifications shared by the API and the services. Every read takes the
user: a notification is its recipient's alone (anyone else gets a 404)."""

from django.http import Http404

from .models import Notification


def inbox_for_user(*, user, unread_only: bool = False):
    """The user's in-app notifications, newest first (the inbox index's range)."""
    queryset = Notification.objects.filter(recipient=user, in_app=True)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created_at", "-pk")


def unread_count_for_user(*, user) -> int:
    """One COUNT over the partial inbox index (recipient, read_at, created_at) WHERE
    in_app: an index-only range scan of the user's unread rows."""
    return Notification.objects.filter(recipient=user, in_app=True, read_at__isnull=True).count()


def notification_get_for_user(*, user, notification_id) -> Notification:
    notification = Notification.objects.filter(pk=notification_id, recipient=user, in_app=True).first()
    if notification is None:
        raise Http404("No such notification.")
    return notification
