"""The audit log's admin API: search and read (no write of any kind: every other method
is 405), and the CSV export (itself audited)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from learning.accounts.permissions import IsAdmin

from ..export import csv_response
from ..models import AuditEntry
from ..selectors import AuditFilter, UnknownObjectType, audit_entries
from .serializers import AuditEntrySerializer, AuditQuerySerializer

TAG = ["audit"]


def _filters(request) -> AuditFilter:
    query = AuditQuerySerializer(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    data = query.validated_data
    return AuditFilter(
        actor=data.get("actor"),
        actor_email=data.get("actor_email", ""),
        event=data.get("event", ""),
        object_type=data.get("object_type", ""),
        object_id=data.get("object_id", ""),
        since=data.get("since"),
        until=data.get("until"),
        request_id=data.get("request_id", ""),
        ip=data.get("ip", ""),
    )


def _entries(filters):
    try:
        return audit_entries(filters=filters)
    except UnknownObjectType:
        raise ValidationError({"object_type": ["No such object type."]}, code="invalid") from None


class AuditEntryListView(GenericAPIView):
    permission_classes = [IsAdmin]
    serializer_class = AuditEntrySerializer

    @extend_schema(
        tags=TAG,
        operation_id="admin_audit_entries_list",
        summary="Search the audit log",
        description="Admins only. Newest first; filter by actor, event (or event prefix), object, "
        "time range, request id or client address.",
        parameters=[AuditQuerySerializer],
    )
    def get(self, request):
        qs = _entries(_filters(request))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class AuditEntryDetailView(GenericAPIView):
    permission_classes = [IsAdmin]
    serializer_class = AuditEntrySerializer

    @extend_schema(tags=TAG, summary="One audit entry")
    def get(self, request, pk):
        entry = AuditEntry.objects.select_related("actor", "content_type").filter(pk=pk).first()
        if entry is None:
            raise NotFound("No such audit entry.")
        return Response(self.get_serializer(entry).data)


class AuditExportView(GenericAPIView):
    permission_classes = [IsAdmin]

    @extend_schema(
        tags=TAG,
        operation_id="admin_audit_entries_csv",
        summary="Export the audit log as CSV",
        description="The same filters as the search; at most AUDIT_EXPORT_MAX_ROWS rows, newest first. "
        "The export is itself recorded (`data.exported`).",
        parameters=[AuditQuerySerializer],
        responses={(200, "text/csv"): OpenApiTypes.STR, 400: OpenApiResponse(description="Bad filter.")},
    )
    def get(self, request):
        filters = _filters(request)
        _entries(filters)  # an unknown object type is a 400 before anything is recorded
        return csv_response(filters=filters, actor=request.user, via="api")
