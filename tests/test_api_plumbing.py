"""The API's shared behaviour: error shape, body limits, CORS, request ids, schema."""

import json
import logging

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["type"] in {"client_error", "validation_error", "server_error"}
    assert body["errors"] and all({"code", "detail", "attr"} <= set(e) for e in body["errors"])
    if code:
        assert code in {e["code"] for e in body["errors"]}, body
    return body


@pytest.fixture
def probes(settings):
    settings.ROOT_URLCONF = "tests.urls_with_probes"


def test_unknown_api_path_is_a_json_404(client):
    assert_error_shape(client.get("/api/v1/nope"), 404, "not_found")
    assert_error_shape(client.get("/api/nothing/here/"), 404, "not_found")


def test_wrong_method_is_a_json_405(client):
    assert_error_shape(client.post("/api/v1/ping/"), 405, "method_not_allowed")


def test_malformed_json_is_a_400(client, probes):
    response = client.post("/api/v1/_probe/echo/", data="{not json", content_type="application/json")
    assert_error_shape(response, 400, "parse_error")


def test_wrong_content_type_is_a_415(client, probes):
    response = client.post("/api/v1/_probe/echo/", data="name=x", content_type="text/plain")
    assert_error_shape(response, 415, "unsupported_media_type")


def test_validation_errors_name_the_field(client, probes):
    body = assert_error_shape(client.post("/api/v1/_probe/echo/", {}, content_type="application/json"), 400)
    assert body["type"] == "validation_error"
    assert body["errors"][0]["attr"] == "name"


def test_oversized_body_is_a_413_before_parsing(client, probes, settings):
    settings.API_MAX_BODY_BYTES = 1024
    payload = json.dumps({"name": "x" * 2000})
    assert_error_shape(
        client.post("/api/v1/_probe/echo/", payload, content_type="application/json"),
        413,
        "request_too_large",
    )


def test_unhandled_errors_are_a_json_500_and_logged_with_traceback(probes, caplog):
    from django.test import Client

    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        for url in ("/api/v1/_probe/crash/", "/api/v1/_probe/django-crash/"):
            body = assert_error_shape(client.get(url), 500)
            assert body["type"] == "server_error"
            assert "boom" not in json.dumps(body)  # no internals leak to the client
    assert any(record.exc_info for record in caplog.records), "the traceback was not logged"


def test_default_permission_is_authenticated(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] == [
        "rest_framework.permissions.IsAuthenticated"
    ]


def test_page_size_is_bounded(settings):
    from site_config.api.pagination import BoundedPageNumberPagination

    assert BoundedPageNumberPagination.max_page_size == settings.API_MAX_PAGE_SIZE <= 100


def test_listed_origin_gets_cors_headers(client):
    response = client.get("/api/v1/ping/", HTTP_ORIGIN="http://front.test")
    assert response["Access-Control-Allow-Origin"] == "http://front.test"


