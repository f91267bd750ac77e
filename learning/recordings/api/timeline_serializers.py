"""Serializers of playback, the snapshot timeline, publishing and fork
(docs/recordings.md). The snapshot batch is validated by learning/recordings/
snapshot_format.py, not field by field here (10,000 items through DRF fields would cost
seconds); `SnapshotInSerializer` documents the item's shape in the schema."""

from __future__ import annotations

from rest_framework import serializers

from site_config.api import serializers as api

from ..snapshot_models import SnapshotKind

FILES_HELP = "The code: `{path: content}`."
DIFF_HELP = (
    'Change against the previous snapshot: `{path: null | "whole new content" | '
    "[[at, delete, insert], ...]}` (offsets in Unicode code points)."
)


class CursorSerializer(api.Serializer):
    path = serializers.CharField()
    line = serializers.IntegerField(min_value=0, required=False)
    column = serializers.IntegerField(min_value=0, required=False)
    anchor_line = serializers.IntegerField(min_value=0, required=False, help_text="Selection start.")
    anchor_column = serializers.IntegerField(min_value=0, required=False)


class SnapshotInSerializer(api.Serializer):
    id = serializers.CharField(max_length=64, help_text="Your id of the snapshot: the idempotency key.")
    t_ms = serializers.IntegerField(min_value=0, help_text="Offset into the video; never below the previous.")
    kind = serializers.ChoiceField(choices=SnapshotKind.choices, required=False, default=SnapshotKind.EDIT)
    files = serializers.DictField(child=serializers.CharField(), required=False, help_text=FILES_HELP)
    diff = serializers.JSONField(required=False, help_text=DIFF_HELP)
    cursor = CursorSerializer(required=False)
    console = serializers.CharField(required=False, help_text="Output, for `kind: console`.")


class SnapshotBatchSerializer(api.Serializer):
    snapshots = SnapshotInSerializer(
        many=True,
        help_text="Up to RECORDING_SNAPSHOTS_MAX_BATCH (default 10,000) snapshots.",
    )


class SnapshotIngestResultSerializer(api.Serializer):
    received = serializers.IntegerField(help_text="Snapshots in this batch.")
    inserted = serializers.IntegerField(help_text="Snapshots stored by this batch.")
    duplicates = serializers.IntegerField(help_text="Items stored by an earlier batch (same id): skipped.")
    snapshot_count = serializers.IntegerField(help_text="Snapshots the recording holds now.")
    last_t_ms = serializers.IntegerField(allow_null=True)


class SnapshotOutSerializer(api.Serializer):
    id = serializers.CharField(source="client_id")
    seq = serializers.IntegerField(help_text="Place in the recording, from 0.")
    t_ms = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=SnapshotKind.choices)
    diff = serializers.JSONField(help_text=DIFF_HELP)
    files = serializers.DictField(
        child=serializers.CharField(), allow_null=True, help_text="Keyframes only: the whole code."
    )
    cursor = CursorSerializer(allow_null=True)
    console = serializers.CharField()


class TimelineQuerySerializer(api.Serializer):
    from_ms = serializers.IntegerField(min_value=0, required=False, default=0)
    to_ms = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    cursor = serializers.IntegerField(
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text="`next_cursor` of the last page.",
    )

    def validate(self, attrs):
        if attrs["to_ms"] is not None and attrs["to_ms"] < attrs["from_ms"]:
            raise serializers.ValidationError({"to_ms": ["`to_ms` is before `from_ms`."]}, code="invalid")
        return attrs


class TimelineSerializer(api.Serializer):
    recording_id = serializers.IntegerField()
    from_ms = serializers.IntegerField()
    to_ms = serializers.IntegerField(allow_null=True)
    snapshots = SnapshotOutSerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True, help_text="More snapshots in this window: pass it as `cursor`."
    )
    next = serializers.CharField(allow_null=True, help_text="The URL of the next page, if any.")


class StateQuerySerializer(api.Serializer):
    t_ms = serializers.IntegerField(min_value=0)


class StateSerializer(api.Serializer):
    recording_id = serializers.IntegerField()
    t_ms = serializers.IntegerField()
    seq = serializers.IntegerField(
        allow_null=True, help_text="The snapshot in force (null: before the first)."
    )
    snapshot_t_ms = serializers.IntegerField(allow_null=True)
    files = serializers.DictField(child=serializers.CharField(), help_text=FILES_HELP)
    cursor = CursorSerializer(allow_null=True)


class RecordingPageRefSerializer(api.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class RecordingPlayerSerializer(api.Serializer):
    """What a player needs: the media URLs, the length, the timeline's size."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    course = RecordingPageRefSerializer()
    lesson = RecordingPageRefSerializer(allow_null=True)
    status = serializers.CharField()
    is_published = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    duration_ms = serializers.IntegerField(allow_null=True)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    video_url = serializers.CharField(allow_null=True, help_text="The video as uploaded.")
    rendition_url = serializers.CharField(allow_null=True, help_text="The transcoded rendition, if any.")
    poster_url = serializers.CharField(allow_null=True)
    snapshot_count = serializers.IntegerField(help_text="Code snapshots on the recording's timeline.")
    timeline_url = serializers.CharField()
    state_url = serializers.CharField(help_text="Add `?t_ms=`.")


class PublishResultSerializer(api.Serializer):
    id = serializers.IntegerField()
    is_published = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)


class ForkInputSerializer(api.Serializer):
    t_ms = serializers.IntegerField(min_value=0, help_text="The time whose code goes into your draft.")
    version = serializers.IntegerField(
        min_value=0, help_text="Your draft's current version (0 before the first save)."
    )


class ForkFileSerializer(api.Serializer):
    name = serializers.CharField()
    language = serializers.CharField()
    content = serializers.CharField()


class ForkResultSerializer(api.Serializer):
    lesson_id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="The draft's new version.")
    files = ForkFileSerializer(many=True)
    updated_at = serializers.DateTimeField()
    t_ms = serializers.IntegerField()
    seq = serializers.IntegerField(allow_null=True)


class ForkConflictSerializer(api.Serializer):
    type = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField())
    current_version = serializers.IntegerField()
