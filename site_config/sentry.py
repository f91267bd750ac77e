"""Error monitoring with Sentry (docs/operations.md#monitoring-and-alerting).

`init` is called from the settings (site_config/settings/sentry.py) only when SENTRY_DSN
is set. What leaves the process: the release, the environment, the stack trace and the
signed-in user's id, nothing else about the person. The SDK's default PII setting stays
off (no cookies, no IP address, no user name or email from its integrations; not passed
explicitly: sentry-sdk 2.75 deprecates `send_default_pii` for `data_collection`, and
giving either turns its default EventScrubber of passwords and tokens off) and `scrub`
removes what could still carry personal data: request bodies, cookie and auth headers,
and any e-mail address in any string of the event.

Reported besides unhandled errors: failed django-q2 jobs (`report_failed_job`, on
django-q2's post_execute_in_worker signal, connected in apps.py) and readiness checks
that start failing (site_config/health.py).
"""

from __future__ import annotations

import re
import sys
import weakref

import sentry_sdk

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
REDACTED_EMAIL = "[email]"
DROPPED_HEADERS = {"authorization", "cookie", "x-forwarded-for", "x-real-ip", "forwarded"}


def init(*, dsn: str, environment: str, release: str | None, traces_sample_rate: float = 0.0) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,  # None: the SDK's own guess (SENTRY_RELEASE, git)
        traces_sample_rate=traces_sample_rate,
        max_request_body_size="never",
        before_send=scrub,
        before_send_transaction=scrub,
    )


def _redact(value):
    if isinstance(value, str):
        return EMAIL.sub(REDACTED_EMAIL, value)
    if isinstance(value, dict):
        return {key: _redact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(item) for item in value]
    return value


def scrub(event: dict, hint: dict | None = None) -> dict:
    """The event with the user reduced to its id, no request body, cookies or auth and
    proxy headers, and every e-mail address in any string replaced."""
    user = event.get("user") or {}
    event["user"] = {"id": str(user["id"])} if user.get("id") is not None else {}
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("data", None)
        request.pop("cookies", None)
        env = request.get("env")
        if isinstance(env, dict):
            env.pop("REMOTE_ADDR", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items() if k.lower() not in DROPPED_HEADERS}
    return _redact(event)


class SentryUserMiddleware:
    """Tags every event raised while serving a request with the caller's user id. Read
    when the event is made, not when the request comes in: an API view authenticates its
    JWT inside the view (DRF then sets `request.user` on the Django request too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not sentry_sdk.get_client().is_active():
            return self.get_response(request)
        with sentry_sdk.new_scope() as scope:
            scope.add_event_processor(_user_id_processor(weakref.ref(request)))
            return self.get_response(request)


def _user_id_processor(request_ref):
    def processor(event, hint):
        request = request_ref()
        user = getattr(request, "user", None) if request is not None else None
        if user is not None and getattr(user, "is_authenticated", False):
            event["user"] = {"id": str(user.pk)}
        return event

    return processor


def report_failed_job(sender=None, func=None, task=None, **kwargs) -> None:
    """django-q2's post_execute_in_worker: one Sentry event per failed job (the exception
    itself while it is being handled, in synchronous mode; otherwise the traceback text
    django-q2 keeps as the task's result)."""
    if not task or not sentry_sdk.get_client().is_active():
        return
    failed_now = sys.exc_info()[1]
    if failed_now is None and task.get("success") is not False:
        return
    name = task.get("func") if isinstance(task.get("func"), str) else getattr(func, "__qualname__", "?")
    with sentry_sdk.new_scope() as scope:
        scope.set_tag("job_func", name)
        scope.set_tag("job_group", task.get("group") or "")
        scope.set_tag("job_cluster", task.get("cluster") or "")
        scope.set_context(
            "job",
            {"id": task.get("id"), "name": task.get("name"), "attempt": task.get("attempt_count")},
        )
        scope.fingerprint = ["job-failed", name]
        if failed_now is not None:
            sentry_sdk.capture_exception(failed_now)
        else:
            scope.set_context("job_result", {"traceback": str(task.get("result"))[-4000:]})
            sentry_sdk.capture_message(f"Job {name} failed", level="error")
