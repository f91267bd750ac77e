"""Dashboard API serializers: the query (strict: an unknown parameter is a 400) and
the answers' shapes (for the OpenAPI schema)."""

from __future__ import annotations

from rest_framework import serializers

from site_config.api import serializers as api
from site_config.api.ids import IdField

from ..metrics import FUNNEL_STEPS


class DashboardQuerySerializer(api.Serializer):
    # `from` is a Python keyword: the field is declared under its wire name below
    to = serializers.DateField(required=False, help_text="The last day (UTC, inclusive); today by default.")
    granularity = serializers.ChoiceField(
        choices=["day", "week", "month"],
        required=False,
        help_text="Bucket size; `day` by default (`week` for retention, its only granularity).",
    )
    course = IdField(required=False, help_text="Narrow to one course (required for teachers).")
    organisation = IdField(
        required=False, help_text="Narrow to one organisation (an organisation admin's own)."
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False,
            help_text="The first day (UTC); ANALYTICS_DASHBOARD_DEFAULT_DAYS before `to` by default. "
            "At most ANALYTICS_DASHBOARD_MAX_DAYS days per request.",
        )
        return fields


class MetricSerializer(api.Serializer):
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["count", "distinct", "median", "rate", "funnel", "retention"])
    unit = serializers.CharField(help_text="learners, events, share (0..1) or seconds")
    description = serializers.CharField()
    by_course = serializers.BooleanField()
    by_organisation = serializers.BooleanField()
    per = serializers.ChoiceField(choices=["lesson", "module"], allow_null=True)


class MetricListSerializer(api.Serializer):
    metrics = MetricSerializer(many=True)


class SeriesKeySerializer(api.Serializer):
    lesson_id = serializers.IntegerField(allow_null=True, help_text="hints_per_lesson: the lesson")
    module_id = serializers.IntegerField(allow_null=True, help_text="module_completion_rate: the module")
    step = serializers.ChoiceField(choices=FUNNEL_STEPS, allow_null=True, help_text="funnel: the step")
    cohort = serializers.DateField(allow_null=True, help_text="retention: the signup week (its Monday)")
    cohort_size = serializers.IntegerField(allow_null=True, help_text="retention: learners in the cohort")


class PointSerializer(api.Serializer):
    start = serializers.DateField(help_text="The bucket's first day (retention: the week N after signup).")
    value = serializers.FloatField(
        allow_null=True, help_text="null: a rate or median with nothing to measure"
    )
    numerator = serializers.FloatField(allow_null=True, help_text="rates, funnels, retention: the count")
    denominator = serializers.IntegerField(
        allow_null=True, help_text="rates, funnels, retention: out of how many; medians: completions"
    )


class SeriesSerializer(api.Serializer):
    key = SeriesKeySerializer()
    points = PointSerializer(many=True)


class DashboardSerializer(api.Serializer):
    metric = serializers.CharField()
    kind = serializers.CharField()
    unit = serializers.CharField()
    granularity = serializers.CharField()
    course = serializers.IntegerField(allow_null=True)
    organisation = serializers.IntegerField(allow_null=True)
    series = SeriesSerializer(many=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        fields["to"] = serializers.DateField()
        return fields
