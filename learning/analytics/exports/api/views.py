"""Report export API (docs/analytics.md#exports). Views parse and authorise (who may
export which scope: selectors.export_scope_check); the services decide."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from site_config.api.errors import TryLater
from site_config.api.schema import ClientErrorResponse

from .. import links, selectors, services
from ..models import ReportExport, Status
from .serializers import ExportDetailSerializer, ExportRequestSerializer, ExportSerializer

TAG = ["analytics: exports"]

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class MayExport(BasePermission):
    """Admins, teachers and organisation admins (selectors.user_may_export)."""

    message = "Only admins, teachers and organisation admins export reports."

    def has_permission(self, request, view):
        return selectors.user_may_export(request.user)


class TooManyExports(TryLater):
    default_detail = "You have as many exports on their way as allowed: wait for one to finish."
    default_code = "too_many_exports"


class LinkExpired(APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "This download link has expired: read the export again for a fresh one."
    default_code = "link_expired"


def _detail(request, export: ReportExport) -> dict:
    body = ExportSerializer(export).data
    download = None
    if export.status == Status.DONE and export.file:
        path = reverse("v1:analytics-export-download", kwargs={"token": links.download_token(export.pk)})
        download = {
            "url": request.build_absolute_uri(path),
            "expires_at": timezone.now() + dt.timedelta(seconds=settings.ANALYTICS_EXPORT_LINK_SECONDS),
        }
    return ExportDetailSerializer(body | {"download": download}).data


class ExportListView(GenericAPIView):
    permission_classes = [MayExport]
    serializer_class = ExportSerializer
    queryset = ReportExport.objects.none()

    @extend_schema(
        tags=TAG,
        operation_id="analytics_exports_list",
        summary="Your report exports, newest first",
        description="Admins, teachers and organisation admins; each sees only the exports they asked for.",
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.exports_of_user(user=request.user))
        return self.get_paginated_response(ExportSerializer(page, many=True).data)

    @extend_schema(
        tags=TAG,
        operation_id="analytics_export_create",
        summary="Export a report of an organisation or a course (a job); 202, then poll it",
        description=(
            "Kinds: `learner_progress` (one row per enrolment), `quiz_results` (one per submitted "
            "attempt), `certificates` (one per certificate), `activity` (one per analytics event, "
            "pseudonymous). Admins export any scope; teachers their own courses; organisation admins "
            "their own organisation. 403 for a scope type you may not export, 404 for an organisation "
            "or course that is not yours (or does not exist); 429 `too_many_exports` past "
            "ANALYTICS_EXPORT_MAX_ACTIVE_PER_USER exports queued or running."
        ),
        request=ExportRequestSerializer,
        responses={202: ExportDetailSerializer},
    )
    def post(self, request):
        payload = ExportRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        selectors.export_scope_check(
            user=request.user,
            scope=data["scope"],
            organisation_id=data.get("organisation"),
            course_id=data.get("course"),
        )
        try:
            export = services.report_export_request(
                user=request.user,
                kind=data["kind"],
                format=data["format"],
                scope=data["scope"],
                organisation_id=data.get("organisation"),
                course_id=data.get("course"),
            )
        except services.TooManyExports:
            raise TooManyExports(retry_after=30) from None
        return Response(_detail(request, export), status=status.HTTP_202_ACCEPTED)


class ExportDetailView(APIView):
    permission_classes = [MayExport]

    @extend_schema(
        tags=TAG,
        operation_id="analytics_export_get",
        summary="One of your exports: status and progress; when done, a short-lived download link",
        responses={200: ExportDetailSerializer},
    )
    def get(self, request, export_id):
        export = selectors.export_get_for_user(user=request.user, export_id=export_id)
        return Response(_detail(request, export))


class ExportDownloadView(APIView):
    """The signed link is the permission: no Authorization header is read."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=TAG,
        operation_id="analytics_export_download",
        summary="Download an export's file through its signed link (no bearer token needed)",
        description=(
            "The file, streamed, with `Content-Disposition: attachment`. 410 `link_expired` once the "
            "link is older than ANALYTICS_EXPORT_LINK_SECONDS; 404 for a link that was never valid or "
            "an export that is gone. Every download is audited."
        ),
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
            410: OpenApiResponse(ClientErrorResponse, description="The link has expired."),
        },
        auth=[],
    )
    def get(self, request, token):
        try:
            export_id = links.export_id_of(token)
        except links.LinkExpired:
            raise LinkExpired from None
        except links.LinkInvalid:
            raise NotFound from None
        export = selectors.export_for_download(export_id=export_id)
        services.report_export_downloaded(export=export)
        response = FileResponse(
            export.file.open("rb"),
            as_attachment=True,
            filename=export.filename,
            content_type=CONTENT_TYPES[export.format],
        )
        response["Cache-Control"] = "private, no-store"
        return response
