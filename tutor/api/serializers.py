"""Shapes of the tutor API (docs/tutor.md#endpoints)."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from learning.accounts.api.serializers import StaffUserSummarySerializer
from learning.coding.sandbox.protocol import STATUSES
from site_config.api import serializers as api
from site_config.api.ids import IdField

from ..models import TutorMessage

GUARDRAILS = ("off_topic", "injection", "solution_request", "solution_withheld")
_GUARDRAIL_HELP = (
    "Set when a guardrail shaped the reply (docs/tutor.md#guardrails): `off_topic` (declined), "
    "`injection` (an attempt to change the tutor's rules), `solution_request` (asked for the solution), "
    "`solution_withheld` (a reply too close to a reference solution was replaced by the allowed hint); "
    "empty otherwise."
)


class _Limited(serializers.CharField):
    def __init__(self, setting: str, **kwargs):
        self.setting = setting
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        limit = getattr(settings, self.setting)
        if len(value) > limit:
            raise serializers.ValidationError(
                f"At most {limit} characters ({self.setting}).", code="max_length"
            )
        return value


class _CodeField(serializers.CharField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        size = len(value.encode())
        if size > settings.TUTOR_MAX_CODE_BYTES:
            raise serializers.ValidationError(
                f"The code is {size} bytes; the limit is {settings.TUTOR_MAX_CODE_BYTES} "
                "(TUTOR_MAX_CODE_BYTES).",
                code="too_large",
            )
        return value


class AskSerializer(api.Serializer):
    question = _Limited(
        "TUTOR_MAX_QUESTION_CHARS", help_text="The learner's question (TUTOR_MAX_QUESTION_CHARS at most)."
    )
    lesson_id = IdField(required=False, help_text="The lesson the learner is on (a published one).")
    challenge_id = IdField(
        required=False, help_text="The challenge the learner is working on: its hint ladder applies."
    )
    conversation_id = IdField(
        required=False, help_text="Continue this conversation of mine; omit to start one."
    )


class RunErrorSerializer(api.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    message = _Limited("TUTOR_MAX_RESULT_CHARS", required=False, allow_blank=True)
    line = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10**7)


class RunReportSerializer(api.Serializer):
    """What the last run printed and how it ended, from POST /code/run/'s answer: its
    `status` and `error` as they are, its `stdout` lines' texts joined with newlines."""

    status = serializers.ChoiceField(choices=list(STATUSES))
    error = RunErrorSerializer(required=False, allow_null=True)
    stdout = _Limited(
        "TUTOR_MAX_RESULT_CHARS",
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The console output, lines joined with newlines.",
    )


class CodeUpdateSerializer(api.Serializer):
    challenge_id = IdField(help_text="The challenge the code is for.")
    source = _CodeField(
        trim_whitespace=False, help_text="The learner's current code (main.js), TUTOR_MAX_CODE_BYTES at most."
    )
    submission_id = IdField(
        required=False, help_text="My last submission to this challenge: its test results are read."
    )
    run = RunReportSerializer(required=False, help_text="The last run's result, when there was a run since.")
    question = _Limited(
        "TUTOR_MAX_QUESTION_CHARS", required=False, help_text="What the learner asks with it (optional)."
    )
    conversation_id = IdField(required=False)


class CitationSerializer(api.Serializer):
    number = serializers.IntegerField(help_text="The [n] the answer cites it by.")
    lesson_id = serializers.IntegerField(allow_null=True)
    lesson_title = serializers.CharField()
    section_anchor = serializers.CharField(allow_blank=True, help_text="The section's anchor in the lesson.")
    course_id = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField(help_text="Retrieval similarity (cosine, higher is nearer).")


class HintSerializer(api.Serializer):
    level = serializers.IntegerField(help_text="The rung of the ladder this answer gives (1 = first).")
    of = serializers.IntegerField(help_text="How many rungs the challenge's ladder has.")
    challenge_id = serializers.IntegerField()
    needs_attempt = serializers.BooleanField(
        help_text="True when more help was asked but no run or submission came since the last hint."
    )


class AnswerSerializer(api.Serializer):
    conversation_id = serializers.IntegerField()
    message_id = serializers.IntegerField(help_text="The tutor's message.")
    answer = serializers.CharField(help_text="Markdown; cites the course as [n] (see `citations`).")
    mode = serializers.ChoiceField(
        choices=TutorMessage.Mode.choices,
        help_text="Who answered: `llm` (the configured endpoint) or `built_in` (the grounded answerer: no "
        "endpoint configured, the endpoint failed, or a guardrail answered).",
    )
    hint_level = serializers.IntegerField(allow_null=True, help_text="The hint rung given, if any.")
    hint = HintSerializer(allow_null=True)
    citations = CitationSerializer(many=True)
    guardrail = serializers.ChoiceField(
        choices=[("", "none"), *[(g, g) for g in GUARDRAILS]], help_text=_GUARDRAIL_HELP
    )
    created_at = serializers.DateTimeField()


class MessageSerializer(api.Serializer):
    id = serializers.IntegerField()
    role = serializers.ChoiceField(choices=TutorMessage.Role.choices)
    kind = serializers.CharField(help_text="`ask` (a question) or `code_update`.")
    text = serializers.CharField()
    code = serializers.CharField(allow_blank=True)
    lesson_id = serializers.IntegerField(allow_null=True)
    challenge_id = serializers.IntegerField(allow_null=True)
    mode = serializers.CharField(allow_blank=True, help_text="Tutor messages: `llm` or `built_in`.")
    hint_level = serializers.IntegerField(allow_null=True)
    citations = CitationSerializer(many=True)
    guardrail = serializers.CharField(allow_blank=True, help_text=_GUARDRAIL_HELP)
    created_at = serializers.DateTimeField()


class ConversationSerializer(api.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="The first question.")
    course_id = serializers.IntegerField(allow_null=True)
    turn_count = serializers.IntegerField(help_text="Questions and code updates in it.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ConversationDetailSerializer(ConversationSerializer):
    messages = serializers.SerializerMethodField()

    @extend_schema_field(MessageSerializer(many=True))
    def get_messages(self, obj) -> list[dict]:
        return MessageSerializer(obj.messages.all(), many=True).data


class TeacherConversationSerializer(ConversationSerializer):
    user = StaffUserSummarySerializer(help_text="The learner.")


class TeacherConversationDetailSerializer(ConversationDetailSerializer):
    user = StaffUserSummarySerializer(help_text="The learner.")
