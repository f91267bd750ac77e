"""Schema fuzzing of /api/v1/auth/: schemathesis generates valid and invalid requests
from the OpenAPI schema and sends them to the app in-process (WSGI). Whatever comes in,
the answer is never a 5xx, every error has the one error shape, and responses match
the schema. Bounded examples keep it to seconds; other areas can include their paths."""

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from learning.accounts.tokens import tokens_for_user

MAX_EXAMPLES = 15


@pytest.fixture
def wsgi_app(db):
    """The real WSGI application, called in-process. Like Django's test client, keep the
    per-request connection cleanup off so the test's database transaction survives."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from site_config.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth_api_schema(wsgi_app, settings):
    # Throttles would turn most generated requests into 429s; the fuzz is about bodies.
    settings.AUTH_THROTTLE_RATES = dict.fromkeys(settings.AUTH_THROTTLE_RATES, "100000/min")
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)


@pytest.fixture
def bearer(db):
    from learning.accounts.tests.factories import UserFactory

    user = UserFactory(role="student")
    return f"Bearer {tokens_for_user(user)['access']}"


schema = schemathesis.pytest.from_fixture("auth_api_schema").include(path_regex=r"^/api/v1/auth/")


def assert_error_shape(response) -> None:
    body = response.json()
    assert body["type"] in {"client_error", "validation_error", "server_error"}, body
    assert body["errors"], body
    for error in body["errors"]:
        assert {"code", "detail", "attr"} <= set(error), body
        assert isinstance(error["code"], str) and isinstance(error["detail"], str), body


@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_auth_endpoints_survive_fuzzing(case, bearer):
    headers = (
        {"Authorization": bearer} if case.path not in {"/api/v1/auth/signup/", "/api/v1/auth/login/"} else {}
    )
    response = case.call(headers=headers)
    where = f"{case.method} {case.formatted_path} body={case.body!r:.300} -> {response.status_code}"
    assert response.status_code < 500, (where, response.text[:500])
    if response.status_code >= 400:
        content_type = (response.headers.get("content-type") or [""])[0]
        assert content_type.startswith("application/json"), (where, response.text[:300])
        assert_error_shape(response)
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
