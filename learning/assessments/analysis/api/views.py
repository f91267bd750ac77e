"""Item analysis API for the teachers of a quiz's course and admins
(docs/assessments.md#item-analysis)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from learning.accounts.permissions import IsTeacherOrAdmin
from learning.audit.services import audit_record

from .. import selectors, services
from ..models import ItemAnalysisReport
from .serializers import (
    ItemAnalysisQuerySerializer,
    ItemAnalysisReportSerializer,
    ItemAnalysisRequestSerializer,
)

BASIS_PARAM = OpenApiParameter(
    "basis",
    str,
    enum=["first", "last", "all"],
    description="Which attempts: each learner's first (default) or last submitted one, or all.",
)


def _body(report: ItemAnalysisReport) -> dict:
    current = services.attempts_fingerprint(quiz_id=report.quiz_id)
    return ItemAnalysisReportSerializer(
        {
            "quiz_id": report.quiz_id,
            "basis": report.basis,
            "status": report.status,
            "requested_at": report.requested_at,
            "started_at": report.started_at,
            "finished_at": report.finished_at,
            "attempt_count": report.attempt_count,
            "stale": report.result is not None and report.fingerprint != current,
            "error": report.error,
            "result": report.result,
        }
    ).data


class ItemAnalysisView(APIView):
    permission_classes = [IsTeacherOrAdmin]

    @extend_schema(
        operation_id="teacher_quiz_item_analysis_get",
        summary="The quiz's item analysis for a basis: status (poll it) and the last result",
        parameters=[BASIS_PARAM],
        responses={200: ItemAnalysisReportSerializer, 404: OpenApiResponse(description="Never requested.")},
    )
    def get(self, request, quiz_id):
        quiz = selectors.quiz_get_for_teacher(user=request.user, quiz_id=quiz_id)
        query = ItemAnalysisQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        report = selectors.item_analysis_get(quiz=quiz, basis=query.validated_data["basis"])
        if report is None:
            raise NotFound("No item analysis of this quiz for this basis yet: POST to request one.")
        return Response(_body(report))

    @extend_schema(
        operation_id="teacher_quiz_item_analysis_request",
        summary="Request the quiz's item analysis (a job); 202 when queued",
        description=(
            "Queues the job that computes the statistics (facility, SD, discrimination index and "
            "efficiency per question, mean/median/SD/skewness/kurtosis/Cronbach's alpha/error ratio/"
            "standard error for the quiz, distractor counts by top and bottom groups). When the stored "
            "result is of the current attempts (and `refresh` is false), or a job is already on its "
            "way, answers 200 with the report instead. Poll GET until `status` is `done` or `failed`."
        ),
        request=ItemAnalysisRequestSerializer,
        responses={200: ItemAnalysisReportSerializer, 202: ItemAnalysisReportSerializer},
    )
    def post(self, request, quiz_id):
        quiz = selectors.quiz_get_for_teacher(user=request.user, quiz_id=quiz_id)
        payload = ItemAnalysisRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        report, queued = services.item_analysis_request(
            user=request.user,
            quiz=quiz,
            basis=payload.validated_data["basis"],
            refresh=payload.validated_data["refresh"],
        )
        report.refresh_from_db()
        return Response(_body(report), status=status.HTTP_202_ACCEPTED if queued else status.HTTP_200_OK)


CSV_COLUMNS = [
    "position",
    "question_id",
    "title",
    "question_type",
    "max_points",
    "attempt_count",
    "facility_index",
    "standard_deviation",
    "discrimination_index",
    "discriminative_efficiency",
    "intended_weight",
    "effective_weight",
]


def _cell(value):
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # a title is the author's text: never a formula in a spreadsheet
    return "" if value is None else value


def report_csv(result: dict) -> str:
    """One row per question, then the quiz's statistics, then the distractors."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for question in result["questions"]:
        writer.writerow([_cell(question[c]) for c in CSV_COLUMNS])
    writer.writerow([])
    writer.writerow(["quiz statistic", "value"])
    writer.writerow(["basis", result["basis"]])
    writer.writerow(["attempt_count", result["attempt_count"]])
    for name, value in result["quiz"].items():
        writer.writerow([name, _cell(value)])
    writer.writerow([])
    writer.writerow(
        [
            "position",
            "question_id",
            "option",
            "correct",
            "chosen_count",
            "top_group_count",
            "bottom_group_count",
        ]
    )
    for question in result["questions"]:
        for option in (question["distractors"] or {}).get("options", []):
            writer.writerow(
                [
                    question["position"],
                    question["question_id"],
                    _cell(option["text"]),
                    option["correct"],
                    option["chosen_count"],
                    option["top_group_count"],
                    option["bottom_group_count"],
                ]
            )
    return out.getvalue()


class ItemAnalysisCsvView(APIView):
    permission_classes = [IsTeacherOrAdmin]

    @extend_schema(
        operation_id="teacher_quiz_item_analysis_csv",
        summary="The last computed item analysis as CSV",
        parameters=[BASIS_PARAM],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            404: OpenApiResponse(description="No computed result for this basis yet."),
        },
    )
    def get(self, request, quiz_id):
        quiz = selectors.quiz_get_for_teacher(user=request.user, quiz_id=quiz_id)
        query = ItemAnalysisQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        basis = query.validated_data["basis"]
        report = selectors.item_analysis_get(quiz=quiz, basis=basis)
        if report is None or report.result is None:
            raise NotFound("No computed item analysis of this quiz for this basis yet.")
        audit_record(
            event="data.exported",
            actor=request.user,
            target=quiz,
            data={"export": "item_analysis_csv", "basis": basis},
        )
        response = HttpResponse(report_csv(report.result), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="item-analysis-{quiz.pk}-{basis}.csv"'
        return response
