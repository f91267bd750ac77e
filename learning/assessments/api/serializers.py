"""Input and output shapes of the assessments API.

Outputs are built by `shaping.py` (which applies the feedback rules) and documented
here; a learner's question never carries `correct`, weights or feedback before the
rules allow it."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from learning.accounts.api.serializers import StaffUserSummarySerializer
from site_config.api import serializers as api

from ..models import Attempt

ATTEMPT_STATES = Attempt.State.choices


class AnswerItemSerializer(api.Serializer):
    position = serializers.IntegerField(min_value=1, max_value=100000, help_text="The question's position.")
    answer = serializers.JSONField(
        allow_null=True,
        help_text=(
            "single / true_false: an option key; multiple: a list of option keys; ordering: every "
            "item key in your order; numeric: a number; short_text and code: a text; null clears it."
        ),
    )


class AnswersSaveSerializer(api.Serializer):
    answers = AnswerItemSerializer(many=True, allow_empty=False)

    def validate_answers(self, value):
        if len(value) > settings.QUIZ_MAX_ANSWERS_PER_SAVE:
            raise serializers.ValidationError(
                f"At most {settings.QUIZ_MAX_ANSWERS_PER_SAVE} answers per request.", code="too_many"
            )
        positions = [item["position"] for item in value]
        if len(set(positions)) != len(positions):
            raise serializers.ValidationError("A position appears twice.", code="duplicate")
        return value


class EmptySerializer(api.Serializer):
    """No body (or `{}`)."""


# --- outputs ------------------------------------------------------------------------


class OptionSerializer(api.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()


class OptionFeedbackSerializer(api.Serializer):
    key = serializers.CharField()
    feedback = serializers.CharField()


class QuestionFeedbackSerializer(api.Serializer):
    score_fraction = serializers.FloatField(
        help_text="Of the question's points; below 0 with negative marking."
    )
    points_awarded = serializers.FloatField()
    correct = serializers.BooleanField(help_text="Full marks.")
    correct_answer = serializers.JSONField(
        allow_null=True, help_text="Option keys (choice, ordering) or accepted values (numeric, short text)."
    )
    option_feedback = OptionFeedbackSerializer(many=True)
    general_feedback = serializers.CharField()
    detail = serializers.JSONField(help_text="e.g. a code question's tests passed.")


class AttemptQuestionSerializer(api.Serializer):
    position = serializers.IntegerField()
    question_type = serializers.CharField()
    stem = serializers.CharField(help_text="Rich text (HTML).")
    stem_code = serializers.CharField()
    stem_code_language = serializers.CharField()
    points = serializers.FloatField()
    options = OptionSerializer(many=True, help_text="In the order this attempt shows them.")
    code_starter = serializers.CharField(allow_null=True)
    answer = serializers.JSONField(allow_null=True, help_text="Your saved answer.")
    saved_at = serializers.DateTimeField(allow_null=True)
    feedback = QuestionFeedbackSerializer(allow_null=True, help_text="Only when the feedback rules allow it.")


class AttemptSummarySerializer(api.Serializer):
    id = serializers.IntegerField()
    quiz = serializers.IntegerField()
    quiz_title = serializers.CharField()
    number = serializers.IntegerField()
    state = serializers.ChoiceField(choices=ATTEMPT_STATES)
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    late = serializers.BooleanField()
    score = serializers.FloatField(allow_null=True)
    max_score = serializers.FloatField()
    percent = serializers.FloatField(
        allow_null=True, help_text="score / max_score × 100, 2 decimals (null until submitted)."
    )
    passed = serializers.BooleanField(allow_null=True)


class AttemptDetailSerializer(AttemptSummarySerializer):
    feedback_available = serializers.BooleanField()
    feedback_available_at = serializers.DateTimeField(allow_null=True)
    questions = AttemptQuestionSerializer(many=True)


class SavedAnswerSerializer(api.Serializer):
    position = serializers.IntegerField()
    answer = serializers.JSONField(allow_null=True)
    saved_at = serializers.DateTimeField()
    feedback = QuestionFeedbackSerializer(allow_null=True, help_text="Immediate-feedback quizzes only.")


class AnswersSavedSerializer(api.Serializer):
    saved = SavedAnswerSerializer(many=True)


class QuizGradeSerializer(api.Serializer):
    percent = serializers.FloatField(
        allow_null=True,
        help_text="The quiz grade in percent: highest, last or average of the submitted attempts' percents "
        "(grading_method); null before any.",
    )
    passed = serializers.BooleanField(help_text="percent ≥ pass_mark.")
    attempt_count = serializers.IntegerField(help_text="Submitted attempts the grade is computed from.")


class QuizLearnerSerializer(api.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    intro = serializers.CharField()
    time_limit_minutes = serializers.IntegerField(allow_null=True)
    available_from = serializers.DateTimeField(allow_null=True)
    available_until = serializers.DateTimeField(allow_null=True)
    pass_mark = serializers.FloatField()
    feedback_timing = serializers.CharField()
    attempts_allowed = serializers.IntegerField()
    cooldown_minutes = serializers.IntegerField()
    grading_method = serializers.CharField()
    negative_marking = serializers.BooleanField()
    is_final = serializers.BooleanField(
        help_text="A final quiz: the course certificate waits until your grade passes it."
    )
    grade = QuizGradeSerializer()
    attempts_used = serializers.IntegerField(
        help_text="Submitted attempts (counted against attempts_allowed)."
    )
    open_attempt = serializers.IntegerField(allow_null=True)
    next_start_at = serializers.DateTimeField(
        allow_null=True, help_text="When the cooldown ends (null: you may start now, or never again)."
    )
    can_start = serializers.BooleanField()


class TeacherResponseSerializer(api.Serializer):
    position = serializers.IntegerField()
    question = serializers.IntegerField()
    version = serializers.IntegerField(help_text="The question version's number.")
    question_type = serializers.CharField()
    stem = serializers.CharField()
    answer = serializers.JSONField(allow_null=True)
    chosen_options = serializers.ListField(child=serializers.CharField())
    saved_at = serializers.DateTimeField(allow_null=True)
    score_fraction = serializers.FloatField(allow_null=True)
    points_awarded = serializers.FloatField(allow_null=True)
    max_points = serializers.FloatField()
    correct_answer = serializers.JSONField(allow_null=True)
    detail = serializers.JSONField()


class TeacherAttemptSerializer(AttemptSummarySerializer):
    user = StaffUserSummarySerializer(help_text="The learner.")
    course = serializers.IntegerField()


class TeacherAttemptDetailSerializer(TeacherAttemptSerializer):
    responses = TeacherResponseSerializer(many=True)
