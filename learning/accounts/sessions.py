"""A user's editor / Django admin sessions (Django's database sessions) and refresh
tokens (the API's sessions), for admins to list and revoke.

Django sessions do not say whose they are in a column, so the user's are found by
decoding: only the editor and Django admin use sessions (the API is JWT only), so the
table holds one row per signed-in staff browser and stays small; expired rows are
skipped (and removed by `clearsessions`). The login stores the address, user agent and
time in the session (receiver below) so an admin can tell them apart."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.utils import timezone

SESSION_INFO_KEY = "_mrict_login"


def django_sessions_of(*, user) -> list[dict]:
    rows = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).only(
        "session_key", "session_data", "expire_date"
    ):
        data = session.get_decoded()
        if str(data.get("_auth_user_id")) == str(user.pk):
            info = data.get(SESSION_INFO_KEY) or {}
            rows.append(
                {
                    "key": session.session_key,
                    "expires_at": session.expire_date,
                    "ip": info.get("ip"),
                    "user_agent": info.get("user_agent", ""),
                    "logged_in_at": info.get("at"),
                    "second_factor": bool(data.get("otp_device_id")),
                }
            )
    return rows


def django_sessions_delete(*, user) -> int:
    keys = [row["key"] for row in django_sessions_of(user=user)]
    if keys:
        Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


def remember_login(sender, request, user, **kwargs) -> None:
    """user_logged_in: note where the session comes from, for the sessions list."""
    session = getattr(request, "session", None)
    if session is None:
        return
    from learning.audit.context import context_from_request

    ctx = context_from_request(request)
    session[SESSION_INFO_KEY] = {"ip": ctx.ip, "user_agent": ctx.user_agent, "at": timezone.now().isoformat()}
