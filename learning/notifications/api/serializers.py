"""Input and output shapes of the notifications API."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from site_config.api import serializers as api
from site_config.api.ids import IdField

from ..models import ALL_TYPES, Channel, TargetKind
from ..registry import NOTIFICATION_TYPES


class LinkSerializer(api.Serializer):
    """What a notification points at: an object of the platform (`kind` and `id`) or,
    with kind `url`, a URL."""

    kind = serializers.ChoiceField(choices=TargetKind.choices)
    id = IdField(required=False, allow_null=True, default=None)
    url = serializers.URLField(required=False, allow_blank=True, default="", max_length=500)

    def validate(self, attrs):
        if attrs["kind"] == TargetKind.URL:
            if not attrs.get("url"):
                raise serializers.ValidationError({"url": "A url link needs its url."}, code="required")
            if attrs.get("id") is not None:
                raise serializers.ValidationError({"id": "A url link has no id."}, code="invalid")
        else:
            if attrs.get("id") is None:
                raise serializers.ValidationError({"id": "This link needs the object's id."}, code="required")
            if attrs.get("url"):
                raise serializers.ValidationError({"url": "Only a url link has a url."}, code="invalid")
        return attrs


class LinkOutSerializer(api.Serializer):
    kind = serializers.ChoiceField(choices=TargetKind.choices, source="target_kind")
    id = serializers.IntegerField(source="target_id", allow_null=True)
    url = serializers.CharField(source="target_url")


class NotificationSerializer(api.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField(help_text="A notification type (see the preferences endpoint).")
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(LinkOutSerializer(allow_null=True))
    def get_link(self, obj):  # pragma: no cover - to_representation builds it (the schema reads this)
        return None

    def to_representation(self, obj):
        """The declared fields built directly: every page view of a front end reads the
        inbox, and a nested serializer per row cost more than the query."""
        return {
            "id": obj.pk,
            "type": obj.type,
            "title": obj.title,
            "body": obj.body,
            "link": {"kind": obj.target_kind, "id": obj.target_id, "url": obj.target_url}
            if obj.target_kind
            else None,
            "created_at": _DATETIME.to_representation(obj.created_at),
            "read_at": _DATETIME.to_representation(obj.read_at) if obj.read_at else None,
        }


_DATETIME = serializers.DateTimeField()


class UnreadCountSerializer(api.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(api.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications this marked read.")


class AdminSendSerializer(api.Serializer):
    recipients = serializers.ListField(
        child=IdField(),
        min_length=1,
        max_length=settings.NOTIFICATIONS_ADMIN_MAX_RECIPIENTS,
        help_text="User ids (at most NOTIFICATIONS_ADMIN_MAX_RECIPIENTS).",
    )
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    link = LinkSerializer(required=False, allow_null=True, default=None)
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices),
        required=False,
        allow_null=True,
        default=None,
        max_length=8,
        help_text="Channels to use (default all); each recipient's preferences still apply.",
    )


class NotifyResultSerializer(api.Serializer):
    notifications = serializers.IntegerField()
    in_app = serializers.IntegerField()
    deliveries = serializers.DictField(child=serializers.IntegerField(), help_text="Queued, per channel.")
    skipped = serializers.IntegerField()


class PreferenceChangeSerializer(api.Serializer):
    type = serializers.ChoiceField(choices=[], help_text='A notification type, or "*" for every type.')
    channel = serializers.ChoiceField(choices=Channel.choices)
    enabled = serializers.BooleanField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [ALL_TYPES, *NOTIFICATION_TYPES]


class PreferencesUpdateSerializer(api.Serializer):
    preferences = PreferenceChangeSerializer(
        many=True, min_length=1, max_length=settings.NOTIFICATIONS_MAX_PREFERENCE_CHANGES
    )


class TypePreferenceSerializer(api.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    channels = serializers.DictField(child=serializers.BooleanField(), help_text="Channel -> on.")


class PreferencesSerializer(api.Serializer):
    channels = serializers.ListField(child=serializers.CharField(), help_text="The channels available.")
    all_types = serializers.DictField(
        child=serializers.BooleanField(allow_null=True),
        help_text='The "every type" switch per channel (null: not set).',
    )
    types = TypePreferenceSerializer(many=True)


class UnsubscribeSerializer(api.Serializer):
    type = serializers.CharField(help_text='The notification type, or "*" for every type.')
    type_label = serializers.CharField()
    channel = serializers.CharField()
    subscribed = serializers.BooleanField(help_text="Whether these notifications are on now.")
