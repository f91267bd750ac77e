"""Dashboard API (docs/analytics.md#dashboards): the metric catalogue, and one metric
as JSON time series read from the rollups. Views parse and authorise; the selectors
decide who reads which slice and build the series."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ErrorDetail, NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import read_cache, selectors
from ..metrics import METRICS
from ..selectors import DashboardRefused
from .serializers import DashboardQuerySerializer, DashboardSerializer, MetricListSerializer

TAG = ["analytics: dashboards"]
GRANULARITIES = {"retention": ["week"]}


class MayReadDashboards(BasePermission):
    """Admins, teachers and organisation admins (selectors.dashboard_access)."""

    message = "Dashboards are for admins, teachers and organisation admins."

    def has_permission(self, request, view):
        try:
            selectors.dashboard_access(user=request.user)
        except DashboardRefused:
            return False
        return True


def _refused(problem: DashboardRefused):
    if problem.status == 404:
        return NotFound(problem.detail)
    if problem.status == 403:
        return PermissionDenied(problem.detail)
    return ValidationError(
        {problem.attr or "non_field_errors": [ErrorDetail(problem.detail, code=problem.code)]}
    )


class MetricListView(APIView):
    permission_classes = [IsAuthenticated, MayReadDashboards]

    @extend_schema(
        tags=TAG,
        operation_id="analytics_dashboard_metrics",
        summary="The dashboard metrics: what each counts, and how it can be narrowed",
        description="Admins, teachers and organisation admins (403 for anyone else).",
        responses=MetricListSerializer,
    )
    def get(self, request):
        metrics = [
            {
                "name": m.name,
                "kind": m.kind,
                "unit": m.unit,
                "description": m.description,
                "by_course": m.course,
                "by_organisation": m.organisation,
                "per": m.per,
            }
            for m in METRICS.values()
        ]
        return Response({"metrics": metrics})


class DashboardView(APIView):
    permission_classes = [IsAuthenticated, MayReadDashboards]

    @extend_schema(
        tags=TAG,
        operation_id="analytics_dashboard",
        summary="One metric as JSON time series, read from the daily rollups",
        description=(
            "Admins read any course and organisation; a teacher the courses they edit (`course` "
            "required; another's course is a 404); an organisation admin their organisation (the answer "
            "is narrowed to it; another organisation is a 404); anyone else 403. Buckets from `from` to "
            "`to` (inclusive, UTC) at `granularity`; every bucket is present. 400 `invalid_range`, "
            "`range_too_long` (ANALYTICS_DASHBOARD_MAX_DAYS), `course_required`, `not_by_course`, "
            "`not_by_organisation`, `invalid_choice` (retention is weekly only). The numbers are as fresh "
            "as the last rollup run (ANALYTICS_ROLLUP_EVERY_MINUTES). `Cache-Control: private, no-cache`, "
            "strong `ETag` (304 on `If-None-Match`): the ETag changes when a rollup run changes the answer."
        ),
        parameters=[
            OpenApiParameter(
                "metric",
                str,
                OpenApiParameter.PATH,
                description="A name from the metric list.",
                pattern="^[a-z0-9_]{1,64}$",
            ),
            DashboardQuerySerializer,
        ],
        responses=DashboardSerializer,
    )
    def get(self, request, metric):
        chosen = METRICS.get(metric)
        if chosen is None:
            raise NotFound("No such metric.")
        serializer = DashboardQuerySerializer(data=request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        query = serializer.validated_data
        default = "week" if chosen.kind == "retention" else "day"
        granularity = query.get("granularity", default)
        if granularity not in GRANULARITIES.get(chosen.name, [granularity]):
            raise ValidationError(
                {
                    "granularity": [
                        ErrorDetail(f"`{chosen.name}` is kept by week only.", code="invalid_choice")
                    ]
                }
            )
        today = timezone.now().date()
        try:
            start, end = selectors.dashboard_range(start=query.get("from"), end=query.get("to"), today=today)
            course, organisation = selectors.dashboard_scope(
                user=request.user,
                metric=chosen,
                course_id=query.get("course"),
                organisation_id=query.get("organisation"),
            )
        except DashboardRefused as exc:
            raise _refused(exc) from None
        # who may read this slice is decided above; the slice is part of the cache key
        return read_cache.dashboard_response(
            request,
            (chosen.name, start, end, granularity, course, organisation, today),
            lambda: {
                "metric": chosen.name,
                "kind": chosen.kind,
                "unit": chosen.unit,
                "granularity": granularity,
                "from": start,
                "to": end,
                "course": course,
                "organisation": organisation,
                # built to DashboardSerializer's shape (the schema); a few hundred points
                # through nested serializers would cost more than the query
                "series": selectors.dashboard_series(
                    metric=chosen,
                    start=start,
                    end=end,
                    granularity=granularity,
                    course_id=course,
                    organisation_id=organisation,
                    today=today,
                ),
            },
        )
