"""Coding API views: parse, authorise, call one service, shape the answer."""

from __future__ import annotations

import logging
import math

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.selectors import lesson_get_for_user
from learning.accounts.permissions import IsTeacherOrAdmin, IsVerified
from site_config.api.errors import TryLater
from site_config.api.ids import id_param

from .. import selectors, services
from ..models import Challenge, DraftVersion, SimilarityPair, Submission
from ..sandbox.backends import retry_after_s
from .serializers import (
    ChallengeCheckSerializer,
    ChallengeImportItemSerializer,
    ChallengeImportResultSerializer,
    ChallengeSubmitSerializer,
    ChallengeWriteSerializer,
    CodeRunInputSerializer,
    CodeRunResultSerializer,
    DraftBaseVersionSerializer,
    DraftConflictSerializer,
    DraftRestoreSerializer,
    DraftSaveSerializer,
    DraftSerializer,
    DraftVersionSerializer,
    LearnerChallengeSerializer,
    LearnerSubmissionSerializer,
    SimilarityPairSerializer,
    SimilarityScanSerializer,
    TeacherChallengeSerializer,
    TeacherSubmissionSerializer,
    run_result_body,
    similarity_scan_body,
)
from .throttles import SubmissionThrottle

log = logging.getLogger("mrict.sandbox")


class SandboxBusy(TryLater):
    default_detail = "Too many programs are running right now; try again in a moment."
    default_code = "sandbox_busy"


class SandboxCrashLimit(TryLater):
    default_detail = (
        "Your recent programs crashed the sandbox too often (for example by running out of memory); "
        "wait before running more."
    )
    default_code = "sandbox_crash_limit"


class SandboxUnavailable(Exception):
    """Answered as a 503 in the one error shape (not raised through DRF's handler,
    which would report it as a server crash: the sandbox being down is an outage of a
    dependency, logged as a warning)."""

    def __init__(self, code: str = "sandbox_unavailable", detail: str = ""):
        super().__init__(detail or code)
        self.code = code
        self.detail = detail or "The code sandbox is unavailable; try again later."


def sandbox_unavailable_response(exc: SandboxUnavailable | None = None) -> Response:
    exc = exc or SandboxUnavailable()
    return Response(
        {
            "type": "server_error",
            "errors": [{"code": exc.code, "detail": exc.detail, "attr": None}],
        },
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(retry_after_s())},
    )


def sandbox_call(fn, **kwargs):
    """Map the sandbox's admission failures to 429 (with Retry-After) and 503."""
    try:
        return fn(**kwargs)
    except services.SandboxBusyError as exc:
        raise SandboxBusy(retry_after_s()) from exc
    except services.SandboxCrashLimitError as exc:
        raise SandboxCrashLimit(max(1, math.ceil(exc.retry_after))) from exc
    except services.BrowserMissingError as exc:
        # not an outage that passes: this installation cannot run style tests at all
        log.warning("style tests unavailable: %s", exc)
        raise SandboxUnavailable("browser_unavailable", str(exc)) from exc
    except services.SandboxDownError as exc:
        log.warning("sandbox unavailable: %s", exc)
        raise SandboxUnavailable() from exc


