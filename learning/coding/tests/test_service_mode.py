"""Service mode: `manage.py sandbox_server` as a real subprocess, the web app talking
to it through SANDBOX_URL."""

import os
import time

import pytest
import requests

from .conftest import free_port, run, sandbox_server

TOKEN = "service-test-token"


@pytest.fixture(scope="module")
def sandbox_service():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "site_config.settings.test",
        "SANDBOX_TOKEN": TOKEN,
        "SANDBOX_WALL_TIME_MS": "600",
        "SANDBOX_POOL_SIZE": "2",
        "SANDBOX_URL": "",
    }
    with sandbox_server(env) as url:
        yield url


@pytest.fixture
def service_settings(settings, sandbox_service):
    settings.SANDBOX_URL = sandbox_service
    settings.SANDBOX_TOKEN = TOKEN
    return settings


@pytest.mark.django_db
def test_runs_go_through_the_service(service_settings, auth_client, student, sandbox_service):
    before = requests.get(f"{sandbox_service}/health", timeout=5).json()["pool"]["stats"]["jobs"]
    body = run(auth_client(student), "console.log('via service')").json()
    assert body["status"] == "ok"
    assert body["stdout"] == [{"level": "log", "text": "via service"}]
    after = requests.get(f"{sandbox_service}/health", timeout=5).json()["pool"]["stats"]["jobs"]
    assert after == before + 1


@pytest.mark.django_db
def test_attacks_through_the_service(service_settings, auth_client, student):
    client = auth_client(student)
    assert run(client, "while (true) {}").json()["status"] == "timeout"
    # A bomb that reaches the heap cap in a few milliseconds: the status must cross the
    # service, not race the 600 ms wall time. (Pushing 1e5-element arrays took 300 ms on a
    # cold isolate alone, and lost that race on a loaded CI machine. How fast each bomb
    # is stopped is the serial attack suite's business.)
    assert run(client, "let s = 'ab'; while (true) s += s;").json()["status"] == "memory_limit"
    assert run(client, "while (true) console.log('x')").json()["status"] == "output_limit"
    assert run(client, "console.log(typeof process)").json()["stdout"][0]["text"] == "undefined"


@pytest.mark.django_db
def test_a_wrong_token_is_refused_and_the_api_answers_503(service_settings, auth_client, student):
    service_settings.SANDBOX_TOKEN = "wrong"
    response = run(auth_client(student), "1")
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "sandbox_unavailable"


@pytest.mark.django_db
def test_an_unreachable_service_is_a_503(settings, auth_client, student):
    settings.SANDBOX_URL = f"http://127.0.0.1:{free_port()}"
    response = run(auth_client(student), "1")
    assert response.status_code == 503


def test_the_service_clamps_limits_and_validates_jobs(sandbox_service):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    job = {
        "kind": "run",
        "language": "javascript",
        "files": [{"name": "main.js", "content": "while (true) {}"}],
        "limits": {"wall_ms": 600_000, "heap_mb": 100_000, "output_bytes": 10**9},
    }
    started = time.monotonic()
    reply = requests.post(f"{sandbox_service}/v1/jobs", json={"job": job}, headers=headers, timeout=30)
    assert reply.status_code == 200 and reply.json()["status"] == "timeout"
    assert time.monotonic() - started < 5  # its own 600 ms, not the caller's 10 minutes
    bad = requests.post(
        f"{sandbox_service}/v1/jobs", json={"job": {"kind": "shell"}}, headers=headers, timeout=5
    )
    assert bad.status_code == 400
    unauthorised = requests.post(f"{sandbox_service}/v1/jobs", json={"job": job}, timeout=5)
    assert unauthorised.status_code == 401
