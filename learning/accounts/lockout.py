"""Login lockout, one for every password login: the API's /auth/login/, the Wagtail
editor's /admin/login/ and Django admin's /django-admin/login/.

All three go through django.contrib.auth.authenticate(). django-axes hooks in there:
its backend (first in AUTHENTICATION_BACKENDS) refuses a locked-out attempt before any
password is checked, and its `user_login_failed` receiver counts failures through the
handler below (settings.AXES_HANDLER). The counts live in the default cache (Redis
with REDIS_URL, so every web replica shares them; local memory in the embedded
default, which runs one process).

Two counters per failed attempt, with their own limits:
- per account (the email's one comparison key, accounts/emails.py):
  LOGIN_FAILURE_LIMIT failures → that account is locked for LOGIN_COOLOFF_MINUTES,
  whatever door and whatever address the next attempt comes from;
- per client network (site_config/client_ip.client_ip_key):
  LOGIN_IP_FAILURE_LIMIT failures → that client is locked for the same time. It is
  higher, because a school's whole class may share one address.
A counter forgets after LOGIN_COOLOFF_MINUTES without failures. Attempts while locked
are refused without a password check, are not counted and do not extend the lock, so
the answer can say exactly when to retry (`Retry-After`).

axes ships one limit for all parameters; the handler here exists to give the account
and the network their own limits and to know the lock's end.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

from axes.handlers.base import AbstractAxesHandler, AxesBaseHandler
from axes.helpers import get_client_username
from axes.signals import user_locked_out
from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render

from site_config.api.errors import api_error_response
from site_config.client_ip import client_ip_key

from .emails import email_key

log = logging.getLogger("mrict.accounts.lockout")

# Where a lockout's end is put on the request (the DRF Request or the HttpRequest that
# authenticate() was given), for the answer to quote.
RETRY_AFTER_ATTR = "login_retry_after"


class LoginLockedOut(Exception):
    """Raised by session_login when the lockout refused the attempt."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(lockout_message(retry_after))


def lockout_message(retry_after: int) -> str:
    minutes = max(1, math.ceil(retry_after / 60))
    when = "1 minute" if minutes == 1 else f"{minutes} minutes"
    return (
        "Too many failed sign-in attempts for this account or from your network. "
        f"Try again in {when}. If you forgot your password, reset it with a code by email."
    )


def cooloff_seconds() -> int:
    return settings.LOGIN_COOLOFF_MINUTES * 60


def lockout_username(request, credentials) -> str | None:
    """AXES_USERNAME_CALLABLE: the account an attempt is about, as its comparison key.
    The API passes `email=`, the login forms `username=`; without credentials, the
    posted form field."""
    value = None
    if credentials:
        value = credentials.get("email") or credentials.get("username")
    if value is None and request is not None:
        post = getattr(request, "POST", None)
        value = post.get("username") if post is not None else None
    if not isinstance(value, str) or not value.strip():
        return None
    return email_key(value)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


