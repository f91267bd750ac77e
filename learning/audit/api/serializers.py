"""Shapes of the audit log's admin API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from site_config.api import serializers as api
from site_config.api.ids import IdField

from ..selectors import object_type_of


class AuditQuerySerializer(api.Serializer):
    actor = IdField(required=False, help_text="The actor's user id.")
    actor_email = serializers.CharField(required=False, max_length=254)
    event = serializers.CharField(
        required=False,
        max_length=64,
        help_text="An event name (`auth.login`) or a prefix ending in a dot (`auth.`).",
    )
    object_type = serializers.RegexField(
        r"^[a-z0-9_]+\.[a-z0-9_]+$",
        required=False,
        max_length=100,
        help_text="`app_label.model`, e.g. `accounts.user`.",
    )
    object_id = serializers.CharField(required=False, max_length=255)
    since = serializers.DateTimeField(required=False, help_text="From this time on (ISO 8601).")
    until = serializers.DateTimeField(required=False, help_text="Before this time (ISO 8601).")
    request_id = serializers.CharField(required=False, max_length=128)
    ip = serializers.IPAddressField(required=False)
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["since"] >= attrs["until"]:
            raise serializers.ValidationError(
                {"until": "`until` must be after `since`."}, code="invalid_range"
            )
        return attrs


class AuditActorSerializer(api.Serializer):
    id = serializers.IntegerField()
    email = serializers.CharField(allow_null=True)


class AuditEntrySerializer(api.Serializer):
    id = serializers.IntegerField(read_only=True)
    timestamp = serializers.DateTimeField(read_only=True)
    event = serializers.CharField(read_only=True)
    actor = serializers.SerializerMethodField()
    object_type = serializers.SerializerMethodField()
    object_id = serializers.CharField(source="object_pk", read_only=True)
    object_repr = serializers.CharField(read_only=True)
    changes = serializers.JSONField(
        read_only=True, help_text="Before/after per field: `{field: [old, new]}`."
    )
    data = serializers.JSONField(source="additional_data", read_only=True)
    ip = serializers.CharField(source="remote_addr", read_only=True, allow_null=True)
    user_agent = serializers.CharField(read_only=True)
    request_id = serializers.CharField(source="cid", read_only=True, allow_null=True)

    @extend_schema_field(AuditActorSerializer(allow_null=True))
    def get_actor(self, entry):
        if entry.actor_id is None:
            return None
        return {"id": entry.actor_id, "email": entry.actor_email}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_object_type(self, entry):
        return object_type_of(entry)
