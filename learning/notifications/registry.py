"""The notification types the platform sends, in code: each with a label for the
preferences screen and its default channels. A user's preference row for (type,
channel) overrides the default (models.NotificationPreference).

A new kind of notification registers here (or from its own module with
`register_type`, imported in an AppConfig.ready()), before anything notifies with it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NotificationType:
    key: str
    label: str
    description: str = ""
    # channel name -> on by default. A channel missing here is off by default (the
    # user may still turn it on, if the channel is registered).
    defaults: Mapping[str, bool] = field(default_factory=dict)

    def default_for(self, channel: str) -> bool:
        return bool(self.defaults.get(channel, False))


NOTIFICATION_TYPES: dict[str, NotificationType] = {}


def register_type(notification_type: NotificationType) -> NotificationType:
    NOTIFICATION_TYPES[notification_type.key] = notification_type
    return notification_type


def get_type(key: str) -> NotificationType:
    try:
        return NOTIFICATION_TYPES[key]
    except KeyError:
        raise ValueError(
            f"Unknown notification type {key!r}: register it in notifications/registry.py"
        ) from None


_IN_APP_AND_EMAIL = {"in_app": True, "email": True}
_IN_APP = {"in_app": True}

for _type in (
    NotificationType("badge_awarded", "Badges earned", "When you earn a badge.", _IN_APP_AND_EMAIL),
    NotificationType(
        "certificate_issued", "Certificates", "When a course certificate is issued.", _IN_APP_AND_EMAIL
    ),
    NotificationType("level_reached", "Levels", "When your XP takes you to a new level.", _IN_APP),
    NotificationType("quiz_graded", "Quiz results", "When a quiz attempt of yours is graded.", _IN_APP),
    NotificationType(
        "recording_published",
        "New recordings",
        "When a recording is published in a course you follow.",
        _IN_APP_AND_EMAIL,
    ),
    NotificationType(
        "announcement", "Announcements", "Announcements from your teachers and admins.", _IN_APP_AND_EMAIL
    ),
    NotificationType(
        "admin_message", "Messages from admins", "Messages an admin sends you.", _IN_APP_AND_EMAIL
    ),
    NotificationType(
        "report_resolved", "Your reports", "When a moderator decides on content you reported.", _IN_APP
    ),
    NotificationType(
        "content_moderated",
        "Moderation of your content",
        "When a moderator takes down or restores a project or profile of yours.",
        _IN_APP_AND_EMAIL,
    ),
):
    register_type(_type)
