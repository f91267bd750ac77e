"""Sentry against a real local server speaking its envelope protocol: what arrives is
what the SDK, initialised as the settings do it (site_config.sentry.init), really sent."""

import pytest
import sentry_sdk

from learning.accounts.tests.factories import UserFactory
from site_config import sentry
from site_config.jobs import heartbeat

from .sentry_server import SentryIngestServer


@pytest.fixture
def sentry_server():
    server = SentryIngestServer()
    sentry.init(dsn=server.dsn, environment="staging-test", release="0123abcd")
    yield server
    sentry_sdk.init()  # no DSN: the client goes inactive again for the rest of the run
    server.close()


def _events(server, predicate):
    sentry_sdk.flush(timeout=5)
    return [event for event in server.events() if predicate(event)]


@pytest.mark.django_db
@pytest.mark.urls("site_config.tests.urls_sentry")
def test_an_error_in_an_api_view_arrives_with_release_environment_and_user_id_only(
    sentry_server, auth_client
):
    user = UserFactory(email="learner.private@example.test", first_name="Privatefirst")
    client = auth_client(user)
    client.raise_request_exception = False
    response = client.get("/failing/", HTTP_X_FORWARDED_FOR="203.0.113.9", HTTP_COOKIE="sessionid=secret")
    assert response.status_code == 500

    events = _events(sentry_server, lambda e: e.get("exception"))
    assert len(events) == 1, events
    event = events[0]
    assert sentry_sdk.get_client().should_send_default_pii() is False
    assert event["release"] == "0123abcd"
    assert event["environment"] == "staging-test"
    assert event["user"] == {"id": str(user.pk)}
    assert event["exception"]["values"][-1]["value"] == "failed while serving [email]"
    raw = b"".join(sentry_server.raw)
    for private in (
        b"learner.private@example.test",
        b"Privatefirst",
        b"203.0.113.9",
        b"sessionid",
        b"Bearer",
    ):
        assert private not in raw, private


def test_scrub_keeps_only_the_user_id_and_drops_bodies_and_credentials():
    event = {
        "user": {"id": 7, "email": "a@b.example", "ip_address": "10.0.0.1", "username": "ann"},
        "request": {
            "data": {"password": "x"},
            "cookies": {"sessionid": "s"},
            "env": {"REMOTE_ADDR": "10.0.0.1", "SERVER_NAME": "web"},
            "headers": {"Authorization": "Bearer t", "X-Forwarded-For": "1.2.3.4", "Accept": "json"},
        },
        "extra": {"note": ["mail ann@example.test please"]},
    }
    assert sentry.scrub(event) == {
        "user": {"id": "7"},
        "request": {"env": {"SERVER_NAME": "web"}, "headers": {"Accept": "json"}},
        "extra": {"note": ["mail [email] please"]},
    }


@pytest.mark.django_db
def test_a_failed_job_is_reported(sentry_server):
    from django_q.tasks import async_task

    with pytest.raises(ValueError, match="is not defined"):
        async_task("site_config.tests.no_such_module.job", sync=True)
    events = _events(sentry_server, lambda e: (e.get("tags") or {}).get("job_func"))
    assert len(events) == 1, events
    assert events[0]["tags"]["job_func"] == "site_config.tests.no_such_module.job"
    assert events[0]["release"] == "0123abcd"
    assert events[0]["exception"]["values"][-1]["type"] == "ValueError"


@pytest.mark.django_db(transaction=True)
def test_a_failing_health_check_is_reported_once_per_outage(sentry_server, client, settings):
    heartbeat()
    assert client.get("/health/ready").json()["checks"]["ffmpeg"]["status"] == "ok"
    settings.FFPROBE_BIN = "/nonexistent/ffprobe"
    for _ in range(3):  # a probe every few seconds: one event, not three
        assert client.get("/health/ready").json()["checks"]["ffmpeg"]["status"] == "error"
    settings.FFPROBE_BIN = "ffprobe"
    assert client.get("/health/ready").json()["checks"]["ffmpeg"]["status"] == "ok"
    settings.FFPROBE_BIN = "/nonexistent/ffprobe"
    client.get("/health/ready")  # failing again: a new outage, a new event

    events = _events(sentry_server, lambda e: (e.get("tags") or {}).get("health_check") == "ffmpeg")
    assert [
        e["message"]["formatted"] if isinstance(e.get("message"), dict) else e.get("message") for e in events
    ] == ["Health check ffmpeg failed: error"] * 2
    assert {e["level"] for e in events} == {"warning"}  # not required by default
    assert events[0]["contexts"]["health_check"]["detail"] == "ffprobe not found (FFMPEG_BIN / FFPROBE_BIN)"
