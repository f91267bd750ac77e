"""Enrollment, the raw progress event log, per-lesson state and course completions.

`ProgressEvent` is append-only: it is the learner's history as the client reported
it, kept even after unenrolling. `LessonProgress` is the state derived from it (one
row per user and lesson), so reads never replay the log. Idempotency is by the
client's `event_id`, unique per user.
"""

from django.conf import settings
from django.db import models


class EventType(models.TextChoices):
    LESSON_STARTED = "lesson_started"
    LESSON_VIEWED = "lesson_viewed"
    LESSON_COMPLETED = "lesson_completed"


class Enrollment(models.Model):
    """A learner in a course. Unenrolling keeps the row (and all progress) with
    `active=False`; enrolling again flips it back, so history survives."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey("cms.CoursePage", on_delete=models.CASCADE, related_name="enrollments")
    active = models.BooleanField(default=True)
    enrolled_at = models.DateTimeField()
    unenrolled_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="progress_enrollment_unique")]
        indexes = [models.Index(fields=["course", "active"])]

    def __str__(self):
        return f"{self.user_id} in {self.course_id} ({'active' if self.active else 'left'})"


class ProgressEvent(models.Model):
    """One event as the client reported it. Written on every ingest, so it carries
    only the indexes something reads through: the unique (user, event_id) (the
    idempotency check, and the user's events, for a user's cascade delete and the
    completion stats) and the lesson and course foreign keys (cascade deletes of
    pages would otherwise scan the whole log)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="progress_events",
        db_index=False,  # the unique (user, event_id) index leads with user
    )
    event_id = models.UUIDField()
    type = models.CharField(max_length=32, choices=EventType.choices)
    lesson = models.ForeignKey("cms.LessonPage", on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("cms.CoursePage", on_delete=models.CASCADE, related_name="+")
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    position = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event_id"], name="progress_event_id_unique_per_user")
        ]

    def __str__(self):
        return f"{self.type} {self.lesson_id} by {self.user_id}"


class LessonProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey("cms.LessonPage", on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("cms.CoursePage", on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField()
    position = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="progress_lesson_state_unique")
        ]
        indexes = [models.Index(fields=["user", "course"])]

    def __str__(self):
        return f"{self.user_id} on {self.lesson_id}"


class CourseCompletion(models.Model):
    """Created exactly once per user and course (unique constraint + row lock in the
    ingest service), when the last required lesson is completed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey("cms.CoursePage", on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()
    stats = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="progress_completion_unique")]

    def __str__(self):
        return f"{self.user_id} completed {self.course_id}"
