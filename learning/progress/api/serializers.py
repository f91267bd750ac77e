import json
import uuid

from django.conf import settings
from rest_framework import serializers

from learning.accounts.api.serializers import StaffUserSummarySerializer
from site_config.api import serializers as api
from site_config.api.ids import MAX_ID, IdField

from ..models import EventType


class AwareDateTimeField(serializers.DateTimeField):
    """Rejects times without a zone instead of guessing one: an offline client's
    local time read as UTC would misplace its events by hours."""

    def enforce_timezone(self, value):
        if value.tzinfo is None:
            raise serializers.ValidationError("Give a time zone (e.g. a trailing Z for UTC).", code="naive")
        return super().enforce_timezone(value)


class ProgressEventSerializer(api.Serializer):
    """One event. Validated on its own so a bad item is rejected without failing the batch."""

    event_id = serializers.UUIDField(help_text="Client-generated UUID; the idempotency key.")
    type = serializers.ChoiceField(choices=EventType.choices)
    lesson_id = IdField()
    occurred_at = AwareDateTimeField(help_text="ISO 8601 with a time zone; UTC preferred.")
    position = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text="Where the learner is in the lesson (block index, seconds...).",
    )

    def validate_position(self, value):
        if value is not None and len(json.dumps(value)) > settings.PROGRESS_MAX_POSITION_BYTES:
            raise serializers.ValidationError(
                f"position is larger than {settings.PROGRESS_MAX_POSITION_BYTES} bytes once encoded."
            )
        return value


EVENT_TYPES = frozenset(EventType.values)


EVENT_KEYS = frozenset({"event_id", "type", "lesson_id", "occurred_at", "position"})


def event_parse(item: dict, validator: ProgressEventSerializer) -> dict:
    """One event's fields as ProgressEventSerializer validates them, with `position`
    as JSON text (or None). Raises the serializer's ValidationError.

    A batch is mostly well-formed events, and the serializer's per-field machinery
    costs more than the rest of an ingest, so the common shape (string id, known type,
    positive integer lesson id, string time, small position) is checked directly here,
    with the serializer's own datetime field; an item with a key the serializer does not
    take (it refuses those: site_config.api.serializers) is not the common shape. Anything
    else goes through the serializer,
    which accepts or rejects it with its exact messages: both paths give the same
    answer for every input."""
    event_id = item.get("event_id")
    type_ = item.get("type")
    lesson_id = item.get("lesson_id")
    occurred_at = item.get("occurred_at")
    if (
        item.keys() <= EVENT_KEYS
        and type(event_id) is str
        and type(type_) is str
        and type_ in EVENT_TYPES
        and type(lesson_id) is int
        and 1 <= lesson_id <= MAX_ID
        and type(occurred_at) is str
    ):
        try:
            event_id = uuid.UUID(event_id)
            occurred_at = validator.fields["occurred_at"].to_internal_value(occurred_at)
        except (ValueError, serializers.ValidationError):
            pass
        else:
            position = item.get("position")
            position = None if position is None else json.dumps(position)
            if position is None or len(position) <= settings.PROGRESS_MAX_POSITION_BYTES:
                return {
                    "event_id": event_id,
                    "type": type_,
                    "lesson_id": lesson_id,
                    "occurred_at": occurred_at,
                    "position": position,
                }
    data = validator.run_validation(item)
    position = data.get("position")
    return {**data, "position": None if position is None else json.dumps(position)}


class EventResultSerializer(api.Serializer):
    index = serializers.IntegerField(help_text="Position of the event in the submitted batch.")
    event_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["accepted", "duplicate", "rejected"])
    code = serializers.CharField(
        required=False,
        help_text="Why it was rejected: invalid, in_future, lesson_not_found, not_enrolled.",
    )
    detail = serializers.JSONField(required=False)


class IngestResponseSerializer(api.Serializer):
    accepted = serializers.IntegerField(help_text="Events of the batch recorded now.")
    duplicates = serializers.IntegerField(help_text="Events already recorded earlier (same event_id).")
    rejected = serializers.IntegerField(help_text="Events refused (see their results[i].code).")
    results = EventResultSerializer(many=True)


class LessonRefSerializer(api.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()


class ResumeSerializer(api.Serializer):
    course_id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["not_started", "in_progress", "completed", "empty"])
    reason = serializers.ChoiceField(choices=["last_started", "next_uncompleted", "course_complete"])
    lesson = LessonRefSerializer(allow_null=True)
    position = serializers.JSONField(allow_null=True)


class CourseRefSerializer(api.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()


_REQUIRED_LESSONS = (
    "Published required lessons of the {what} (optional lessons never count toward progress or "
    "completion; the course's `lesson_count` counts both)."
)
_REQUIRED_COMPLETED = "Of those required lessons, how many the {who} has completed."
_PERCENT = "required_completed_count / required_lesson_count x 100, one decimal (0 when there are none)."


def _required_lesson_count_field(what: str = "course"):
    return serializers.IntegerField(help_text=_REQUIRED_LESSONS.format(what=what))


def _required_completed_count_field(who: str = "learner"):
    return serializers.IntegerField(help_text=_REQUIRED_COMPLETED.format(who=who))


def _percent_field():
    return serializers.FloatField(help_text=_PERCENT)


class EnrollmentSerializer(api.Serializer):
    course = CourseRefSerializer()
    enrolled_at = serializers.DateTimeField()
    last_activity_at = serializers.DateTimeField(allow_null=True)
    required_completed_count = _required_completed_count_field()
    required_lesson_count = _required_lesson_count_field()
    percent = _percent_field()
    completed_at = serializers.DateTimeField(allow_null=True)
    resume = ResumeSerializer()


class ModuleProgressSerializer(api.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    required_completed_count = _required_completed_count_field()
    required_lesson_count = _required_lesson_count_field("module")


class CompletionStatsSerializer(api.Serializer):
    """Kept with the course's completion record, as of the moment it was completed."""

    required_lesson_count = serializers.IntegerField(
        source="required_lessons", help_text="Required lessons the course had when it was completed."
    )
    completed_lesson_count = serializers.IntegerField(
        source="lessons_completed",
        help_text="Lessons the learner had completed then, required and optional.",
    )
    first_completed_at = serializers.DateTimeField()
    last_completed_at = serializers.DateTimeField()
    event_count = serializers.IntegerField(
        source="events_recorded", help_text="Progress events recorded for the course by then."
    )


class CourseProgressSerializer(api.Serializer):
    course_id = serializers.IntegerField()
    enrolled = serializers.BooleanField()
    required_completed_count = _required_completed_count_field()
    required_lesson_count = _required_lesson_count_field()
    percent = _percent_field()
    completed_at = serializers.DateTimeField(allow_null=True)
    completion_stats = CompletionStatsSerializer(allow_null=True)
    modules = ModuleProgressSerializer(many=True)
    completed_lesson_ids = serializers.ListField(child=serializers.IntegerField())


class LearnerProgressSerializer(api.Serializer):
    user = StaffUserSummarySerializer()
    active = serializers.BooleanField()
    enrolled_at = serializers.DateTimeField()
    last_activity_at = serializers.DateTimeField(allow_null=True)
    required_completed_count = _required_completed_count_field()
    required_lesson_count = _required_lesson_count_field()
    percent = _percent_field()
    completed_at = serializers.DateTimeField(allow_null=True)


class EnrollResponseSerializer(api.Serializer):
    course_id = serializers.IntegerField()
    active = serializers.BooleanField()
    enrolled_at = serializers.DateTimeField()
    created = serializers.BooleanField(help_text="False when the learner was already enrolled (no-op).")
