"""The use cases of notifications (the only code that changes their state)."""

from .delivery import deliveries_queue, deliveries_retry_due, deliveries_send
from .notify import Link, NotifyResult, notify

__all__ = [
    "Link",
    "NotifyResult",
    "deliveries_queue",
    "deliveries_retry_due",
    "deliveries_send",
    "notify",
]
