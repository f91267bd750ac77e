"""Moderation API: a report from any verified account; the admin queue and its actions.
Views parse and authorise; the services decide (learning/moderation/services.py)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, ErrorDetail, NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from learning.accounts.permissions import IsAdmin, IsVerified
from site_config.api.errors import TryLater
from site_config.api.schema import ConflictErrorResponse

from .. import selectors, services
from ..models import ModerationCase
from ..registry import get_kind
from ..services import ModerationProblem
from .serializers import (
    CaseDetailSerializer,
    CaseListItemSerializer,
    CaseQuerySerializer,
    CaseReportSerializer,
    DismissSerializer,
    ReportCreateSerializer,
    ReportSerializer,
    RestoreSerializer,
    TakeDownSerializer,
)

TAG = ["moderation"]
ADMIN_TAG = ["moderation: admins"]


class TooManyReports(TryLater):
    default_detail = "You have sent as many reports as an hour allows."
    default_code = "too_many_reports"


class _Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _refused(problem: ModerationProblem) -> APIException:
    if problem.status == 429:
        return TooManyReports(retry_after=3600, detail=problem.detail)
    if problem.status == 404:
        return NotFound(problem.detail)
    if problem.status == 409:
        return _Conflict(detail=problem.detail, code=problem.code)
    field = problem.attr or "non_field_errors"
    return ValidationError({field: [ErrorDetail(problem.detail, code=problem.code)]})


def _parse(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ReportCreateView(APIView):
    permission_classes = [IsAuthenticated, IsVerified]

    @extend_schema(
        tags=TAG,
        operation_id="moderation_report_create",
        summary="Report content others can see (a shared project, a public profile)",
        description="404 when you cannot see the content; 400 `own_content`; 409 `already_reported` "
        "while your report of it is open; 429 `too_many_reports` past MODERATION_REPORTS_PER_HOUR.",
        request=ReportCreateSerializer,
        responses={201: ReportSerializer, 409: ConflictErrorResponse},
    )
    def post(self, request):
        data = _parse(ReportCreateSerializer, request.data)
        try:
            report = services.report_create(reporter=request.user, **data)
        except ModerationProblem as exc:
            raise _refused(exc) from None
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class CaseListView(GenericAPIView):
    permission_classes = [IsAdmin]
    serializer_class = CaseListItemSerializer
    queryset = ModerationCase.objects.none()

    @extend_schema(
        tags=ADMIN_TAG,
        operation_id="admin_moderation_cases_list",
        summary="The review queue: reported content, grouped by content",
        description="Admins only. Each case counts its open and total reports and gives the first "
        "and last report time; most open reports first.",
        parameters=[CaseQuerySerializer],
    )
    def get(self, request):
        query = _parse(CaseQuerySerializer, request.query_params.dict())
        page = self.paginate_queryset(selectors.cases_for_queue(**query))
        return self.get_paginated_response(CaseListItemSerializer(page, many=True).data)


def _detail(case: ModerationCase) -> dict:
    case = selectors.case_get(case_id=case.pk)
    kind = get_kind(case.kind)
    body = CaseListItemSerializer(case).data | {
        "takedown_comment": case.takedown_comment,
        "taken_down_by_id": case.taken_down_by_id,
        "restored_by_id": case.restored_by_id,
        "restore_comment": case.restore_comment,
        "content": kind.describe(object_id=case.object_id) if kind else None,
        "reports": CaseReportSerializer(selectors.reports_of_case(case=case), many=True).data,
    }
    return body


class CaseDetailView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(
        tags=ADMIN_TAG,
        operation_id="admin_moderation_case",
        summary="One case: the content (whatever its state) and its reports",
        responses=CaseDetailSerializer,
    )
    def get(self, request, case_id):
        return Response(_detail(selectors.case_get(case_id=case_id)))


class _CaseAction(APIView):
    permission_classes = [IsAdmin]
    input_serializer: type = DismissSerializer

    def act(self, case, admin, data):  # pragma: no cover - each subclass defines it
        raise NotImplementedError

    def post(self, request, case_id):
        case = selectors.case_get(case_id=case_id)
        data = _parse(self.input_serializer, request.data)
        try:
            case = self.act(case, request.user, data)
        except ModerationProblem as exc:
            raise _refused(exc) from None
        return Response(_detail(case))


_ACTION_SCHEMA = {"tags": ADMIN_TAG, "responses": {200: CaseDetailSerializer, 409: ConflictErrorResponse}}


class CaseDismissView(_CaseAction):
    input_serializer = DismissSerializer

    def act(self, case, admin, data):
        return services.case_dismiss(case=case, admin=admin, **data)

    @extend_schema(
        operation_id="admin_moderation_case_dismiss",
        summary="Dismiss the open reports (409 `no_open_reports`); the reporters are told",
        request=DismissSerializer,
        **_ACTION_SCHEMA,
    )
    def post(self, request, case_id):
        return super().post(request, case_id)


class CaseTakeDownView(_CaseAction):
    input_serializer = TakeDownSerializer

    def act(self, case, admin, data):
        return services.case_take_down(case=case, admin=admin, **data)

    @extend_schema(
        operation_id="admin_moderation_case_take_down",
        summary="Take the content down: hidden from everyone but admins (409 `already_taken_down`)",
        request=TakeDownSerializer,
        **_ACTION_SCHEMA,
    )
    def post(self, request, case_id):
        return super().post(request, case_id)


class CaseRestoreView(_CaseAction):
    input_serializer = RestoreSerializer

    def act(self, case, admin, data):
        return services.case_restore(case=case, admin=admin, **data)

    @extend_schema(
        operation_id="admin_moderation_case_restore",
        summary="Restore taken-down content (409 `not_taken_down`)",
        request=RestoreSerializer,
        **_ACTION_SCHEMA,
    )
    def post(self, request, case_id):
        return super().post(request, case_id)