class CodeRunView(APIView):
    """Run a program in the sandbox: a fresh V8 isolate in a hardened worker process."""

    permission_classes = [IsAuthenticated, IsVerified]

    @extend_schema(
        operation_id="code_run",
        summary="Run JavaScript in the sandbox",
        description=(
            "Runs `source` (one file, `main.js`) or `files` (JavaScript files run in order, as "
            "separate scripts sharing one realm) in a fresh V8 isolate. `stdin` is read with "
            "`readline()`/`prompt()` (one line per call, `null` at the end). Statuses: `ok`, `error` "
            "(with the file, line and column), `timeout`, `memory_limit`, `output_limit`. Limits: "
            "SANDBOX_WALL_TIME_MS, SANDBOX_HEAP_MB, SANDBOX_OUTPUT_BYTES. 429 with Retry-After when "
            "the user's or the platform's concurrent runs are all busy beyond SANDBOX_QUEUE_WAIT_MS "
            "(code `sandbox_busy`), or when the account's recent runs crashed the sandbox's workers "
            "SANDBOX_CRASH_LIMIT times within SANDBOX_CRASH_WINDOW_S (code `sandbox_crash_limit`)."
        ),
        request=CodeRunInputSerializer,
        responses={
            200: CodeRunResultSerializer,
            429: OpenApiResponse(
                description="Too many concurrent runs, or too many recent sandbox crashes (Retry-After set)."
            ),
            503: OpenApiResponse(description="The sandbox is unavailable."),
        },
        examples=[
            OpenApiExample(
                "hello",
                request_only=True,
                value={"language": "javascript", "source": "console.log('hello', 1 + 1)"},
            )
        ],
    )
    def post(self, request):
        data = CodeRunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            result = sandbox_call(
                services.code_run,
                user=request.user,
                language=v["language"],
                files=[
                    services.SourceFile(f["name"], f["content"], f.get("language") or "") for f in v["files"]
                ],
                stdin=v.get("stdin") or "",
            )
        except SandboxUnavailable as exc:
            return sandbox_unavailable_response(exc)
        return Response(run_result_body(result, language=v["language"]))


# --- drafts ------------------------------------------------------------------------


def _draft_payload(lesson, draft) -> dict:
    if draft is None:
        return {
            "lesson_id": lesson.pk,
            "version": 0,
            "files": lesson.starter_files(),
            "is_starter": True,
            "updated_at": None,
        }
    return {
        "lesson_id": lesson.pk,
        "version": draft.version,
        "files": draft.files,
        "is_starter": False,
        "updated_at": draft.updated_at,
    }


def _conflict(exc) -> Response:
    return Response(
        {
            "type": "client_error",
            "errors": [
                {
                    "code": "version_conflict",
                    "detail": f"This draft changed elsewhere (now version {exc.current_version}); reload it.",
                    "attr": "version",
                }
            ],
            "current_version": exc.current_version,
        },
        status=status.HTTP_409_CONFLICT,
    )


class _LessonDraftView(APIView):
    permission_classes = [IsAuthenticated, IsVerified]

    def lesson(self, lesson_id):
        return lesson_get_for_user(user=self.request.user, lesson_id=lesson_id)


class DraftView(_LessonDraftView):
    """The learner's own draft of a lesson (there is no way to address anyone else's)."""

    @extend_schema(
        operation_id="draft_get",
        summary="My draft of a lesson (or its starter files)",
        responses=DraftSerializer,
    )
    def get(self, request, lesson_id):
        lesson = self.lesson(lesson_id)
        return Response(
            DraftSerializer(
                _draft_payload(lesson, selectors.draft_get(user=request.user, lesson=lesson))
            ).data
        )

    @extend_schema(
        operation_id="draft_save",
        summary="Auto-save my draft",
        description="`version` is the version this save is based on (0 before the first save). "
        "A stale version is a 409 carrying `current_version`: two open tabs never overwrite each other.",
        request=DraftSaveSerializer,
        responses={200: DraftSerializer, 409: DraftConflictSerializer},
    )
    def put(self, request, lesson_id):
        lesson = self.lesson(lesson_id)
        data = DraftSaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            draft = services.draft_save(
                user=request.user,
                lesson=lesson,
                files=data.validated_data["files"],
                base_version=data.validated_data["version"],
            )
        except services.DraftConflict as exc:
            return _conflict(exc)
        return Response(DraftSerializer(_draft_payload(lesson, draft)).data)


