"""Fixtures of the notifications tests: API clients whose requests commit like real
ones (work queued with transaction.on_commit, i.e. the delivery jobs, runs when the
view returns; jobs run inline in tests), the local SMTP server of the accounts tests
wired in as the mail backend, and `committed()` for code that publishes events."""

import pytest
from django.test import TestCase
from rest_framework.test import APIClient

from learning.accounts.tests.mail_servers import (
    apply_email_url,
    smtp_server,  # noqa: F401 (a fixture)
)


class CommittingClient(APIClient):
    def request(self, **kwargs):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**kwargs)


@pytest.fixture
def client_for(db):
    """`client_for(user)`: an API client with a real access JWT; `client_for(None)`: anonymous."""
    from learning.accounts.tokens import tokens_for_user

    def make(user=None) -> CommittingClient:
        client = CommittingClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(user)['access']}")
        return client

    return make


@pytest.fixture
def committed():
    """`with committed(): ...` runs the block's on-commit work (event delivery, the
    delivery jobs) when it ends, as a real commit would."""
    return lambda: TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def smtp(settings, smtp_server):  # noqa: F811
    """The mail backend is SMTP to the local server: returns its inbox."""
    controller, inbox = smtp_server
    apply_email_url(settings, f"smtp://127.0.0.1:{controller.port}")
    settings.EMAIL_TIMEOUT = 5
    return inbox
