"""Certificates API: my certificates and their PDFs, the status poll per course, the
public verification, and admins' revoke / re-issue (docs/certificates.md)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from learning.accounts.permissions import IsAdmin
from site_config.api.errors import api_error_response
from site_config.api.ids import id_param
from site_config.api.schema import ClientErrorResponse, ConflictErrorResponse

from .. import selectors, services
from ..models import Certificate, IssueStatus
from .serializers import (
    AdminCertificateSerializer,
    CertificateSerializer,
    CourseCertificateStatusSerializer,
    ReasonSerializer,
    VerificationSerializer,
)
from .throttles import VerifyThrottle

NOT_FOUND = OpenApiResponse(ClientErrorResponse, description="No such certificate, or not yours.")


class MyCertificateListView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = CertificateSerializer
    queryset = Certificate.objects.none()  # the schema's model; get() reads through the selectors

    @extend_schema(operation_id="my_certificates", summary="My certificates (any state), newest first")
    def get(self, request):
        page = self.paginate_queryset(selectors.certificates_of(user=request.user))
        return self.get_paginated_response(CertificateSerializer(page, many=True).data)


class MyCertificateDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="my_certificate",
        summary="One of my certificates (poll `issue_status` until issued or failed)",
        responses={200: CertificateSerializer, 404: NOT_FOUND},
    )
    def get(self, request, certificate_id):
        certificate = selectors.certificate_get_for_owner(user=request.user, certificate_id=certificate_id)
        return Response(CertificateSerializer(certificate).data)


class MyCertificatePdfView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="my_certificate_pdf",
        summary="Download my certificate's PDF",
        description="Streamed from storage. 404 for anyone but the holder, and while the PDF is not issued.",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    def get(self, request, certificate_id):
        certificate = selectors.certificate_get_for_owner(user=request.user, certificate_id=certificate_id)
        if certificate.issue_status != IssueStatus.ISSUED or not certificate.pdf:
            raise Http404("This certificate's PDF is not ready.")
        try:
            handle = certificate.pdf.open("rb")
        except FileNotFoundError:
            raise Http404("This certificate's PDF is missing.") from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"certificate-{certificate.serial}.pdf",
            content_type="application/pdf",
        )


class CourseCertificateStatusView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="course_certificate_status",
        summary="Where my certificate for this course stands (poll after completing it)",
        responses=CourseCertificateStatusSerializer,
    )
    def get(self, request, course_id):
        status = selectors.certificate_state_for_course(user=request.user, course_id=course_id)
        return Response(CourseCertificateStatusSerializer(status).data)


class VerifyCertificateView(APIView):
    """Public: anyone holding the code (printed and in the QR code) may check it."""

    permission_classes = [AllowAny]
    authentication_classes: list = []  # a stale token must not turn the public answer into a 401
    throttle_classes = [VerifyThrottle]

    @extend_schema(
        operation_id="certificate_verify",
        summary="Verify a certificate by its code (public)",
        description=(
            "Answers `valid` or `revoked` with the holder's name, the course and the date of "
            "issue, and nothing else. Unknown, malformed, pending and failed codes are one 404. "
            "Throttled per client IP (CERTIFICATE_VERIFY_RATE)."
        ),
        auth=[],
        responses={
            200: VerificationSerializer,
            404: OpenApiResponse(ClientErrorResponse, description="No such certificate."),
        },
    )
    def get(self, request, code):
        certificate = selectors.certificate_get_by_code(code=code)
        return Response(
            VerificationSerializer(
                {
                    "status": certificate.status,
                    "holder_name": certificate.holder_name,
                    "course_title": certificate.course_title,
                    "issued_on": certificate.issued_at.date(),
                }
            ).data
        )


class AdminCertificateListView(GenericAPIView):
    permission_classes = [IsAuthenticated, IsAdmin]
    serializer_class = AdminCertificateSerializer
    queryset = Certificate.objects.none()

    @extend_schema(
        operation_id="admin_certificates",
        summary="Every certificate (admins), newest first",
        parameters=[
            OpenApiParameter("user", int, description="Only this learner's."),
            OpenApiParameter("course", int, description="Only this course's."),
        ],
    )
    def get(self, request):
        filters = {}
        for name in ("user", "course"):
            value = request.query_params.get(name)
            if value is not None:
                pk = id_param(value)  # the one id rule (1..2^63-1); here a bad one is a 400
                if pk is None:
                    return api_error_response(400, "invalid", f"`{name}` must be an id.", attr=name)
                filters[f"{name}_id"] = pk
        page = self.paginate_queryset(selectors.certificates_for_admin(**filters))
        return self.get_paginated_response(AdminCertificateSerializer(page, many=True).data)


def _admin_detail(certificate_id: int):
    certificate = selectors.certificates_for_admin().filter(pk=certificate_id).first()
    if certificate is None:
        raise Http404("No such certificate.")
    return AdminCertificateSerializer(certificate).data


class AdminCertificateRevokeView(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    @extend_schema(
        operation_id="admin_certificate_revoke",
        summary="Revoke a certificate (admins; audited)",
        description="The public verification answers `revoked` from now on. 409 `already_revoked`.",
        request=ReasonSerializer,
        responses={200: AdminCertificateSerializer, 409: ConflictErrorResponse},
    )
    def post(self, request, certificate_id):
        _admin_detail(certificate_id)  # 404 first
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.certificate_revoke(certificate_id=certificate_id, by=request.user, **data.validated_data)
        except services.CertificateConflict as conflict:
            return api_error_response(409, conflict.code, conflict.detail)
        return Response(_admin_detail(certificate_id))


class AdminCertificateReissueView(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    @extend_schema(
        operation_id="admin_certificate_reissue",
        summary="Re-issue a certificate (admins; audited)",
        description=(
            "Revokes this certificate (if valid) and issues a new one with the learner's current "
            "name and the current template, rendered in a job: the answer is the new certificate "
            "(poll its `issue_status`). A certificate whose PDF never rendered is rendered again. "
            "409 `already_reissued`, `valid_exists`, `course_deleted`."
        ),
        request=ReasonSerializer,
        responses={202: AdminCertificateSerializer, 409: ConflictErrorResponse},
    )
    def post(self, request, certificate_id):
        _admin_detail(certificate_id)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            new = services.certificate_reissue(
                certificate_id=certificate_id, by=request.user, **data.validated_data
            )
        except services.CertificateConflict as conflict:
            return api_error_response(409, conflict.code, conflict.detail)
        return Response(_admin_detail(new.pk), status=status.HTTP_202_ACCEPTED)