class DraftResetView(_LessonDraftView):
    @extend_schema(
        operation_id="draft_reset",
        summary="Reset my draft to the lesson's starter files (kept in history)",
        request=DraftBaseVersionSerializer,
        responses={200: DraftSerializer, 409: DraftConflictSerializer},
    )
    def post(self, request, lesson_id):
        lesson = self.lesson(lesson_id)
        data = DraftBaseVersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            draft = services.draft_reset(
                user=request.user, lesson=lesson, base_version=data.validated_data["version"]
            )
        except services.DraftConflict as exc:
            return _conflict(exc)
        return Response(DraftSerializer(_draft_payload(lesson, draft)).data)


class DraftVersionListView(GenericAPIView, _LessonDraftView):
    serializer_class = DraftVersionSerializer
    queryset = DraftVersion.objects.none()  # the schema's model; get() reads through the selectors

    @extend_schema(
        operation_id="draft_versions",
        summary="My kept draft versions, newest first",
        responses=DraftVersionSerializer(many=True),
    )
    def get(self, request, lesson_id):
        lesson = self.lesson(lesson_id)
        page = self.paginate_queryset(selectors.draft_versions_for_user(user=request.user, lesson=lesson))
        return self.get_paginated_response(DraftVersionSerializer(page, many=True).data)


class DraftRestoreView(_LessonDraftView):
    @extend_schema(
        operation_id="draft_restore",
        summary="Restore a kept version as the new current version",
        request=DraftRestoreSerializer,
        responses={200: DraftSerializer, 409: DraftConflictSerializer},
    )
    def post(self, request, lesson_id):
        lesson = self.lesson(lesson_id)
        data = DraftRestoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        old = selectors.draft_version_get(
            user=request.user, lesson=lesson, version_id=data.validated_data["version_id"]
        )
        try:
            draft = services.draft_restore(
                user=request.user, lesson=lesson, version=old, base_version=data.validated_data["version"]
            )
        except services.DraftConflict as exc:
            return _conflict(exc)
        return Response(DraftSerializer(_draft_payload(lesson, draft)).data)


# --- challenges: learners ----------------------------------------------------------


class LessonChallengeListView(GenericAPIView):
    permission_classes = [IsAuthenticated, IsVerified]
    serializer_class = LearnerChallengeSerializer
    queryset = Challenge.objects.none()  # the schema's model; get() reads through the selectors

    @extend_schema(
        operation_id="lesson_challenges",
        summary="Challenges of a lesson (no solutions, no hidden tests)",
        responses=LearnerChallengeSerializer(many=True),
    )
    def get(self, request, lesson_id):
        page = self.paginate_queryset(
            selectors.challenges_of_lesson_for_learner(user=request.user, lesson_id=lesson_id)
        )
        return self.get_paginated_response(LearnerChallengeSerializer(page, many=True).data)


class ChallengeDetailView(APIView):
    permission_classes = [IsAuthenticated, IsVerified]

    @extend_schema(
        operation_id="challenge_get",
        summary="One challenge (no solution, no hidden tests)",
        responses=LearnerChallengeSerializer,
    )
    def get(self, request, challenge_id):
        challenge = selectors.challenge_get_for_learner(user=request.user, challenge_id=challenge_id)
        return Response(LearnerChallengeSerializer(challenge).data)


class ChallengeSubmitView(APIView):
    permission_classes = [IsAuthenticated, IsVerified]
    throttle_classes = [SubmissionThrottle]

    @extend_schema(
        operation_id="challenge_submit",
        summary="Submit code: run every test, store the submission",
        description="`run_status` says whether the grading ran; each result's `outcome` how its "
        "test ended (`passed`, `failed`, `error`, `timeout`, `memory_limit`, `output_limit`), with a "
        "message; hidden tests show only `passed` or `failed` (no message, output or time). "
        "The first submission that passes every test publishes "
        "`challenge_passed`. Output is stored cut to SUBMISSION_OUTPUT_BYTES_PER_TEST and "
        "SUBMISSION_OUTPUT_BYTES (`output_truncated`); the learner's SUBMISSION_KEEP newest "
        "submissions to the challenge are kept, plus the best. At most CHALLENGE_SUBMIT_RATE "
        "submissions per user (429 `throttled` with Retry-After).",
        request=ChallengeSubmitSerializer,
        responses={
            201: LearnerSubmissionSerializer,
            429: OpenApiResponse(
                description=(
                    "Too many submissions (`throttled`), too many concurrent runs, or too many recent"
                    " sandbox crashes (`sandbox_crash_limit`); Retry-After set."
                )
            ),
            503: OpenApiResponse(description="The sandbox is unavailable."),
        },
    )
    def post(self, request, challenge_id):
        challenge = selectors.challenge_get_for_learner(user=request.user, challenge_id=challenge_id)
        data = ChallengeSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        files = [
            services.SourceFile(f["name"], f["content"], f.get("language") or "")
            for f in data.validated_data["files"]
        ]
        try:
            submission = sandbox_call(
                services.challenge_submit, user=request.user, challenge=challenge, files=files
            )
        except SandboxUnavailable as exc:
            return sandbox_unavailable_response(exc)
        return Response(LearnerSubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)


