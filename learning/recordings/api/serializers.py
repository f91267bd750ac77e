"""Input and output shapes of the recordings API (part 1: management and upload)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from learning.accounts.api.serializers import StaffUserSummarySerializer
from site_config.api import serializers as api
from site_config.api.ids import IdField

from ..models import RecordingStatus
from ..serving import media_url


class RecordingWriteSerializer(api.Serializer):
    """Create (title and course required) or update (any subset) a recording."""

    title = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    course = IdField(help_text="The course (a CoursePage id) the recording belongs to.")
    lesson = IdField(required=False, allow_null=True, help_text="A lesson of that course, or null.")

    def validate_course(self, value):
        from cms.models import CoursePage

        course = CoursePage.objects.filter(pk=value).first()
        if course is None:
            raise serializers.ValidationError("No such course.", code="does_not_exist")
        return course

    def validate_lesson(self, value):
        from cms.models import LessonPage

        if value is None:
            return None
        lesson = LessonPage.objects.filter(pk=value).first()
        if lesson is None:
            raise serializers.ValidationError("No such lesson.", code="does_not_exist")
        return lesson


class UploadStateSerializer(api.Serializer):
    offset = serializers.IntegerField(
        source="upload_offset", help_text="Bytes received so far: the next part starts here."
    )
    size = serializers.IntegerField(
        source="upload_total",
        allow_null=True,
        help_text="The video's size in bytes as announced by Content-Range, or null (`*`).",
    )


class AuthoringRecordingSerializer(api.Serializer):
    """A recording as its managers see it (any status), with signed media URLs."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField()
    description = serializers.CharField()
    course = serializers.IntegerField(source="course_id")
    lesson = serializers.IntegerField(source="lesson_id", allow_null=True)
    status = serializers.ChoiceField(
        choices=RecordingStatus.choices,
        help_text="uploading → processing → ready, or failed (see failure_reason). Poll this.",
    )
    failure_reason = serializers.CharField()
    is_published = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    duration_ms = serializers.IntegerField(allow_null=True)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    video_codec = serializers.CharField()
    video_container = serializers.CharField(help_text='"webm", "mp4", or "" before an upload.')
    video_size = serializers.IntegerField(allow_null=True)
    rendition_kind = serializers.CharField(help_text='"mp4", "hls", or "" (none: RECORDING_TRANSCODE=off).')
    upload = serializers.SerializerMethodField()
    snapshot_count = serializers.IntegerField(help_text="Code snapshots on the recording's timeline.")
    video_url = serializers.SerializerMethodField()
    poster_url = serializers.SerializerMethodField()
    rendition_url = serializers.SerializerMethodField()
    created_by = StaffUserSummarySerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(UploadStateSerializer(allow_null=True))
    def get_upload(self, recording):
        """The unfinished upload (where to resume), or null."""
        return UploadStateSerializer(recording).data if recording.upload_path else None

    def _url(self, recording, kind):
        request = self.context["request"]
        return media_url(recording, kind, user=request.user, request=request)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_video_url(self, recording):
        return self._url(recording, "video")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_poster_url(self, recording):
        return self._url(recording, "poster")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_rendition_url(self, recording):
        return self._url(recording, "rendition")
