"""The demo timeline: ~50 snapshots of a teacher typing a page, idempotent, and a
learner's player rebuilds the finished code from it."""

import pytest

from ..demo_snapshots import HTML, SCRIPT, add_demo_snapshots, load
from .timeline_fixtures import *  # noqa: F403  (fixtures and helpers)

pytestmark = pytest.mark.django_db


def test_demo_snapshots_type_the_page_and_a_learner_plays_them(auth_client, student, published):
    assert add_demo_snapshots(published) == 48
    assert add_demo_snapshots(published) == 0  # idempotent
    published.refresh_from_db()
    assert published.snapshot_count == 48
    client = auth_client(student)
    end = client.get(f"/api/v1/recordings/{published.pk}/state/", {"t_ms": published.duration_ms}).json()
    assert end["files"] == {"index.html": HTML, "script.js": SCRIPT.replace("world", "class")}
    # half way: the page is typed, the script is being typed
    middle = client.get(
        f"/api/v1/recordings/{published.pk}/state/", {"t_ms": published.duration_ms // 2}
    ).json()
    assert middle["files"]["index.html"] == HTML
    assert SCRIPT.startswith(middle["files"]["script.js"]) and middle["files"]["script.js"] != SCRIPT
    kinds = [
        s["kind"] for s in client.get(f"/api/v1/recordings/{published.pk}/timeline/").json()["snapshots"]
    ]
    assert kinds.count("run") == 2 and kinds.count("console") == 2


def test_the_loader_says_when_there_is_no_demo_recording():
    assert load() == ["No demo recording to add snapshots to."]
