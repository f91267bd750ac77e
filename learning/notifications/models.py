"""Notifications, their per-channel deliveries and the learners' channel preferences
(docs/notifications.md).

- `Notification`: one message to one user. `in_app` says whether it shows in the
  user's inbox (the in-app channel was on for its type); a row with `in_app=False`
  exists only to carry out-of-band deliveries (email, SMS). The inbox reads go through
  one partial index on (recipient, read_at, created_at) WHERE in_app: the unread count
  is one index-only COUNT, the unread list one index range; the whole list reads a
  second one, (recipient, created_at DESC, id DESC) WHERE in_app, in order.
- `Delivery`: one per notification and out-of-band channel (the in-app channel is the
  notification row itself), with its status as the channel's job left it.
- `NotificationPreference`: a user's explicit choice for (type, channel); without a row
  the type's default from the registry (learning/notifications/registry.py) applies.
  `type="*"` is "every type" (the unsubscribe-from-all link); a row for the type
  itself wins over it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Channel(models.TextChoices):
    IN_APP = "in_app", "In-app"
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"


class TargetKind(models.TextChoices):
    """What a notification links to: an object of the platform by id, or a URL."""

    COURSE = "course"
    LESSON = "lesson"
    QUIZ = "quiz"
    BADGE = "badge"
    CERTIFICATE = "certificate"
    RECORDING = "recording"
    ANNOUNCEMENT = "announcement"
    URL = "url"


ALL_TYPES = "*"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    type = models.CharField(max_length=64)  # a key of registry.NOTIFICATION_TYPES
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    target_kind = models.CharField(max_length=16, choices=TargetKind.choices, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    target_url = models.URLField(max_length=500, blank=True)
    # Idempotency: a handler that runs twice for one event (a retried job) creates one
    # notification per recipient and key. Empty: no deduplication.
    key = models.CharField(max_length=120, blank=True)
    in_app = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "created_at"],
                condition=Q(in_app=True),
                name="notif_inbox_idx",
            ),
            # The whole inbox, newest first: the page is an ordered range read (without
            # it, PostgreSQL sorts all of the user's rows for every page).
            models.Index(
                "recipient",
                models.F("created_at").desc(),
                models.F("id").desc(),
                condition=Q(in_app=True),
                name="notif_inbox_order_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notif_recipient_key_unique"
            ),
        ]

    def __str__(self):
        return f"{self.type} to {self.recipient_id}: {self.title}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class Delivery(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # When a queued delivery is due (its first try, or the next after a failed one:
    # backoff). The retry sweep picks queued rows whose time has come.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="notif_delivery_unique"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(status="queued"), name="notif_delivery_due_idx"
            ),
        ]

    def __str__(self):
        return f"{self.channel} of {self.notification_id}: {self.status}"


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    type = models.CharField(max_length=64)  # a registered type, or "*" for all
    channel = models.CharField(max_length=16, choices=Channel.choices)
    enabled = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "type", "channel"], name="notif_preference_unique"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.type}/{self.channel}: {'on' if self.enabled else 'off'}"
