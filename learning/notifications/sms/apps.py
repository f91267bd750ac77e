from django.apps import AppConfig


class SmsConfig(AppConfig):
    """SMS delivery inside learning/notifications: an app of its own (label
    `notifications_sms`) so its tables and migrations stay apart from the notification
    core's, which another branch builds in parallel."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning.notifications.sms"
    label = "notifications_sms"
    verbose_name = "SMS"

    def ready(self):
        from . import channel

        channel.register()
