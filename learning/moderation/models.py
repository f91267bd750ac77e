"""Moderation of learner content (docs/moderation.md).

A `ModerationCase` is one piece of reportable content (a kind and the owning app's
object id), created by its first report: the queue groups reports by it, and its
takedown state lives on it. A `Report` is one learner's report of it; a learner holds
at most one open report per case (a database constraint, so a race cannot make two).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Reason(models.TextChoices):
    """Why content is reported (and why it is taken down): a fixed list."""

    SPAM = "spam", "Spam or advertising"
    HARASSMENT = "harassment", "Harassment or bullying"
    HATE = "hate", "Hate speech"
    SEXUAL = "sexual", "Sexual content"
    VIOLENCE = "violence", "Violence or threats"
    PERSONAL_INFO = "personal_info", "Someone's personal information"
    CHEATING = "cheating", "Cheating (shared answers)"
    OTHER = "other", "Something else"


class CaseState(models.TextChoices):
    VISIBLE = "visible", "Visible"
    TAKEN_DOWN = "taken_down", "Taken down"


class ModerationCase(models.Model):
    kind = models.CharField(max_length=32)
    object_id = models.BigIntegerField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    label = models.CharField(max_length=200, blank=True, help_text="The content's title when first reported.")
    state = models.CharField(max_length=16, choices=CaseState.choices, default=CaseState.VISIBLE)
    created_at = models.DateTimeField(auto_now_add=True)
    last_reported_at = models.DateTimeField(null=True, blank=True)
    # the last takedown / restore (the audit log keeps every one)
    takedown_reason = models.CharField(max_length=32, choices=Reason.choices, blank=True)
    takedown_comment = models.TextField(blank=True)
    taken_down_at = models.DateTimeField(null=True, blank=True)
    taken_down_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    restored_at = models.DateTimeField(null=True, blank=True)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    restore_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-last_reported_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="moderation_case_unique")]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.label}"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    DISMISSED = "dismissed", "Dismissed"
    UPHELD = "upheld", "Upheld (taken down)"


class Report(models.Model):
    case = models.ForeignKey(ModerationCase, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_reports"
    )
    reason = models.CharField(max_length=32, choices=Reason.choices)
    comment = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "reporter"],
                condition=models.Q(status="open"),
                name="moderation_one_open_report",
            )
        ]
        indexes = [
            models.Index(fields=["reporter", "created_at"], name="moderation_reporter_time"),
            models.Index(fields=["case", "status"], name="moderation_case_status"),
        ]

    def __str__(self):
        return f"report {self.pk} of case {self.case_id} ({self.status})"
