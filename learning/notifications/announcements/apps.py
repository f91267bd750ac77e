from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    """Announcements inside learning/notifications: an app of its own (label
    `announcements`) so its table and migrations stay apart from the notification core's."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning.notifications.announcements"
    label = "announcements"
    verbose_name = "Announcements"
