"""A recording: a screencast of a teacher coding (a video) plus, in part 2, the
timeline of code snapshots a learner's player follows (docs/recordings.md).

The video arrives through a resumable upload (`upload_*` fields: the bytes received so
far live in a partial file under `upload_path` until the last part), is checked by its
magic bytes and ffprobe, then a django-q2 job makes the poster and the configured
rendition. `status` is what a client polls.
"""

from django.conf import settings
from django.db import models


class RecordingStatus(models.TextChoices):
    UPLOADING = "uploading"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


def recording_video_path(instance, filename):
    return f"recordings/{instance.pk}/video/{filename}"


def recording_poster_path(instance, filename):
    return f"recordings/{instance.pk}/poster/{filename}"


def recording_rendition_path(instance, filename):
    return f"recordings/{instance.pk}/rendition/{filename}"


class Recording(models.Model):
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    course = models.ForeignKey("cms.CoursePage", on_delete=models.CASCADE, related_name="recordings")
    lesson = models.ForeignKey(
        "cms.LessonPage", on_delete=models.SET_NULL, null=True, blank=True, related_name="recordings"
    )
    status = models.CharField(
        max_length=16, choices=RecordingStatus.choices, default=RecordingStatus.UPLOADING
    )
    failure_reason = models.TextField(blank=True)
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    # What ffprobe found in the uploaded video (and the job confirms).
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    video_codec = models.CharField(max_length=32, blank=True)
    video_container = models.CharField(max_length=8, blank=True)  # "webm" | "mp4"

    video = models.FileField(upload_to=recording_video_path, max_length=255, blank=True)
    video_size = models.BigIntegerField(null=True, blank=True)
    poster = models.FileField(upload_to=recording_poster_path, max_length=255, blank=True)
    rendition = models.FileField(upload_to=recording_rendition_path, max_length=255, blank=True)
    rendition_kind = models.CharField(max_length=8, blank=True)  # "" | "mp4" | "hls"

    # The resumable upload in progress (docs/recordings.md, "Upload").
    upload_total = models.BigIntegerField(null=True, blank=True)
    upload_offset = models.BigIntegerField(default=0)
    upload_path = models.CharField(max_length=255, blank=True)

    snapshot_count = models.PositiveIntegerField(default=0)  # maintained by the snapshot ingestion

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="recordings"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["course", "is_published"]),
            models.Index(fields=["lesson", "is_published"]),
        ]

    def __str__(self):
        return self.title

    def duration_display(self) -> str:
        if self.duration_ms is None:
            return "—"
        seconds = round(self.duration_ms / 1000)
        return f"{seconds // 60}:{seconds % 60:02d}"

    duration_display.short_description = "Duration"


from .snapshot_models import Snapshot, SnapshotKind  # noqa: E402,F401  (part 2: the timeline)
