"""Assertion helpers for API tests (importable from any test module)."""

import re

from django.core import mail


def last_code(email: str) -> str:
    """The 6-digit code in the newest mail to `email`."""
    for message in reversed(mail.outbox):
        if email in message.to:
            return re.search(r"\b(\d{6})\b", message.body).group(1)
    raise AssertionError(f"no mail to {email}")


def assert_error(response, status: int, code: str | None = None, attr: str | None = None) -> dict:
    """The project's one error shape, with the expected code (and field)."""
    assert response.status_code == status, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["type"] in {"client_error", "validation_error", "server_error"}
    assert body["errors"] and all({"code", "detail", "attr"} <= set(e) for e in body["errors"])
    if code:
        assert code in {e["code"] for e in body["errors"]}, body
    if attr:
        assert attr in {e["attr"] for e in body["errors"]}, body
    return body