def test_unlisted_origin_gets_no_cors_headers(client):
    response = client.get("/api/v1/ping/", HTTP_ORIGIN="http://evil.example")
    assert response.status_code == 200
    assert not any(h.lower().startswith("access-control-") for h in response.headers)
    preflight = client.options(
        "/api/v1/ping/", HTTP_ORIGIN="http://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert not any(h.lower().startswith("access-control-") for h in preflight.headers)


def test_no_allow_all_cors_in_any_settings_module():
    from pathlib import Path

    for module in Path("site_config/settings").glob("*.py"):
        text = module.read_text()
        assert "CORS_ALLOW_ALL_ORIGINS = True" not in text
        assert "CORS_ORIGIN_ALLOW_ALL" not in text


def test_request_id_is_generated_and_echoed(client):
    generated = client.get("/health/live")["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/health/live", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    # A hostile id (header injection, huge) is replaced, not echoed.
    assert client.get("/health/live", HTTP_X_REQUEST_ID="a b\r\nc")["X-Request-ID"] != "a b\r\nc"


def test_one_json_log_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="mrict.request"):
        client.get("/api/v1/ping/", HTTP_X_REQUEST_ID="req-42")
    lines = [r for r in caplog.records if r.name == "mrict.request"]
    assert len(lines) == 1
    record = lines[0]
    assert (record.method, record.path, record.status, record.request_id) == (
        "GET",
        "/api/v1/ping/",
        200,
        "req-42",
    )
    assert record.duration_ms >= 0
    assert record.user_id is None
    # and the configured formatter really writes it as one JSON object
    from django.conf import settings
    from pythonjsonlogger.json import JsonFormatter

    fmt = settings.LOGGING["formatters"]["json"]
    line = JsonFormatter(fmt["fmt"], rename_fields=fmt["rename_fields"]).format(record)
    parsed = json.loads(line)
    assert parsed["status"] == 200 and parsed["request_id"] == "req-42" and parsed["level"] == "INFO"


def test_schema_is_valid_openapi_3(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    validate(schema)
    assert "/api/v1/ping/" in schema["paths"]


def test_swagger_ui_renders(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_every_429_code_is_in_the_schema():
    """Every TryLater of the apps (a 429 with Retry-After) and DRF's throttle answer with a
    code that the schema's one 429 shape lists, so a client can switch on it."""
    import learning.accounts.api.views  # noqa: F401 (defines its TryLater subclasses)
    import learning.coding.api.views  # noqa: F401
    from site_config.api.errors import TryLater
    from site_config.api.schema import ErrorCode429Enum

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    codes = {sub.default_code for sub in subclasses(TryLater)}
    assert codes >= {"login_locked_out", "avatar_busy", "sandbox_busy", "sandbox_crash_limit"}
    assert codes | {"throttled"} == set(ErrorCode429Enum.values)


# --- unknown input fields are a 400, never silently dropped (site_config/api/serializers.py)


def _api_serializer_classes():
    """Every serializer class defined in an `api` package of ours (URLconf loaded first,
    so every view module and its serializers are imported)."""
    from django.urls import get_resolver
    from rest_framework.serializers import BaseSerializer

    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    seen, stack = set(), [BaseSerializer]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    ours = ("cms.", "learning.", "tutor.")
    return [cls for cls in seen if cls.__module__.startswith(ours) and ".api." in f"{cls.__module__}."]


def test_every_api_serializer_refuses_unknown_fields():
    from site_config.api.serializers import StrictInput

    classes = _api_serializer_classes()
    assert len(classes) > 40, "the walk found too few serializers to mean anything"
    loose = sorted(f"{c.__module__}.{c.__qualname__}" for c in classes if not issubclass(c, StrictInput))
    assert not loose, f"derive these from site_config.api.serializers.Serializer/ModelSerializer: {loose}"


def _unknown(response, attr="non_field_errors", code="unknown_field"):
    body = assert_error_shape(response, 400, code)
    assert any(e["attr"] == attr and e["code"] == code for e in body["errors"]), body
    return body


def test_a_mistyped_field_is_a_400_and_nothing_is_written(auth_client, student):
    client = auth_client(student)
    before = client.get("/api/v1/auth/me/").json()
    body = _unknown(client.patch("/api/v1/auth/me/", {"display_name": "New name", "dispaly_name": "x"}))
    assert "`dispaly_name`" in body["errors"][0]["detail"]
    assert client.get("/api/v1/auth/me/").json()["display_name"] == before["display_name"]
    # Echoing a field the endpoint only returns is refused too, and says so.
    body = _unknown(client.patch("/api/v1/auth/me/", {"email": "x@example.test"}), code="read_only_field")
    assert "`email`" in body["errors"][0]["detail"]
    # The fields it takes still work.
    assert client.patch("/api/v1/auth/me/", {"display_name": "New name"}).json()["display_name"] == "New name"


def test_unknown_fields_inside_nested_objects_are_refused_too(auth_client, student):
    client = auth_client(student)
    files = [{"name": "main.js", "content": "console.log(1)", "colour": "red"}]
    _unknown(client.post("/api/v1/code/run/", {"files": files}), attr="files.0.non_field_errors")
    _unknown(client.post("/api/v1/code/run/", {"language": "javascript", "source": "1", "langauge": "js"}))
    # Unauthenticated callers learn nothing about fields: 401 before any parsing.
    assert auth_client(None).post("/api/v1/code/run/", {"x": 1}).status_code == 401


def test_the_schema_says_request_bodies_take_no_other_fields(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    components = schema["components"]["schemas"]
    assert components["PatchedMeRequest"]["additionalProperties"] is False
    run = components["CodeRunInputRequest"]
    assert run["additionalProperties"] is False
    assert "unknown_field" in yaml.safe_dump(components["AuthMePartialUpdateNonFieldErrorsErrorComponent"])
