from rest_framework import serializers

from site_config.api.serializers import Serializer

from ..models import AttemptsBasis, ItemAnalysisReport

STAT = {"allow_null": True, "read_only": True}


class ItemAnalysisRequestSerializer(Serializer):
    basis = serializers.ChoiceField(choices=AttemptsBasis.choices, default=AttemptsBasis.FIRST)
    refresh = serializers.BooleanField(
        default=False, help_text="Compute again even when the stored result is of the current attempts."
    )


class ItemAnalysisQuerySerializer(Serializer):
    basis = serializers.ChoiceField(choices=AttemptsBasis.choices, default=AttemptsBasis.FIRST)


class QuizStatisticsSerializer(Serializer):
    max_total = serializers.FloatField(read_only=True, help_text="Largest possible total, in points.")
    mean = serializers.FloatField(**STAT, help_text="Average total, % of max_total.")
    median = serializers.FloatField(**STAT, help_text="% of max_total.")
    standard_deviation = serializers.FloatField(**STAT, help_text="% of max_total.")
    skewness = serializers.FloatField(**STAT)
    kurtosis = serializers.FloatField(**STAT)
    coefficient_of_internal_consistency = serializers.FloatField(**STAT, help_text="Cronbach's alpha, in %.")
    error_ratio = serializers.FloatField(**STAT, help_text="%.")
    standard_error = serializers.FloatField(**STAT, help_text="% of max_total.")


class DistractorOptionSerializer(Serializer):
    key = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    correct = serializers.BooleanField(read_only=True)
    chosen_count = serializers.IntegerField(read_only=True, help_text="Attempts that chose this option.")
    top_group_count = serializers.IntegerField(
        read_only=True, help_text="Attempts of the top group (by total score) that chose it."
    )
    bottom_group_count = serializers.IntegerField(
        read_only=True, help_text="Attempts of the bottom group (by total score) that chose it."
    )


class DistractorsSerializer(Serializer):
    group_size = serializers.IntegerField(
        read_only=True, help_text="Attempts in each of the top and bottom groups."
    )
    options = DistractorOptionSerializer(many=True, read_only=True)


class QuestionStatisticsSerializer(Serializer):
    question_id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    question_type = serializers.CharField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    max_points = serializers.FloatField(read_only=True)
    attempt_count = serializers.IntegerField(
        read_only=True, help_text="Attempts that were asked this question."
    )
    facility_index = serializers.FloatField(**STAT, help_text="%.")
    standard_deviation = serializers.FloatField(**STAT, help_text="% of max_points.")
    discrimination_index = serializers.FloatField(
        **STAT, help_text="100 x correlation with the rest of the test."
    )
    discriminative_efficiency = serializers.FloatField(**STAT, help_text="%.")
    intended_weight = serializers.FloatField(**STAT, help_text="%.")
    effective_weight = serializers.FloatField(**STAT, help_text="%.")
    distractors = DistractorsSerializer(allow_null=True, read_only=True, help_text="Choice questions only.")


class ItemAnalysisResultSerializer(Serializer):
    basis = serializers.ChoiceField(choices=AttemptsBasis.choices, read_only=True)
    computed_at = serializers.DateTimeField(read_only=True)
    attempt_count = serializers.IntegerField(read_only=True, help_text="Attempts the statistics count.")
    question_count = serializers.IntegerField(read_only=True, help_text="Questions analysed (columns).")
    quiz = QuizStatisticsSerializer(read_only=True)
    questions = QuestionStatisticsSerializer(many=True, read_only=True)


class ItemAnalysisReportSerializer(Serializer):
    quiz_id = serializers.IntegerField(read_only=True)
    basis = serializers.ChoiceField(choices=AttemptsBasis.choices, read_only=True)
    status = serializers.ChoiceField(choices=ItemAnalysisReport.Status.choices, read_only=True)
    requested_at = serializers.DateTimeField(read_only=True)
    started_at = serializers.DateTimeField(allow_null=True, read_only=True)
    finished_at = serializers.DateTimeField(allow_null=True, read_only=True)
    attempt_count = serializers.IntegerField(read_only=True, help_text="Attempts the stored result counts.")
    stale = serializers.BooleanField(
        read_only=True, help_text="Attempts were submitted since the stored result was computed."
    )
    error = serializers.CharField(read_only=True, allow_blank=True)
    result = ItemAnalysisResultSerializer(
        allow_null=True, read_only=True, help_text="The last computed result (kept while a new one runs)."
    )
