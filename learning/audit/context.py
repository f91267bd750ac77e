"""What an audit entry says about the request it came from: client address, user agent,
request id. Set once per request by site_config.middleware.AuditlogMiddleware (the same
middleware that gives django-auditlog its actor), read by the audit service, so a
service deep down records an event without being handed the request."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from site_config.logging import request_id_var

USER_AGENT_MAX = 512


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    user_agent: str = ""
    request_id: str | None = None


_current: ContextVar[RequestContext | None] = ContextVar("audit_request_context", default=None)


def context_from_request(request) -> RequestContext:
    from site_config.client_ip import client_ip

    return RequestContext(
        ip=client_ip(request) or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
        request_id=getattr(request, "request_id", None),
    )


def set_current(context: RequestContext | None):
    return _current.set(context)


def reset_current(token) -> None:
    _current.reset(token)


def current() -> RequestContext:
    return _current.get() or RequestContext(request_id=current_request_id())


def current_request_id() -> str | None:
    """AUDITLOG_CID_GETTER: the request id of the request being served (None in a job)."""
    value = request_id_var.get()
    return value if value and value != "-" else None
