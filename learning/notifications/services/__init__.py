"""The use cases of notifications (the only code that changes their state)."""

from .admin import admin_notification_send
from .delivery import deliveries_queue, deliveries_retry_due, deliveries_send
from .inbox import notification_delete, notification_mark_read, notifications_mark_all_read
from .notify import Link, NotifyResult, notify
from .preferences import (
    PreferenceChange,
    UnsubscribeScope,
    preferences_for_user,
    preferences_update,
    unsubscribe_apply,
    unsubscribe_scope,
)

__all__ = [
    "Link",
    "NotifyResult",
    "PreferenceChange",
    "UnsubscribeScope",
    "admin_notification_send",
    "deliveries_queue",
    "deliveries_retry_due",
    "deliveries_send",
    "notification_delete",
    "notification_mark_read",
    "notifications_mark_all_read",
    "notify",
    "preferences_for_user",
    "preferences_update",
    "unsubscribe_apply",
    "unsubscribe_scope",
]
