"""Analytics API: the client event ingest (docs/analytics.md#event-pipeline). The view
checks the body as a whole and hands the items to the service, which decides per item."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import status
from rest_framework.exceptions import APIException, ErrorDetail, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from learning.accounts.permissions import IsVerified

from .. import services
from .serializers import AnalyticsEventBatchSerializer, AnalyticsIngestResponseSerializer

BODY_CODES = ["not_an_object", "unknown_key", "not_a_list", "empty", "too_many_events"]


class IngestThrottle(SimpleRateThrottle):
    """Requests per user (ANALYTICS_INGEST_RATE; empty: no limit)."""

    scope = "analytics_ingest"

    def get_rate(self):
        return settings.ANALYTICS_INGEST_RATE or None

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class BatchTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def _refuse(message: str, code: str, attr: str = "events") -> ValidationError:
    return ValidationError({attr: [ErrorDetail(message, code=code)]})


def _items(request) -> list:
    """The `events` list of the body, or a 400 for the whole body."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    limit = settings.ANALYTICS_INGEST_MAX_BYTES
    if length.isdigit() and int(length) > limit:
        raise BatchTooLarge(
            f"The request body is {length} bytes; a batch may have {limit}. Send fewer events."
        )
    data = request.data
    if not isinstance(data, dict):
        raise _refuse('Send a JSON object: {"events": [...]}.', "not_an_object", "non_field_errors")
    unknown = data.keys() - {"events"}
    if unknown:
        raise _refuse(f"Unknown keys: {', '.join(sorted(unknown))[:200]}.", "unknown_key", "non_field_errors")
    items = data.get("events")
    if not isinstance(items, list):
        raise _refuse("`events` must be a list of event objects.", "not_a_list")
    if not items:
        raise _refuse("Send at least one event.", "empty")
    maximum = settings.ANALYTICS_INGEST_MAX_EVENTS
    if len(items) > maximum:
        raise _refuse(f"At most {maximum} events per request; split the batch.", "too_many_events")
    return items


@extend_validation_errors(BODY_CODES[2:], field_name="events", methods=["post"])
@extend_validation_errors(BODY_CODES[:2], field_name="non_field_errors", methods=["post"])
class EventIngestView(APIView):
    permission_classes = [IsAuthenticated, IsVerified]
    throttle_classes = [IngestThrottle]

    @extend_schema(
        tags=["analytics"],
        summary="Record front-end analytics events (a batch)",
        description=(
            "Up to ANALYTICS_INGEST_MAX_EVENTS client events (lesson_view, video_play/pause/seek, "
            "editor_focus/blur: docs/analytics.md#event-types). Each event is accepted or rejected "
            "on its own (`rejected[i].code`); the accepted ones are queued and stored by a job "
            "within seconds. Idempotent by event `id`: an event sent again is stored once. "
            "Whole-body problems (not an object, no `events` list, no or too many events) are a "
            "400; a body over ANALYTICS_INGEST_MAX_BYTES a 413."
        ),
        request=AnalyticsEventBatchSerializer,
        responses={202: AnalyticsIngestResponseSerializer},
    )
    def post(self, request):
        outcome = services.client_events_ingest(user=request.user, items=_items(request))
        return Response(
            {"accepted": outcome.accepted, "rejected": outcome.rejected}, status=status.HTTP_202_ACCEPTED
        )
