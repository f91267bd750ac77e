"""An announcement and the progress of its fan-out.

The fan-out walks the audience in ascending user id and records after every batch, in
the batch's own transaction, the last id it handled (`cursor`) and its counters: a job
that dies or runs twice resumes after the last committed batch, and the notifications
carry the key `announcement:<id>` (unique per recipient in the notification core), so no
one is notified twice. A client polls `status` and the counters."""

from django.conf import settings
from django.db import models

from learning.accounts.roles import Role


class Announcement(models.Model):
    class Target(models.TextChoices):
        ALL = "all", "All users"
        ROLE = "role", "Everyone with a role"
        COURSE = "course", "A course's learners"
        ORGANISATION = "organisation", "An organisation's members"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    target = models.CharField(max_length=16, choices=Target.choices)
    role = models.CharField(max_length=10, choices=Role.choices, blank=True)
    course = models.ForeignKey(
        "cms.CoursePage", null=True, blank=True, on_delete=models.CASCADE, related_name="announcements"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="announcements",
        help_text="With target organisation: its members (admins only).",
    )
    # Channels of the notification core ("in_app", "email", "sms"); each recipient's
    # preferences for the `announcement` type still decide.
    channels = models.JSONField(default=list)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # progress of the fan-out
    recipient_count = models.PositiveIntegerField(default=0)  # the audience when it started
    processed_count = models.PositiveIntegerField(default=0)  # of those, handled so far
    notified_count = models.PositiveIntegerField(default=0)  # notifications created
    in_app_count = models.PositiveIntegerField(default=0)  # of which in the inbox
    deliveries = models.JSONField(default=dict, blank=True)  # channel -> deliveries queued
    cursor = models.BigIntegerField(default=0)  # the last user id handled

    class Meta:
        indexes = [
            models.Index(fields=["status", "scheduled_at"], name="announcement_due"),
            models.Index(fields=["target", "status"], name="announcement_audience"),
        ]

    def __str__(self):
        return self.title

    @property
    def key(self) -> str:
        return f"announcement:{self.pk}"
