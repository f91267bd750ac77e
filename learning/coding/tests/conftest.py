"""Fixtures of the coding tests: short sandbox limits (the behaviour is the same, the
suite is faster), and a recorder for domain events."""

import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from learning.events import bus

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def sandbox_settings(settings):
    settings.SANDBOX_WALL_TIME_MS = 600
    settings.SANDBOX_POOL_SIZE = 3
    settings.SANDBOX_QUEUE_WAIT_MS = 3000
    settings.SANDBOX_MAX_CONCURRENT_PER_USER = 2
    settings.SANDBOX_MAX_CONCURRENT = 3
    settings.SANDBOX_URL = ""
    return settings


@pytest.fixture
def events():
    """Every event of the given types published during the test, in order."""
    seen = []

    def record(event):
        seen.append(event)

    from learning.events import ChallengePassed, CodeRun

    for event_type in (CodeRun, ChallengePassed):
        bus.subscribe(event_type, record)
    yield seen
    for event_type in (CodeRun, ChallengePassed):
        bus.unsubscribe(event_type, record)


RUN_URL = "/api/v1/code/run/"


def run(client, source=None, **body):
    payload = {"language": "javascript", **body}
    if source is not None:
        payload["source"] = source
    return client.post(RUN_URL, payload, format="json")


# Jobs handed straight to a WorkerPool (the pool, crash and hardening tests).
POOL_LIMITS = {"wall_ms": 600, "heap_mb": 64, "output_bytes": 65536}


def pool_job(source: str, **extra) -> dict:
    """A run job of one `main.js`, as the API would hand it to the pool."""
    return {
        "kind": "run",
        "language": "javascript",
        "files": [{"name": "main.js", "content": source}],
        "stdin": "",
        "limits": POOL_LIMITS,
        **extra,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def sandbox_server(env: dict):
    """`manage.py sandbox_server` as a real subprocess on a free port, with exactly `env`
    as its environment; yields its URL once `/health` answers, stops it afterwards."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "sandbox_server", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("sandbox_server did not start: " + (proc.stdout.read() if proc.stdout else ""))
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
