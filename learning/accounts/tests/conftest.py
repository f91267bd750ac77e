"""Accounts test helpers.

`api` is an APIClient whose every request behaves like a real one: work registered
with `transaction.on_commit` (the mail job, old-avatar cleanup) runs when the view
returns, as it would after the request's commit; pytest-django's per-test transaction
would otherwise swallow it."""

import pytest
from django.test import TestCase
from rest_framework.test import APIClient

from .mail_servers import smtp_server  # noqa: F401 (a fixture: the local SMTP server)


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
