"""Accounts test helpers.

`api` is an APIClient whose every request behaves like a real one: work registered
with `transaction.on_commit` (the mail job, old-avatar cleanup) runs when the view
returns, as it would after the request's commit; pytest-django's per-test transaction
would otherwise swallow it."""

import re

import pytest
from django.core import mail
from django.test import TestCase
from rest_framework.test import APIClient


class CommittingClient(APIClient):
    def request(self, **kwargs):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**kwargs)

    def login_as(self, user):
        from learning.accounts.tokens import tokens_for_user

        self.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(user)['access']}")
        return self

    def bearer(self, access: str):
        self.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
        return self


@pytest.fixture
def api(db) -> CommittingClient:
    return CommittingClient()


@pytest.fixture
def make_api(db):
    return CommittingClient


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
