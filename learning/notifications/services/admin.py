"""An admin notifies chosen users (the admin API). Broadcasts to roles, courses or
everyone are announcements' job."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from ..channels import channel_names
from .notify import Link, NotifyResult, notify


def admin_notification_send(
    *,
    sender,
    recipient_ids: list[int],
    title: str,
    body: str = "",
    link: Link | None = None,
    channels: list[str] | None = None,
) -> NotifyResult:
    """All the recipients must be existing, active users (else nothing is sent and the
    error names the unknown ids); at most NOTIFICATIONS_ADMIN_MAX_RECIPIENTS."""
    unique = list(dict.fromkeys(recipient_ids))
    if len(unique) > settings.NOTIFICATIONS_ADMIN_MAX_RECIPIENTS:
        raise ValidationError(
            {
                "recipients": ValidationError(
                    f"At most {settings.NOTIFICATIONS_ADMIN_MAX_RECIPIENTS} recipients per request.",
                    code="too_many",
                )
            }
        )
    found = set(get_user_model().objects.filter(pk__in=unique, is_active=True).values_list("pk", flat=True))
    missing = [pk for pk in unique if pk not in found]
    if missing:
        shown = ", ".join(map(str, missing[:10]))
        raise ValidationError(
            {"recipients": ValidationError(f"No active user with id {shown}.", code="unknown_user")}
        )
    available = channel_names()
    unavailable = [c for c in channels or () if c not in available]
    if unavailable:
        raise ValidationError(
            {
                "channels": ValidationError(
                    f"Channel {unavailable[0]!r} is not available.", code="unknown_channel"
                )
            }
        )
    return notify(
        recipients=unique, type="admin_message", title=title, body=body, link=link, channels=channels
    )
