"""One requested report export: what, for whom, how far the job got, and its file."""

import uuid

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    LEARNER_PROGRESS = "learner_progress", "Learner progress"
    QUIZ_RESULTS = "quiz_results", "Quiz results"
    CERTIFICATES = "certificates", "Certificates"
    ACTIVITY = "activity", "Activity (pseudonymous events)"


class Format(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class Scope(models.TextChoices):
    ORGANISATION = "organisation", "Organisation"
    COURSE = "course", "Course"


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


def export_file_path(instance, filename: str) -> str:
    """A private path (never under a public prefix; in DEBUG, site_config/urls.py
    refuses it), unguessable by its uuid."""
    return f"private/analytics-exports/{instance.pk}/{filename}"


class ReportExport(models.Model):
    """Status, progress (0-100, rows done of rows total) and the file are written by the
    job (services.report_export_run); the row and its file go when `expires_at` passes
    (the hourly purge). Exactly one of `organisation` and `course` is set, by `scope`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_exports"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    format = models.CharField(max_length=8, choices=Format.choices)
    scope = models.CharField(max_length=16, choices=Scope.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(
        "cms.CoursePage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=export_file_path, max_length=255, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="analytics_export_user_created"),
            models.Index(fields=["expires_at"], name="analytics_export_expires"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope="organisation", organisation__isnull=False, course__isnull=True)
                    | models.Q(scope="course", course__isnull=False, organisation__isnull=True)
                ),
                name="analytics_export_one_scope",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="analytics_export_progress_le_100"
            ),
        ]

    def __str__(self):
        return f"{self.kind}.{self.format} ({self.status})"

    @property
    def filename(self) -> str:
        target = (
            f"organisation-{self.organisation_id}"
            if self.scope == Scope.ORGANISATION
            else f"course-{self.course_id}"
        )
        return f"{self.kind.replace('_', '-')}-{target}-{self.created_at:%Y%m%d-%H%M%S}.{self.format}"
