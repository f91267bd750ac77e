"""Assessments API views: parse, authorise, call one service or selector, shape."""

from __future__ import annotations

import math

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from learning.accounts.permissions import IsTeacherOrAdmin, IsVerified
from site_config.api.errors import TryLater
from site_config.api.ids import id_param
from site_config.api.schema import ConflictErrorResponse

from .. import selectors, services
from ..models import Attempt
from . import shaping
from .serializers import (
    AnswersSavedSerializer,
    AnswersSaveSerializer,
    AttemptDetailSerializer,
    AttemptSummarySerializer,
    EmptySerializer,
    QuizLearnerSerializer,
    TeacherAttemptDetailSerializer,
    TeacherAttemptSerializer,
)

TAGS = ["assessments"]
TEACHER_TAGS = ["assessments: teachers"]


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The attempt cannot do that now."
    default_code = "conflict"


class QuizCooldown(TryLater):
    default_detail = "Wait before your next attempt at this quiz."
    default_code = "quiz_cooldown"


class SandboxBusy(TryLater):
    default_detail = "The code sandbox is busy grading; submit again in a moment."
    default_code = "sandbox_busy"


class AssessmentView(APIView):
    """Maps the services' refusals onto the one error shape: AttemptRefused is a 409
    with its code (a cooldown: 429 with Retry-After), AnswerInvalid a 400 on
    `answers.<i>.answer`."""

    def handle_exception(self, exc):
        if isinstance(exc, services.AttemptRefused):
            if exc.retry_after:
                exc = QuizCooldown(max(1, math.ceil(exc.retry_after)), detail=exc.detail)
            else:
                exc = Conflict(detail=exc.detail, code=exc.code)
        elif isinstance(exc, services.AnswerInvalid):
            exc = exceptions.ValidationError(
                {
                    "answers": {
                        exc.index: {"answer": [exceptions.ErrorDetail(exc.detail, code="invalid_answer")]}
                    }
                }
            )
        return super().handle_exception(exc)


LEARNER = [IsAuthenticated, IsVerified]
CONFLICT_409 = {409: ConflictErrorResponse}


class QuizDetailView(AssessmentView):
    permission_classes = LEARNER

    @extend_schema(
        tags=TAGS,
        operation_id="quiz_get",
        summary="A quiz's rules and my standing (grade, attempts used, whether I may start)",
        responses=QuizLearnerSerializer,
    )
    def get(self, request, quiz_id):
        quiz = selectors.quiz_get_for_learner(user=request.user, quiz_id=quiz_id)
        attempts = list(selectors.attempts_of_learner(user=request.user, quiz_id=quiz.pk))
        return Response(QuizLearnerSerializer(shaping.quiz_for_learner(quiz, attempts=attempts)).data)


class QuizAttemptsView(AssessmentView, GenericAPIView):
    permission_classes = LEARNER
    serializer_class = AttemptSummarySerializer
    queryset = Attempt.objects.none()  # the schema's model; get() reads through the selectors

    @extend_schema(
        tags=TAGS,
        operation_id="quiz_my_attempts",
        summary="My attempts at a quiz, newest first",
        responses=AttemptSummarySerializer(many=True),
    )
    def get(self, request, quiz_id):
        quiz = selectors.quiz_get_for_learner(user=request.user, quiz_id=quiz_id)
        page = self.paginate_queryset(selectors.attempts_of_learner(user=request.user, quiz_id=quiz.pk))
        return self.get_paginated_response(
            AttemptSummarySerializer([shaping.attempt_summary(a) for a in page], many=True).data
        )

    @extend_schema(
        tags=TAGS,
        operation_id="quiz_attempt_start",
        summary="Start an attempt (or get my open one)",
        description=(
            "201 with a new attempt, or 200 with the attempt already in progress (starting twice, "
            "even at the same moment, gives one attempt). The questions are chosen and their "
            "options ordered now, once: the attempt always shows the same ones. Refused with 409 "
            "`quiz_not_open`, `quiz_closed`, `attempt_limit_reached` (attempts_allowed used), "
            "`quiz_empty`; 429 `quiz_cooldown` with Retry-After while the cooldown runs."
        ),
        request=EmptySerializer,
        responses={201: AttemptDetailSerializer, 200: AttemptDetailSerializer, **CONFLICT_409},
    )
    def post(self, request, quiz_id):
        quiz = selectors.quiz_get_for_learner(user=request.user, quiz_id=quiz_id)
        EmptySerializer(data=request.data or {}).is_valid(raise_exception=True)
        started = services.attempt_start(user=request.user, quiz=quiz)
        attempt = selectors.attempt_get_for_learner(user=request.user, attempt_id=started.attempt.pk)
        return Response(
            AttemptDetailSerializer(shaping.attempt_detail(attempt)).data,
            status=status.HTTP_201_CREATED if started.created else status.HTTP_200_OK,
        )


class MyAttemptsView(AssessmentView, GenericAPIView):
    permission_classes = LEARNER
    serializer_class = AttemptSummarySerializer
    queryset = Attempt.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="my_attempts",
        summary="My attempt history, every quiz, newest first",
        responses=AttemptSummarySerializer(many=True),
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.attempts_of_learner(user=request.user))
        return self.get_paginated_response(
            AttemptSummarySerializer([shaping.attempt_summary(a) for a in page], many=True).data
        )


def _my_attempt(request, attempt_id) -> Attempt:
    attempt = selectors.attempt_get_for_learner(user=request.user, attempt_id=attempt_id)
    if attempt.state == Attempt.State.IN_PROGRESS:
        closed = services.attempt_close_if_expired(attempt=attempt)
        if closed.state != Attempt.State.IN_PROGRESS:
            attempt = selectors.attempt_get_for_learner(user=request.user, attempt_id=attempt_id)
    return attempt


