"""Coding API views: parse, authorise, call one service, shape the answer."""

from __future__ import annotations

import logging

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from learning.accounts.permissions import IsVerified

from .. import services

log = logging.getLogger("mrict.sandbox")
from ..sandbox.backends import retry_after_s
from .serializers import CodeRunInputSerializer, CodeRunResultSerializer


class SandboxBusy(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "Too many programs are running right now; try again in a moment."
    default_code = "sandbox_busy"

    def __init__(self, retry_after: int):
        super().__init__()
        self.wait = retry_after


class SandboxUnavailable(Exception):
    """Answered as a 503 in the one error shape (not raised through DRF's handler,
    which would report it as a server crash: the sandbox being down is an outage of a
    dependency, logged as a warning)."""


def sandbox_unavailable_response() -> Response:
    return Response(
        {
            "type": "server_error",
            "errors": [
                {
                    "code": "sandbox_unavailable",
                    "detail": "The code sandbox is unavailable; try again later.",
                    "attr": None,
                }
            ],
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
            "the user's or the platform's concurrent runs are all busy beyond SANDBOX_QUEUE_WAIT_MS."
        ),
        request=CodeRunInputSerializer,
        responses={
            200: CodeRunResultSerializer,
            429: OpenApiResponse(description="Too many concurrent runs (Retry-After set)."),
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
        except SandboxUnavailable:
            return sandbox_unavailable_response()
        return Response(CodeRunResultSerializer({**result, "language": v["language"]}).data)
