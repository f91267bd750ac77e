"""The one error shape, for errors that never reach DRF's exception handler
(Django's 404/500 handlers, middleware). Same shape as drf-standardized-errors:

    {"type": "client_error", "errors": [{"code": "not_found", "detail": "...", "attr": null}]}
"""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.defaults import page_not_found, server_error
from rest_framework import status
from rest_framework.exceptions import APIException


def api_error_response(status: int, code: str, detail: str, *, attr: str | None = None, headers=None):
    error_type = "server_error" if status >= 500 else "client_error"
    return JsonResponse(
        {"type": error_type, "errors": [{"code": code, "detail": detail, "attr": attr}]},
        status=status,
        headers=headers,
    )


class TryLater(APIException):
    """429 with `Retry-After`: a limit that frees itself (a lockout, a busy pool, a
    backoff). Subclasses set `default_code` (listed in schema.ErrorCode429Enum) and
    `default_detail`; `detail` overrides the message."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, retry_after: int, detail: str | None = None):
        super().__init__(detail)
        self.wait = retry_after  # DRF's handler turns it into the Retry-After header


def _is_api(request) -> bool:
    return request.path.startswith(("/api/", "/health/"))


def handler404(request, exception=None):
    if _is_api(request):
        return api_error_response(404, "not_found", "No endpoint or object at this address.")
    return page_not_found(request, exception)


def handler500(request):
    if _is_api(request):
        return api_error_response(
            500,
            "error",
            "Something went wrong on our side. It has been logged; quote the X-Request-ID "
            "header if you contact support.",
        )
    return server_error(request)


@csrf_exempt  # else a PATCH/POST to an unknown /api/ path gets Django's HTML CSRF page
def api_not_found(request, *args, **kwargs):
    return api_error_response(404, "not_found", "No endpoint at this address. See /api/docs/ for the API.")


def version_conflict_response(*, current_version: int, detail: str):
    """409 `version_conflict` with `current_version` (learning/versioning.py): the object
    changed since the client read it."""
    from rest_framework.response import Response

    return Response(
        {
            "type": "client_error",
            "errors": [{"code": "version_conflict", "detail": detail, "attr": "version"}],
            "current_version": current_version,
        },
        status=status.HTTP_409_CONFLICT,
    )