class MySubmissionListView(GenericAPIView):
    permission_classes = [IsAuthenticated, IsVerified]
    serializer_class = LearnerSubmissionSerializer
    queryset = Submission.objects.none()  # the schema's model; get() reads through the selectors

    @extend_schema(
        operation_id="challenge_my_submissions",
        summary="My submissions to a challenge, newest first",
        responses=LearnerSubmissionSerializer(many=True),
    )
    def get(self, request, challenge_id):
        challenge = selectors.challenge_get_for_learner(user=request.user, challenge_id=challenge_id)
        page = self.paginate_queryset(
            selectors.submissions_for_learner(user=request.user, challenge=challenge)
        )
        return self.get_paginated_response(LearnerSubmissionSerializer(page, many=True).data)


# --- challenges: teachers (their courses) and admins -------------------------------


class TeacherChallengeListView(GenericAPIView):
    permission_classes = [IsTeacherOrAdmin]
    serializer_class = TeacherChallengeSerializer
    queryset = Challenge.objects.none()  # the schema's model; get() reads through the selectors

    @extend_schema(
        operation_id="teacher_challenges",
        summary="Challenges of the courses I may edit",
        responses=TeacherChallengeSerializer(many=True),
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.challenges_for_teacher(user=request.user))
        return self.get_paginated_response(TeacherChallengeSerializer(page, many=True).data)

    @extend_schema(
        operation_id="teacher_challenge_create",
        summary="Create a challenge on a lesson of my course",
        request=ChallengeWriteSerializer,
        responses={201: TeacherChallengeSerializer},
    )
    def post(self, request):
        data = ChallengeWriteSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        challenge = services.challenge_create(user=request.user, data=dict(data.validated_data))
        challenge = selectors.challenge_get_for_teacher(user=request.user, challenge_id=challenge.pk)
        return Response(TeacherChallengeSerializer(challenge).data, status=status.HTTP_201_CREATED)


class TeacherChallengeImportView(APIView):
    permission_classes = [IsTeacherOrAdmin]

    @extend_schema(
        operation_id="teacher_challenge_import",
        summary='Import challenges as JSON (a list, or {"challenges": [...]}), all or nothing',
        description=(
            "Before anything is written, each challenge's reference solution runs against all its "
            "tests in the sandbox: one failing test rejects the whole document (400, code "
            "`reference_fails`, naming the challenge, the test and its message). A starter code "
            "that already passes every test is imported with a warning. A challenge whose lesson "
            "already has its `slug` (default: the title's) is updated, not duplicated. At most "
            "CHALLENGE_IMPORT_MAX challenges; see docs/challenges.md."
        ),
        request=ChallengeImportItemSerializer(many=True),
        responses={
            201: ChallengeImportResultSerializer(many=True),
            429: OpenApiResponse(description="The sandbox is busy (Retry-After set)."),
            503: OpenApiResponse(description="The sandbox is unavailable."),
        },
    )
    def post(self, request):
        from django.core.exceptions import ValidationError as DjangoValidationError
        from rest_framework.exceptions import ValidationError
        from rest_framework.serializers import as_serializer_error

        items = request.data.get("challenges") if isinstance(request.data, dict) else request.data
        try:
            imported = sandbox_call(services.challenge_import, user=request.user, items=items)
        except SandboxUnavailable as exc:
            return sandbox_unavailable_response(exc)
        except DjangoValidationError as exc:
            raise ValidationError(as_serializer_error(exc)) from exc
        fresh = selectors.challenges_for_teacher(user=request.user).in_bulk(
            [r.challenge.pk for r in imported]
        )
        body = [
            {
                **TeacherChallengeSerializer(fresh[r.challenge.pk]).data,
                "slug": r.challenge.slug,
                "created": r.created,
                "warnings": list(r.warnings),
            }
            for r in imported
        ]
        return Response(ChallengeImportResultSerializer(body, many=True).data, status=status.HTTP_201_CREATED)


