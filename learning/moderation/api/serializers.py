"""Moderation API serializers: input (strict: unknown keys are a 400) and output."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from site_config.api import serializers as api

from ..models import CaseState, Reason, ReportStatus
from ..registry import kind_choices
from ..selectors import QUEUE_STATUSES


def _comment_field(help_text: str):
    return serializers.CharField(
        max_length=settings.MODERATION_COMMENT_MAX_CHARS,
        required=False,
        allow_blank=True,
        default="",
        help_text=f"{help_text} At most MODERATION_COMMENT_MAX_CHARS characters.",
    )


class ReportCreateSerializer(api.Serializer):
    kind = serializers.ChoiceField(choices=[], help_text="What is reported (docs/moderation.md: kinds).")
    target = serializers.CharField(
        max_length=200,
        help_text="Which one: a shared project's share token (kind `project`), a user id (kind `profile`).",
    )
    reason = serializers.ChoiceField(choices=Reason.choices)
    comment = _comment_field("Optional details for the moderators.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the kinds the owning apps registered (registry.py), read once the apps are ready
        self.fields["kind"].choices = kind_choices()


class ReportSerializer(api.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(source="case.kind")
    reason = serializers.ChoiceField(choices=Reason.choices)
    comment = serializers.CharField()
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    created_at = serializers.DateTimeField()


class CaseReportSerializer(ReportSerializer):
    """A report as the admin sees it: who sent it and what became of it."""

    kind = None
    reporter_id = serializers.IntegerField()
    reporter_email = serializers.EmailField(source="reporter.email")
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolved_by_id = serializers.IntegerField(allow_null=True)
    resolution_comment = serializers.CharField()


class CaseListItemSerializer(api.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    object_id = serializers.IntegerField()
    owner_id = serializers.IntegerField(allow_null=True)
    owner_email = serializers.SerializerMethodField()
    label = serializers.CharField()
    state = serializers.ChoiceField(choices=CaseState.choices)
    open_reports = serializers.IntegerField()
    total_reports = serializers.IntegerField()
    first_reported_at = serializers.DateTimeField(allow_null=True)
    last_reported_at = serializers.DateTimeField(allow_null=True, source="last_report_at")
    takedown_reason = serializers.CharField()
    taken_down_at = serializers.DateTimeField(allow_null=True)
    restored_at = serializers.DateTimeField(allow_null=True)

    def get_owner_email(self, case) -> str | None:
        return case.owner.email if case.owner_id and case.owner else None


class CaseDetailSerializer(CaseListItemSerializer):
    takedown_comment = serializers.CharField()
    taken_down_by_id = serializers.IntegerField(allow_null=True)
    restored_by_id = serializers.IntegerField(allow_null=True)
    restore_comment = serializers.CharField()
    content = serializers.JSONField(
        allow_null=True,
        help_text="The content as it is now, for the admin (null when it is gone): a project's "
        "title and files, a profile's display name and bio. Shown whatever its state.",
    )
    reports = CaseReportSerializer(many=True, help_text="The newest MODERATION_CASE_REPORTS_SHOWN reports.")


class CaseQuerySerializer(api.Serializer):
    status = serializers.ChoiceField(
        choices=QUEUE_STATUSES, required=False, default="open", help_text="Default: open."
    )
    kind = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)


class DismissSerializer(api.Serializer):
    comment = _comment_field("Why nothing is done (told to the reporters).")


class TakeDownSerializer(api.Serializer):
    reason = serializers.ChoiceField(choices=Reason.choices)
    comment = _comment_field("Why (told to the owner).")


class RestoreSerializer(api.Serializer):
    comment = _comment_field("Why the takedown is undone.")
