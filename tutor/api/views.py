"""Tutor API views: parse, authorise, call the services, shape the answer (JSON, or
Server-Sent Events when the client sends `Accept: text/event-stream`)."""

from __future__ import annotations

import json
import logging

from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from learning.accounts.permissions import IsTeacherOrAdmin, IsVerified
from site_config.api.errors import TryLater
from site_config.api.ids import id_param
from site_config.api.schema import AutoSchema

from .. import selectors, services
from ..diagnosis import attempt_from
from ..models import Conversation, TutorMessage
from ..retrieval import IndexNotBuilt
from .serializers import (
    AnswerSerializer,
    AskSerializer,
    CodeUpdateSerializer,
    ConversationDetailSerializer,
    ConversationSerializer,
    TeacherConversationDetailSerializer,
    TeacherConversationSerializer,
)
from .throttles import TutorReadThrottle, TutorThrottle

log = logging.getLogger("mrict.tutor")

DELTA_CHARS = 48


class EventStreamRenderer(BaseRenderer):
    """Lets content negotiation accept `text/event-stream`; the views answer such a
    request with a StreamingHttpResponse, and errors go out as JSON (see _TurnView)."""

    media_type = "text/event-stream"
    format = "event-stream"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode()


class TutorDailyLimit(TryLater):
    default_detail = (
        "You have asked the tutor as many questions as a day allows; it will answer again tomorrow."
    )
    default_code = "tutor_daily_limit"


def _not_found(field: str, what: str) -> ValidationError:
    return ValidationError({field: [drf_serializers.ErrorDetail(f"No such {what}.", code="does_not_exist")]})


def sse(event: str, data: dict) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n".encode()


def _pieces(text: str):
    """The answer in small pieces at word boundaries, for `delta` events."""
    start = 0
    while start < len(text):
        end = min(len(text), start + DELTA_CHARS)
        if end < len(text):
            space = text.rfind(" ", start + 1, end)
            end = space + 1 if space > start else end
        yield text[start:end]
        start = end


def answer_payload(turn: services.Turn, reply: TutorMessage) -> dict:
    hint = turn.hint if reply.hint_level else None
    return {
        "conversation_id": turn.conversation.pk,
        "message_id": reply.pk,
        "answer": reply.text,
        "mode": reply.mode,
        "hint_level": reply.hint_level,
        "hint": (
            {
                "level": hint.decision.level,
                "of": hint.decision.of,
                "challenge_id": turn.input.challenge.pk,
                "needs_attempt": hint.decision.needs_attempt,
            }
            if hint
            else None
        ),
        "citations": reply.citations,
        "guardrail": reply.guardrail,
        "created_at": reply.created_at,
    }


def index_missing_response(exc: IndexNotBuilt) -> Response:
    return Response(
        {
            "type": "server_error",
            "errors": [{"code": "tutor_index_missing", "detail": str(exc), "attr": None}],
        },
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
    )


_ERRORS_DOC = {
    429: OpenApiResponse(
        description="`throttled` (TUTOR_THROTTLE) or `tutor_daily_limit` (TUTOR_DAILY_LIMIT), "
        "with Retry-After."
    ),
    503: OpenApiResponse(
        description="`tutor_index_missing`: no tutor index yet (`python manage.py build_tutor_index`)."
    ),
}
_STREAM_DOC = (
    "With `Accept: text/event-stream` the answer comes as Server-Sent Events: `conversation` "
    "(`{conversation_id, message_id}` of the learner's message, at once), `delta` (`{text}`, pieces "
    "of the answer in order), then `answer` (the same object as the JSON response) and the stream "
    "ends; `error` (the one error shape) if the tutor fails mid-way. Errors found before the stream "
    "starts (validation, limits, permissions) are JSON with their status. The whole answer passes "
    "the output check before its first piece is sent (docs/tutor.md#endpoints)."
)


class _TurnSchema(AutoSchema):
    """Errors are JSON even when the client asked for a stream; only the 200 has an
    event-stream body (declared on each operation)."""

    def map_renderers(self, attribute):
        return [r for r in super().map_renderers(attribute) if r not in ("text/event-stream", "event-stream")]