class AttemptDetailView(AssessmentView):
    permission_classes = LEARNER

    @extend_schema(
        tags=TAGS,
        operation_id="attempt_get",
        summary="My attempt: its questions (no answers or correct flags), my saved answers, and "
        "feedback when the quiz's rules allow it",
        description=(
            "An attempt whose time is up (deadline + QUIZ_LATE_GRACE_SECONDS) is submitted by the "
            "server with the answers saved in time, and shown submitted."
        ),
        responses=AttemptDetailSerializer,
    )
    def get(self, request, attempt_id):
        attempt = _my_attempt(request, attempt_id)
        return Response(AttemptDetailSerializer(shaping.attempt_detail(attempt)).data)


class AttemptAnswersView(AssessmentView):
    permission_classes = LEARNER

    @extend_schema(
        tags=TAGS,
        operation_id="attempt_answers_save",
        summary="Save answers in progress (idempotent)",
        description=(
            "Each item replaces the answer at its position (null clears it); sending the same "
            "answers again changes nothing. Refused with 409 `attempt_submitted` or "
            "`attempt_time_up` (after the deadline + QUIZ_LATE_GRACE_SECONDS); a wrong answer "
            "shape is a 400 on `answers.<i>.answer` and nothing is saved. With immediate "
            "feedback, each saved answer comes back with its feedback and is then final."
        ),
        request=AnswersSaveSerializer,
        responses={200: AnswersSavedSerializer, **CONFLICT_409},
    )
    def put(self, request, attempt_id):
        attempt = selectors.attempt_get_for_learner(user=request.user, attempt_id=attempt_id)
        data = AnswersSaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = services.attempt_answers_save(attempt=attempt, answers=data.validated_data["answers"])
        return Response(AnswersSavedSerializer(shaping.saved_answers(saved, quiz=attempt.quiz)).data)


class AttemptSubmitView(AssessmentView):
    permission_classes = LEARNER

    @extend_schema(
        tags=TAGS,
        operation_id="attempt_submit",
        summary="Submit my attempt: grade it; the result follows the feedback rules",
        description=(
            "Grades every question (code questions in the coding sandbox), totals the score "
            "(never below 0), and publishes `quiz_submitted` (and `quiz_passed` when the quiz "
            "grade turns to a pass). A submission after the deadline + QUIZ_LATE_GRACE_SECONDS "
            "is accepted and marked `late`; only answers saved in time count. 409 "
            "`attempt_submitted` when it already was."
        ),
        request=EmptySerializer,
        responses={
            200: AttemptDetailSerializer,
            **CONFLICT_409,
            429: OpenApiResponse(description="The code sandbox is busy (`sandbox_busy`); Retry-After set."),
            503: OpenApiResponse(description="The code sandbox is unavailable; nothing was submitted."),
        },
    )
    def post(self, request, attempt_id):
        from learning.coding import services as coding
        from learning.coding.sandbox.backends import retry_after_s

        attempt = selectors.attempt_get_for_learner(user=request.user, attempt_id=attempt_id)
        EmptySerializer(data=request.data or {}).is_valid(raise_exception=True)
        try:
            services.attempt_submit(user=request.user, attempt=attempt)
        except (coding.SandboxBusyError, coding.SandboxCrashLimitError) as exc:
            raise SandboxBusy(retry_after_s()) from exc
        except coding.SandboxDownError:
            # An outage of a dependency, not a crash of ours: the 503 in the one shape.
            return Response(
                {
                    "type": "server_error",
                    "errors": [
                        {
                            "code": "sandbox_unavailable",
                            "detail": "The code sandbox is unavailable; nothing was submitted. Try again.",
                            "attr": None,
                        }
                    ],
                },
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": str(retry_after_s())},
            )
        attempt = selectors.attempt_get_for_learner(user=request.user, attempt_id=attempt.pk)
        return Response(AttemptDetailSerializer(shaping.attempt_detail(attempt)).data)


# --- teachers (their courses) and admins ------------------------------------------------


def _filters(request) -> dict:
    return {
        "course_id": id_param(request.query_params.get("course")),
        "quiz_id": id_param(request.query_params.get("quiz")),
        "user_id": id_param(request.query_params.get("user")),
    }


class TeacherAttemptsView(AssessmentView, GenericAPIView):
    permission_classes = [IsTeacherOrAdmin]
    serializer_class = TeacherAttemptSerializer
    queryset = Attempt.objects.none()

    @extend_schema(
        tags=TEACHER_TAGS,
        operation_id="teacher_attempts",
        summary="Attempts at quizzes of my courses (admins: all), newest first",
        parameters=[
            OpenApiParameter("course", int, description="Only this course's quizzes."),
            OpenApiParameter("quiz", int, description="Only this quiz."),
            OpenApiParameter("user", int, description="Only this learner."),
        ],
        responses=TeacherAttemptSerializer(many=True),
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.attempts_for_teacher(user=request.user, **_filters(request)))
        return self.get_paginated_response(
            TeacherAttemptSerializer([shaping.teacher_attempt(a) for a in page], many=True).data
        )


class TeacherAttemptDetailView(AssessmentView):
    permission_classes = [IsTeacherOrAdmin]

    @extend_schema(
        tags=TEACHER_TAGS,
        operation_id="teacher_attempt_get",
        summary="One attempt of my courses with every answer, score and correct answer",
        responses=TeacherAttemptDetailSerializer,
    )
    def get(self, request, attempt_id):
        attempt = selectors.attempt_get_for_teacher(user=request.user, attempt_id=attempt_id)
        return Response(TeacherAttemptDetailSerializer(shaping.teacher_attempt_detail(attempt)).data)
