"""POST /api/v1/teacher/question-bank/import/ (docs/assessments.md#import)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from learning.accounts.permissions import IsTeacherOrAdmin

from ..service import question_bank_import
from ..types import ImportSyntaxError
from .serializers import QuestionImportReportSerializer, QuestionImportSerializer


def _course(user, course_id):
    from cms.selectors import courses_editable_by

    if course_id is None:
        return None
    course = courses_editable_by(user=user).filter(pk=course_id).first()
    if course is None:
        raise ValidationError({"course_id": [_detail("No course of yours has this id.", "does_not_exist")]})
    return course


class QuestionImportView(APIView):
    permission_classes = [IsTeacherOrAdmin]
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="teacher_question_bank_import",
        summary="Import a question bank from GIFT or Moodle XML, with a per-question report",
        description=(
            "The whole file is parsed first: a malformed or hostile file (a DTD or entities in XML, "
            "unbalanced braces in GIFT, a number that is not one) or one over the limits "
            "(QUESTION_IMPORT_MAX_*) is a 400 on `file` and nothing is written. Then each question is "
            "written in one transaction: `questions` lists what was created or updated (same file "
            "again: updated, not duplicated) with what of it was dropped, and what the bank refused; "
            "`not_mapped` lists the questions of types the bank has no counterpart for (essay, "
            "matching, cloze, ...). `dry_run` writes nothing."
        ),
        request={"multipart/form-data": QuestionImportSerializer},
        responses={200: QuestionImportReportSerializer, 201: QuestionImportReportSerializer},
    )
    def post(self, request):
        payload = QuestionImportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        fmt = payload.validated_data.get("format") or (
            "moodle_xml" if upload.name.lower().endswith(".xml") else "gift"
        )
        course = _course(request.user, payload.validated_data.get("course_id"))
        if upload.size is not None and upload.size > request_limit():
            raise ValidationError(
                {"file": [_detail(f"The file is larger than {request_limit()} bytes.", "too_large")]}
            )
        try:
            report = question_bank_import(
                user=request.user,
                course=course,
                data=upload.read(),
                format=fmt,
                dry_run=payload.validated_data["dry_run"],
            )
        except ImportSyntaxError as exc:
            raise ValidationError({"file": [_detail(exc.detail, exc.code)]}) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        rows = [
            {
                "index": r.index,
                "name": r.name,
                "status": r.status,
                "question_id": None if report.dry_run else r.question_id,
                "question_type": r.question_type,
                "dropped": list(r.dropped),
                "errors": list(r.errors),
            }
            for r in report.rows
        ]
        body = {
            "format": report.format,
            "dry_run": report.dry_run,
            "created_count": sum(r.status == "created" for r in report.rows),
            "updated_count": sum(r.status == "updated" for r in report.rows),
            "invalid_count": sum(r.status == "invalid" for r in report.rows),
            "not_mapped_count": len(report.bank.skipped),
            "questions": rows,
            "not_mapped": [
                {
                    "index": s.index,
                    "name": s.name,
                    "source_type": s.source_type,
                    "code": s.code,
                    "detail": s.detail,
                }
                for s in report.bank.skipped
            ],
        }
        written = not report.dry_run and any(r.status in ("created", "updated") for r in report.rows)
        return Response(
            QuestionImportReportSerializer(body).data,
            status=status.HTTP_201_CREATED if written else status.HTTP_200_OK,
        )


def request_limit() -> int:
    from django.conf import settings

    return settings.QUESTION_IMPORT_MAX_BYTES


def _detail(message: str, code: str):
    from rest_framework.exceptions import ErrorDetail

    return ErrorDetail(message, code=code)