class _TurnView(APIView):
    schema = _TurnSchema()
    permission_classes = [IsAuthenticated, IsVerified]
    throttle_classes = [TutorThrottle]
    renderer_classes = [JSONRenderer, EventStreamRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and isinstance(response.accepted_renderer, EventStreamRenderer):
            # errors (and anything not streamed) are JSON in the one error shape
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response

    def conversation(self, request, conversation_id):
        if conversation_id is None:
            return None
        conversation = selectors.conversation_of_learner(user=request.user, conversation_id=conversation_id)
        if conversation is None:
            raise _not_found("conversation_id", "conversation of yours")
        return conversation

    def answer(self, request, data: services.TurnInput):
        try:
            turn = services.tutor_turn_open(user=request.user, data=data)
        except services.DailyLimitReached as exc:
            raise TutorDailyLimit(exc.retry_after) from exc
        except services.ConversationMismatch as exc:
            raise ValidationError(
                {
                    "conversation_id": [
                        drf_serializers.ErrorDetail(
                            "This conversation is about another course: start a new one.", code="other_course"
                        )
                    ]
                }
            ) from exc
        except services.ConversationFull as exc:
            raise ValidationError(
                {
                    "conversation_id": [
                        drf_serializers.ErrorDetail(
                            "This conversation is full (TUTOR_MAX_TURNS): start a new one.",
                            code="conversation_full",
                        )
                    ]
                }
            ) from exc
        except IndexNotBuilt as exc:
            return index_missing_response(exc)
        if isinstance(request.accepted_renderer, EventStreamRenderer):
            response = StreamingHttpResponse(
                self._stream(turn), content_type="text/event-stream; charset=utf-8"
            )
            response["Cache-Control"] = "no-cache"
            response["X-Accel-Buffering"] = "no"  # nginx: pass events on as they come
            return response
        reply = services.tutor_turn_answer(turn=turn)
        return Response(AnswerSerializer(answer_payload(turn, reply)).data)

    def _stream(self, turn: services.Turn):
        yield sse(
            "conversation",
            {"conversation_id": turn.conversation.pk, "message_id": turn.learner_message.pk},
        )
        try:
            reply = services.tutor_turn_answer(turn=turn)
        except Exception:  # the stream has started: report in-band, never a half-written 500
            log.exception("tutor answer failed mid-stream")
            yield sse(
                "error",
                {
                    "type": "server_error",
                    "errors": [
                        {"code": "error", "detail": "The tutor failed to answer; try again.", "attr": None}
                    ],
                },
            )
            return
        for piece in _pieces(reply.text):
            yield sse("delta", {"text": piece})
        yield sse("answer", AnswerSerializer(answer_payload(turn, reply)).data)


class AskView(_TurnView):
    @extend_schema(
        operation_id="tutor_ask",
        summary="Ask the tutor a question",
        description=(
            "Answers from the course (retrieved passages, cited) and, with a `challenge_id`, gives the "
            "hint the ladder allows: the first on asking, each next one only after a run or a submission "
            "since the last. `mode` says who answered. Guardrails: docs/tutor.md#guardrails. " + _STREAM_DOC
        ),
        request=AskSerializer,
        responses={
            (200, "application/json"): AnswerSerializer,
            (200, "text/event-stream"): OpenApiTypes.STR,
            **_ERRORS_DOC,
        },
        examples=[
            OpenApiExample(
                "question",
                request_only=True,
                value={"question": "How do I loop over an array?", "lesson_id": 12},
            )
        ],
    )
    def post(self, request):
        from cms.selectors import lesson_get_for_user
        from learning.coding.selectors import challenge_get_for_learner

        data = AskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        lesson = challenge = None
        try:
            if "lesson_id" in v:
                lesson = lesson_get_for_user(user=request.user, lesson_id=v["lesson_id"])
        except Http404 as exc:
            raise _not_found("lesson_id", "published lesson") from exc
        try:
            if "challenge_id" in v:
                challenge = challenge_get_for_learner(user=request.user, challenge_id=v["challenge_id"])
        except Http404 as exc:
            raise _not_found("challenge_id", "challenge") from exc
        if lesson is not None and challenge is not None and challenge.lesson_id != lesson.pk:
            raise ValidationError(
                {
                    "challenge_id": [
                        drf_serializers.ErrorDetail("Not a challenge of that lesson.", code="invalid")
                    ]
                }
            )
        return self.answer(
            request,
            services.TurnInput(
                kind=TutorMessage.Kind.ASK,
                question=v["question"],
                lesson=lesson,
                challenge=challenge,
                conversation=self.conversation(request, v.get("conversation_id")),
            ),
        )


DEFAULT_CODE_QUESTION = "What is wrong with my code, and what should I try next?"


class CodeUpdateView(_TurnView):
    @extend_schema(
        operation_id="tutor_code_update",
        summary="Send the tutor my code and its last result",
        description=(
            "The learner's current code for a challenge, with the last run's result (`run`, as "
            "POST /code/run/ returned it) or their last submission (`submission_id`, read from the "
            "server): the tutor says what is likely wrong and gives the hint the ladder allows. Hidden "
            "tests stay hidden. " + _STREAM_DOC
        ),
        request=CodeUpdateSerializer,
        responses={
            (200, "application/json"): AnswerSerializer,
            (200, "text/event-stream"): OpenApiTypes.STR,
            **_ERRORS_DOC,
        },
    )
    def post(self, request):
        from learning.coding.selectors import challenge_get_for_learner, submissions_for_learner

        data = CodeUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            challenge = challenge_get_for_learner(user=request.user, challenge_id=v["challenge_id"])
        except Http404 as exc:
            raise _not_found("challenge_id", "challenge") from exc
        submission = None
        if v.get("submission_id"):
            submission = (
                submissions_for_learner(user=request.user, challenge=challenge)
                .filter(pk=v["submission_id"])
                .first()
            )
            if submission is None:
                raise _not_found("submission_id", "submission of yours to this challenge")
        attempt, report = attempt_from(
            code=v["source"], starter=challenge.starter_source, run=v.get("run"), submission=submission
        )
        return self.answer(
            request,
            services.TurnInput(
                kind=TutorMessage.Kind.CODE_UPDATE,
                question=v.get("question") or DEFAULT_CODE_QUESTION,
                challenge=challenge,
                conversation=self.conversation(request, v.get("conversation_id")),
                attempt=attempt,
                run_result_text=report,
            ),
        )


# --- conversations ---------------------------------------------------------------------


class ConversationListView(GenericAPIView):
    permission_classes = [IsAuthenticated, IsVerified]
    throttle_classes = [TutorReadThrottle]
    serializer_class = ConversationSerializer
    queryset = Conversation.objects.none()  # the schema's model; get() reads through the selectors

    @extend_schema(
        operation_id="tutor_conversations", summary="My conversations with the tutor, newest first"
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.conversations_for_learner(user=request.user))
        return self.get_paginated_response(ConversationSerializer(page, many=True).data)


class ConversationDetailView(GenericAPIView):
    permission_classes = [IsAuthenticated, IsVerified]
    throttle_classes = [TutorReadThrottle]
    serializer_class = ConversationDetailSerializer
    queryset = Conversation.objects.none()

    @extend_schema(operation_id="tutor_conversation", summary="One of my conversations, with its messages")
    def get(self, request, conversation_id):
        conversation = selectors.conversation_get_for_learner(
            user=request.user, conversation_id=conversation_id
        )
        return Response(ConversationDetailSerializer(conversation).data)


class TeacherConversationListView(GenericAPIView):
    permission_classes = [IsTeacherOrAdmin]
    throttle_classes = [TutorReadThrottle]
    serializer_class = TeacherConversationSerializer
    queryset = Conversation.objects.none()

    @extend_schema(
        operation_id="teacher_tutor_conversations",
        summary="Tutor conversations of learners in my courses (filters: course, user)",
        parameters=[
            OpenApiParameter("course", int, description="Only this course's conversations."),
            OpenApiParameter("user", int, description="Only this learner's conversations."),
        ],
    )
    def get(self, request):
        queryset = selectors.conversations_for_teacher(
            user=request.user,
            course_id=id_param(request.query_params.get("course")),
            learner_id=id_param(request.query_params.get("user")),
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(TeacherConversationSerializer(page, many=True).data)


class TeacherConversationDetailView(GenericAPIView):
    permission_classes = [IsTeacherOrAdmin]
    throttle_classes = [TutorReadThrottle]
    serializer_class = TeacherConversationDetailSerializer
    queryset = Conversation.objects.none()

    @extend_schema(operation_id="teacher_tutor_conversation", summary="A tutor conversation of my course")
    def get(self, request, conversation_id):
        conversation = selectors.conversation_get_for_teacher(
            user=request.user, conversation_id=conversation_id
        )
        return Response(TeacherConversationDetailSerializer(conversation).data)
