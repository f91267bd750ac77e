"""One stored item analysis per quiz and attempts basis: its status (a client polls it
while the job runs) and, once done, the statistics as JSON (analysis/report.py builds
it). `fingerprint` says which attempts it was computed from (count, newest submission),
so a request on unchanged data returns the stored result instead of queueing again."""

from django.conf import settings
from django.db import models


class AttemptsBasis(models.TextChoices):
    FIRST = "first", "First submitted attempt of each learner"
    LAST = "last", "Last submitted attempt of each learner"
    ALL = "all", "All submitted attempts"


class ItemAnalysisReport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    quiz = models.ForeignKey("assessments.QuizPage", on_delete=models.CASCADE, related_name="item_analyses")
    basis = models.CharField(max_length=10, choices=AttemptsBasis.choices, default=AttemptsBasis.FIRST)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Which attempts the stored result was computed from ("count:newest-submission").
    fingerprint = models.CharField(max_length=100, blank=True)
    attempt_count = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quiz", "basis"], name="assessments_analysis_one_per_basis")
        ]

    def __str__(self):
        return f"item analysis of quiz {self.quiz_id} ({self.basis}): {self.status}"
