"""Fixtures of the coding tests: short sandbox limits (the behaviour is the same, the
suite is faster), and a recorder for domain events."""

import pytest

from learning.events import bus


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
