"""Report export API serializers: input (strict: unknown keys are a 400) and output."""

from __future__ import annotations

from rest_framework import serializers

from site_config.api import serializers as api
from site_config.api.ids import IdField

from ..models import Format, Kind, Scope, Status


class ExportRequestSerializer(api.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    format = serializers.ChoiceField(choices=Format.choices)
    scope = serializers.ChoiceField(choices=Scope.choices)
    organisation = IdField(required=False, help_text="The organisation's id: with scope `organisation` only.")
    course = IdField(required=False, help_text="The course page's id: with scope `course` only.")

    def validate(self, attrs):
        wanted, other = (
            ("organisation", "course") if attrs["scope"] == Scope.ORGANISATION else ("course", "organisation")
        )
        errors = {}
        if attrs.get(wanted) is None:
            errors[wanted] = serializers.ErrorDetail(
                f"Required with scope `{attrs['scope']}`.", code="required"
            )
        if attrs.get(other) is not None:
            errors[other] = serializers.ErrorDetail(
                f"Not allowed with scope `{attrs['scope']}`.", code="not_allowed"
            )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ExportSerializer(api.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    format = serializers.ChoiceField(choices=Format.choices)
    scope = serializers.ChoiceField(choices=Scope.choices)
    organisation_id = serializers.IntegerField(allow_null=True)
    course_id = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100, help_text="Percent of the rows written.")
    rows_done = serializers.IntegerField()
    rows_total = serializers.IntegerField(allow_null=True, help_text="Null until the job has counted them.")
    error = serializers.CharField(help_text="Why the export failed (status `failed`), else empty.")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(help_text="When the export and its file are deleted.")


class DownloadLinkSerializer(api.Serializer):
    url = serializers.CharField(help_text="Absolute URL; works without a bearer token until `expires_at`.")
    expires_at = serializers.DateTimeField()


class ExportDetailSerializer(ExportSerializer):
    download = DownloadLinkSerializer(
        allow_null=True,
        help_text="A fresh signed link (ANALYTICS_EXPORT_LINK_SECONDS) when status is `done`.",
    )
