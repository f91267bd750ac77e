from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """In-app notifications, per-type channel preferences, email (and, plugged in by
    other modules, SMS) delivery (docs/notifications.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from . import channels, handlers

        channels.register_builtin_channels()
        handlers.subscribe()