class LoginLockoutHandler(AbstractAxesHandler, AxesBaseHandler):
    """axes handler: failure counters and locks in the cache, per account and per
    client network, each with its own limit (see the module docstring)."""

    @property
    def cache(self):
        return caches[getattr(settings, "AXES_CACHE", "default")]

    def _subjects(self, request, credentials) -> list[tuple[str, str, int]]:
        subjects = []
        username = get_client_username(request, credentials)
        if username:
            subjects.append(("account", _digest(username), settings.LOGIN_FAILURE_LIMIT))
        subjects.append(("ip", _digest(client_ip_key(request)), settings.LOGIN_IP_FAILURE_LIMIT))
        return subjects

    def lock_remaining(self, request, credentials=None) -> int:
        """Seconds until every lock on this attempt's account and network has ended; 0
        when none holds."""
        keys = [f"login-lock:{kind}:{digest}" for kind, digest, _ in self._subjects(request, credentials)]
        ends = self.cache.get_many(keys).values()
        remaining = max((end - time.time() for end in ends), default=0)
        return math.ceil(remaining) if remaining > 0 else 0

    def is_locked(self, request, credentials=None) -> bool:
        remaining = self.lock_remaining(request, credentials)
        if remaining:
            setattr(request, RETRY_AFTER_ATTR, remaining)
        return remaining > 0

    def get_failures(self, request, credentials=None) -> int:
        keys = [f"login-fail:{kind}:{digest}" for kind, digest, _ in self._subjects(request, credentials)]
        return max(self.cache.get_many(keys).values(), default=0)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:  # axes' backend refuses request-less authenticate() already
            return
        if self.is_whitelisted(request, credentials):
            return
        remaining = self.lock_remaining(request, credentials)
        if remaining:  # refused while locked: not counted, the lock keeps its end
            self._mark_locked(request, credentials, remaining)
            return
        timeout = cooloff_seconds()
        locked = False
        for kind, digest, limit in self._subjects(request, credentials):
            failures = self._count(f"login-fail:{kind}:{digest}", timeout)
            if failures >= limit:
                self.cache.set(f"login-lock:{kind}:{digest}", time.time() + timeout, timeout=timeout)
                self.cache.delete(f"login-fail:{kind}:{digest}")
                log.warning("login locked out", extra={"lock": kind, "failures": failures})
                _lock_recorded(
                    request, credentials, kind=kind, digest=digest, failures=failures, seconds=timeout
                )
                locked = True
        if locked:
            self._mark_locked(request, credentials, timeout)
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=getattr(request, "axes_ip_address", None),
            )

    def _count(self, key: str, timeout: int) -> int:
        """Add one failure; the counter forgets `timeout` seconds after the last one.
        add + incr are atomic on Redis, so concurrent failures are all counted."""
        if self.cache.add(key, 1, timeout=timeout):
            return 1
        try:
            failures = self.cache.incr(key)
        except ValueError:  # expired between add and incr
            self.cache.add(key, 1, timeout=timeout)
            return 1
        self.cache.touch(key, timeout=timeout)
        return failures

    @staticmethod
    def _mark_locked(request, credentials, retry_after: int) -> None:
        request.axes_locked_out = True
        request.axes_credentials = credentials
        setattr(request, RETRY_AFTER_ATTR, retry_after)

    def user_logged_in(self, sender, request, user, **kwargs):
        pass

    def user_logged_out(self, sender, request, user, **kwargs):
        pass


def _lock_recorded(request, credentials, *, kind: str, digest: str, failures: int, seconds: int) -> None:
    """Keep the lock where admins can list and lift it (LoginLock), and audit it."""
    from datetime import timedelta

    from django.utils import timezone

    from learning.audit.services import audit_record

    from .models import LoginLock

    subject = get_client_username(request, credentials) if kind == "account" else client_ip_key(request)
    lock = LoginLock.objects.create(
        kind=kind,
        subject=(subject or "")[:254],
        digest=digest,
        failures=failures,
        locked_until=timezone.now() + timedelta(seconds=seconds),
    )
    audit_record(
        event="auth.locked_out",
        target=lock,
        request=request if hasattr(request, "META") else None,
        data={"kind": kind, "subject": lock.subject, "failures": failures, "seconds": seconds},
    )


def lock_lift(*, kind: str, digest: str) -> None:
    """End a lock now and forget its failure count (admin lift: admin_services)."""
    cache = caches[getattr(settings, "AXES_CACHE", "default")]
    cache.delete_many([f"login-lock:{kind}:{digest}", f"login-fail:{kind}:{digest}"])


def retry_after_for(request) -> int:
    return int(getattr(request, RETRY_AFTER_ATTR, 0) or cooloff_seconds())


def raise_if_locked_out(request) -> None:
    """After authenticate() failed: LoginLockedOut when the lockout refused it (or
    this very failure locked the account or network)."""
    if request is not None and getattr(request, "axes_locked_out", False):
        raise LoginLockedOut(retry_after_for(request))


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE, for the login forms (axes' middleware calls it when the
    lockout refused a form login): the page says why and when to retry, with a
    `Retry-After` header and status 429."""
    retry_after = retry_after_for(request)
    if request.path.startswith("/api/"):  # the API answers itself (LoginLockedOut); just in case
        return api_error_response(
            429, "login_locked_out", lockout_message(retry_after), headers={"Retry-After": str(retry_after)}
        )
    response = render(
        request,
        "accounts/lockout.html",
        {"message": lockout_message(retry_after), "retry_after": retry_after},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response
