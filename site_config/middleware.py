"""Forwarding headers, request id, the access log line, the audit context, the API body
limit and the query-string text rule."""

import logging
import re
import time
import uuid

from auditlog.middleware import AuditlogMiddleware as _AuditlogMiddleware
from django.conf import settings
from django.core.signals import got_request_exception
from django.dispatch import receiver
from django.utils.functional import SimpleLazyObject

from .api.errors import api_error_response
from .api.parsers import INVALID_TEXT, INVALID_TEXT_DETAIL
from .client_ip import FORWARDING_HEADERS, client_ip, peer_is_trusted_proxy
from .logging import request_id_var

access_log = logging.getLogger("mrict.request")
error_log = logging.getLogger("mrict.error")

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class ForwardedHeadersMiddleware:
    """Outermost: forwarding headers (`X-Forwarded-For`, `-Proto`, `-Host`, `Forwarded`,
    ...) survive only on requests whose peer is in TRUSTED_PROXIES. From anyone else
    they are dropped, so nothing downstream (SECURE_PROXY_SSL_HEADER, libraries that
    read X-Forwarded-For themselves) can be told a made-up address or scheme."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not peer_is_trusted_proxy(request):
            for header in FORWARDING_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


class AuditlogMiddleware(_AuditlogMiddleware):
    """django-auditlog's middleware, with the client address from our one client-IP
    function (its own takes the left-most X-Forwarded-For entry, which the client
    writes), no client-supplied port, the user agent, and the request's facts (address,
    user agent, request id) for the explicit audit events (learning/audit/context.py)."""

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None

    @staticmethod
    def _get_actor(request):
        """Read when an entry is written, not now: an API request's user is known only
        once DRF has authenticated its token (DRF then sets it on this request too)."""
        return SimpleLazyObject(lambda: getattr(request, "user", None))

    def get_extra_data(self, request):
        from learning.audit.context import USER_AGENT_MAX

        data = super().get_extra_data(request)
        data["user_agent"] = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
        return data

    def __call__(self, request):
        # The same request facts for the explicit events of learning.audit.services.
        from learning.audit import context as audit_context

        token = audit_context.set_current(audit_context.context_from_request(request))
        try:
            return super().__call__(request)
        finally:
            audit_context.reset_current(token)


class RequestLogMiddleware:
    """Outermost middleware: assigns the request id (an incoming `X-Request-ID` is kept
    when it is a sane token, so ids follow a request across services), echoes it back
    and writes one JSON line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "user_id": getattr(user, "pk", None) if user is not None else None,
                    "client_ip": client_ip(request),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


@receiver(got_request_exception)
def log_unhandled_exception(sender, request=None, **kwargs):
    """Django's own handler for uncaught exceptions: log it once, with traceback."""
    error_log.exception(
        "unhandled exception",
        extra={"method": getattr(request, "method", None), "path": getattr(request, "path", None)},
    )


class ApiBodyLimitMiddleware:
    """DRF's JSON parser reads the raw stream, bypassing DATA_UPLOAD_MAX_MEMORY_SIZE;
    this applies the limit to every /api/ body from its declared length, before any
    of it is read. Multipart uploads get the larger API_MAX_UPLOAD_BYTES. A view whose
    class sets `streams_request_body = True` (the recording video upload) applies its own
    limit after its permission check, so a caller who may not upload gets 403 whatever the
    body's size, and the body is never read: the check runs in process_view, once the
    view is known and still before anything reads the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(getattr(view_func, "cls", None), "streams_request_body", False):
            return None
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return api_error_response(400, "invalid_content_length", "Content-Length is not a number.")
            multipart = request.content_type == "multipart/form-data"
            limit = settings.API_MAX_UPLOAD_BYTES if multipart else settings.API_MAX_BODY_BYTES
            if length > limit:
                return api_error_response(
                    413,
                    "request_too_large",
                    f"The request body is {length} bytes; the limit is {limit} bytes. Send less data.",
                )
        return None


class ApiQueryTextMiddleware:
    """The text rule of the API's parsers (site_config.api.parsers) for query strings:
    a NUL (`%00`) in any /api/ query parameter name or value is a 400 before a view
    sees it (PostgreSQL refuses NUL in text, so a search for it used to be a 500).
    Django already decodes query strings with replacement, so no surrogate gets in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("QUERY_STRING") and request.path.startswith("/api/"):
            for key, values in request.GET.lists():
                if INVALID_TEXT.search(key) or any(INVALID_TEXT.search(value) for value in values):
                    return api_error_response(400, "invalid_unicode", INVALID_TEXT_DETAIL)
        return self.get_response(request)