class TeacherChallengeDetailView(APIView):
    permission_classes = [IsTeacherOrAdmin]

    def challenge(self, challenge_id):
        return selectors.challenge_get_for_teacher(user=self.request.user, challenge_id=challenge_id)

    @extend_schema(
        operation_id="teacher_challenge_get",
        summary="A challenge, with its solution and hidden tests",
        responses=TeacherChallengeSerializer,
    )
    def get(self, request, challenge_id):
        return Response(TeacherChallengeSerializer(self.challenge(challenge_id)).data)

    @extend_schema(
        operation_id="teacher_challenge_update",
        summary="Replace a challenge (tests included)",
        request=ChallengeWriteSerializer,
        responses=TeacherChallengeSerializer,
    )
    def put(self, request, challenge_id):
        challenge = self.challenge(challenge_id)
        data = ChallengeWriteSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        services.challenge_update(user=request.user, challenge=challenge, data=dict(data.validated_data))
        return Response(TeacherChallengeSerializer(self.challenge(challenge_id)).data)

    @extend_schema(
        operation_id="teacher_challenge_delete", summary="Delete a challenge", responses={204: None}
    )
    def delete(self, request, challenge_id):
        services.challenge_delete(user=request.user, challenge=self.challenge(challenge_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeacherChallengeCheckView(APIView):
    permission_classes = [IsTeacherOrAdmin]

    @extend_schema(
        operation_id="teacher_challenge_check",
        summary="Run the tests against the reference solution",
        request=None,
        responses=ChallengeCheckSerializer,
    )
    def post(self, request, challenge_id):
        challenge = selectors.challenge_get_for_teacher(user=request.user, challenge_id=challenge_id)
        try:
            report = sandbox_call(services.challenge_check, user=request.user, challenge=challenge)
        except SandboxUnavailable as exc:
            return sandbox_unavailable_response(exc)
        return Response(ChallengeCheckSerializer(report).data)


class TeacherSubmissionListView(GenericAPIView):
    permission_classes = [IsTeacherOrAdmin]
    serializer_class = TeacherSubmissionSerializer
    queryset = Submission.objects.none()  # the schema's model; get() reads through the selectors

    @extend_schema(
        operation_id="teacher_submissions",
        summary="Submissions to challenges of my courses (filters: course, challenge, user)",
        responses=TeacherSubmissionSerializer(many=True),
    )
    def get(self, request):
        def as_int(name):
            return id_param(request.query_params.get(name))

        queryset = selectors.submissions_for_teacher(
            user=request.user,
            course_id=as_int("course"),
            challenge_id=as_int("challenge"),
            user_id=as_int("user"),
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(TeacherSubmissionSerializer(page, many=True).data)


# --- plagiarism reports: teachers (their courses) and admins --------------------------


class ChallengeSimilarityListView(GenericAPIView):
    permission_classes = [IsTeacherOrAdmin]
    serializer_class = SimilarityPairSerializer
    queryset = SimilarityPair.objects.none()  # the schema's model; get() reads through the selectors

    @extend_schema(
        operation_id="teacher_challenge_similarity",
        summary="Submissions to this challenge that look copied, newest first",
        description="Pairs of learners' newest submissions scoring at least SIMILARITY_THRESHOLD, "
        "with the matching line ranges of both sides; the starter code and the reference solution "
        "are not counted as a match. Written by the challenge's last scan (see the `scan` endpoint "
        "for its state); docs/similarity.md.",
        responses=SimilarityPairSerializer(many=True),
    )
    def get(self, request, challenge_id):
        queryset = selectors.similarity_pairs_for_challenge(user=request.user, challenge_id=challenge_id)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(SimilarityPairSerializer(page, many=True).data)


class ChallengeSimilarityScanView(APIView):
    permission_classes = [IsTeacherOrAdmin]

    @extend_schema(
        operation_id="teacher_challenge_similarity_scan",
        summary="The state of this challenge's plagiarism scan",
        responses=SimilarityScanSerializer,
    )
    def get(self, request, challenge_id):
        challenge, scan = selectors.similarity_scan_for_challenge(
            user=request.user, challenge_id=challenge_id
        )
        return Response(SimilarityScanSerializer(similarity_scan_body(challenge, scan)).data)

    @extend_schema(
        operation_id="teacher_challenge_similarity_rescan",
        summary="Queue a new plagiarism scan of this challenge (e.g. after changing the threshold)",
        request=None,
        responses={202: SimilarityScanSerializer},
    )
    def post(self, request, challenge_id):
        challenge, _ = selectors.similarity_scan_for_challenge(user=request.user, challenge_id=challenge_id)
        services.similarity_scan_request(challenge_id=challenge.pk, force=True)
        _, scan = selectors.similarity_scan_for_challenge(user=request.user, challenge_id=challenge_id)
        return Response(
            SimilarityScanSerializer(similarity_scan_body(challenge, scan)).data,
            status=status.HTTP_202_ACCEPTED,
        )


class CourseSimilarityListView(GenericAPIView):
    permission_classes = [IsTeacherOrAdmin]
    serializer_class = SimilarityPairSerializer
    queryset = SimilarityPair.objects.none()  # the schema's model; get() reads through the selectors

    @extend_schema(
        operation_id="teacher_course_similarity",
        summary="Submissions to the challenges of this course that look copied, newest first",
        description="The pairs of every challenge of the course (see teacher_challenge_similarity).",
        responses=SimilarityPairSerializer(many=True),
    )
    def get(self, request, course_id):
        queryset = selectors.similarity_pairs_for_course(user=request.user, course_id=course_id)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(SimilarityPairSerializer(page, many=True).data)


class CourseProjectsSimilarityScanView(APIView):
    permission_classes = [IsTeacherOrAdmin]

    @extend_schema(
        operation_id="teacher_course_projects_similarity_scan",
        summary="The state of the plagiarism scan of this course's projects",
        responses=SimilarityScanSerializer,
    )
    def get(self, request, course_id):
        scan = selectors.similarity_projects_scan_for_course(user=request.user, course_id=course_id)
        return Response(SimilarityScanSerializer(similarity_scan_body(None, scan, course_id)).data)

    @extend_schema(
        operation_id="teacher_course_projects_similarity_rescan",
        summary="Queue a plagiarism scan of this course's projects (those started from its templates)",
        description="The pairs it finds join the course report (`kind: project`); the templates' "
        "files are not counted as a match. See docs/similarity.md.",
        request=None,
        responses={202: SimilarityScanSerializer},
    )
    def post(self, request, course_id):
        selectors.similarity_projects_scan_for_course(user=request.user, course_id=course_id)
        services.similarity_scan_projects_request(course_id=course_id)
        scan = selectors.similarity_projects_scan_for_course(user=request.user, course_id=course_id)
        return Response(
            SimilarityScanSerializer(similarity_scan_body(None, scan, course_id)).data,
            status=status.HTTP_202_ACCEPTED,
        )
