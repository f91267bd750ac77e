"""Learner playback through the API: the list and detail, publishing, timeline windows,
the state at a time (against a replay of every snapshot), and fork into a draft."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.accounts.tests.helpers import assert_error
from learning.events import RecordingPublished, bus

from ..models import RecordingStatus
from .timeline_fixtures import *  # noqa: F403  (fixtures and helpers)
from .timeline_fixtures import post_batch, recording_make, typing

pytestmark = pytest.mark.django_db


def api(recording, suffix=""):
    return f"/api/v1/recordings/{recording.pk}/{suffix}"


@pytest.fixture
def published_events():
    seen = []
    bus.subscribe(RecordingPublished, seen.append)
    yield seen
    bus.unsubscribe(RecordingPublished, seen.append)


# --- publishing ---------------------------------------------------------------------------


def test_publish_needs_ready_then_students_see_it_and_the_event_goes_out(
    auth_client, admin_user, student, recording, published_events, django_capture_on_commit_callbacks
):
    recording.status = RecordingStatus.PROCESSING
    recording.save()
    admin = auth_client(admin_user)
    assert_error(admin.post(api(recording, "publish/")), 409, "recording_not_ready")
    assert_error(auth_client(student).get(api(recording)), 404)
    recording.status = RecordingStatus.READY
    recording.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(api(recording, "publish/"))
    assert response.status_code == 200, response.content
    assert response.json()["is_published"] is True and response.json()["published_at"]
    assert [(e.recording_id, e.course_id, e.lesson_id) for e in published_events] == [
        (recording.pk, recording.course_id, recording.lesson_id)
    ]
    # publishing again changes nothing and announces nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(api(recording, "publish/")).status_code == 200
    assert len(published_events) == 1
    assert auth_client(student).get(api(recording)).status_code == 200
    # unpublished: gone for students, again a 404
    assert admin.post(api(recording, "unpublish/")).json()["is_published"] is False
    assert_error(auth_client(student).get(api(recording)), 404)
    assert_error(auth_client(student).get(api(recording, "state/"), {"t_ms": 0}), 404)


def test_publish_refuses_a_lesson_outside_the_course(auth_client, admin_user, build_course, recording):
    from cms.models import LessonPage

    other = build_course(title="Other")
    recording.lesson = LessonPage.objects.descendant_of(other).first()
    recording.save()
    assert_error(auth_client(admin_user).post(api(recording, "publish/")), 409, "invalid_link")


def test_only_admins_publish(auth_client, teacher, student, recording):
    assert_error(auth_client(teacher).post(api(recording, "publish/")), 403)
    assert_error(auth_client(student).post(api(recording, "unpublish/")), 403)


# --- list and detail -----------------------------------------------------------------------


def test_unpublished_recordings_are_invisible_to_students(
    auth_client, student, teacher, recording, published
):
    body = auth_client(student).get("/api/v1/recordings/").json()
    assert [r["id"] for r in body["results"]] == [published.pk]
    for suffix in ("", "timeline/", "state/?t_ms=0"):
        assert_error(auth_client(student).get(api(recording, suffix)), 404)
    assert_error(
        auth_client(student).post(api(recording, "fork/"), {"t_ms": 0, "version": 0}, format="json"), 404
    )
    # the course's teacher sees both
    ids = {r["id"] for r in auth_client(teacher).get("/api/v1/recordings/").json()["results"]}
    assert ids == {recording.pk, published.pk}


def test_a_published_recording_of_an_unpublished_course_is_invisible(
    auth_client, student, build_course, teacher
):
    course = build_course(publish=False, title="Draft course")
    hidden = recording_make(course=course, is_published=True)
    assert auth_client(student).get("/api/v1/recordings/").json()["results"] == []
    assert_error(auth_client(student).get(api(hidden)), 404)


def test_detail_has_media_urls_duration_and_snapshot_count(auth_client, admin_user, student, published):
    assert post_batch(auth_client(admin_user), published, typing(7)).status_code == 201
    body = auth_client(student).get(api(published)).json()
    assert body["duration_ms"] == 120_000 and body["snapshot_count"] == 7
    assert body["course"]["id"] == published.course_id and body["lesson"]["id"] == published.lesson_id
    assert body["video_url"] is None and body["poster_url"] is None  # no video uploaded in this test
    assert body["timeline_url"] == f"/api/v1/recordings/{published.pk}/timeline/"
    assert body["state_url"] == f"/api/v1/recordings/{published.pk}/state/"


def test_list_filters_by_course_and_lesson(auth_client, student, build_course, published):
    from cms.models import LessonPage

    other = build_course(title="Other")
    elsewhere = recording_make(
        course=other, lesson=LessonPage.objects.descendant_of(other).first(), is_published=True
    )
    client = auth_client(student)
    by_course = client.get("/api/v1/recordings/", {"course": other.pk}).json()["results"]
    assert [r["id"] for r in by_course] == [elsewhere.pk]
    by_lesson = client.get("/api/v1/recordings/", {"lesson": published.lesson_id}).json()["results"]
    assert [r["id"] for r in by_lesson] == [published.pk]


@pytest.mark.usefixtures("uncached_users")
def test_the_list_runs_a_constant_number_of_queries(auth_client, student, course_and_lesson):
    course, lesson = course_and_lesson
    client = auth_client(student)
    counts = []
    for n in (1, 8):
        while len(client.get("/api/v1/recordings/").json()["results"]) < n:
            recording_make(course=course, lesson=lesson, is_published=True)
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get("/api/v1/recordings/").json()["results"]) == n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- timeline windows ------------------------------------------------------------------------


def test_timeline_window_is_bounded_and_follows_its_cursor(
    auth_client, admin_user, student, published, settings
):
    settings.RECORDING_TIMELINE_MAX_ITEMS = 30
    assert post_batch(auth_client(admin_user), published, typing(100, step_ms=100)).status_code == 201
    client = auth_client(student)
    window = client.get(api(published, "timeline/"), {"from_ms": 1000, "to_ms": 5000}).json()
    assert [s["t_ms"] for s in window["snapshots"]] == list(range(1000, 4000, 100))
    assert window["next_cursor"] is not None
    rest = client.get(
        api(published, "timeline/"), {"from_ms": 1000, "to_ms": 5000, "cursor": window["next_cursor"]}
    )
    rest = rest.json()
    assert [s["t_ms"] for s in rest["snapshots"]] == list(range(4000, 5001, 100))
    assert rest["next_cursor"] is None and rest["next"] is None
    # the `next` link is the same request
    follow = client.get(window["next"]).json()
    assert follow["snapshots"] == rest["snapshots"]
    assert client.get(api(published, "timeline/"), {"from_ms": 50_000}).json()["snapshots"] == []


@pytest.mark.parametrize(
    "params",
    [{"from_ms": "-1"}, {"from_ms": "abc"}, {"from_ms": "10", "to_ms": "5"}, {"cursor": "x"}],
)
def test_bad_timeline_parameters_are_400(auth_client, student, published, params):
    assert_error(auth_client(student).get(api(published, "timeline/"), params), 400)


@pytest.mark.parametrize("params", [{}, {"t_ms": "-3"}, {"t_ms": "1.5"}])
def test_bad_state_parameters_are_400(auth_client, student, published, params):
    assert_error(auth_client(student).get(api(published, "state/"), params), 400, attr="t_ms")


# --- state at a time ---------------------------------------------------------------------------


def random_session(rng: random.Random, n: int) -> tuple[list[dict], list[tuple[int, dict]]]:
    """A random editing session: the snapshots a client would send (diffs, whole files,
    runs) and, as the ground truth, the code after each one (t_ms, files)."""
    names = ["index.html", "style.css", "js/app.js", "notes.md"]
    alphabet = "abc <>{}();\n\téü中"
    state: dict[str, str] = {}
    items, truth, t = [], [], 0
    for i in range(n):
        t += rng.choice([0, 0, 1, 7, 40, 300])
        roll = rng.random()
        item = {"id": f"s{i}", "t_ms": t}
        if roll < 0.05:
            item["kind"] = "run"
        elif roll < 0.15:
            state = {
                name: "".join(rng.choices(alphabet, k=rng.randint(0, 30))) for name in rng.sample(names, 2)
            }
            item["files"] = dict(state)
        elif roll < 0.2 and state:
            gone = rng.choice(sorted(state))
            del state[gone]
            item["diff"] = {gone: None}
        else:
            name = rng.choice(names)
            text = state.get(name, "")
            splices = []
            for _ in range(rng.randint(1, 3)):
                at = rng.randint(0, len(text))
                delete = rng.randint(0, min(5, len(text) - at))
                insert = "".join(rng.choices(alphabet, k=rng.randint(0, 6)))
                text = text[:at] + insert + text[at + delete :]
                splices.append([at, delete, insert])
            state[name] = text
            item["diff"] = {name: splices}
        items.append(item)
        truth.append((t, dict(state)))
    return items, truth


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_state_at_t_equals_replaying_every_snapshot(
    auth_client, admin_user, student, published, settings, seed
):
    """Property test over random edits: for random times, GET .../state/ equals the code
    the session had after its last snapshot at or before that time. Keyframes every 7
    snapshots and batches of random sizes, so states cross keyframes and batch ends."""
    settings.RECORDING_KEYFRAME_EVERY = 7
    rng = random.Random(seed)
    items, truth = random_session(rng, 300)
    admin, start = auth_client(admin_user), 0
    while start < len(items):
        size = rng.randint(1, 80)
        response = post_batch(admin, published, items[start : start + size])
        assert response.status_code == 201, response.content[:300]
        start += size
    client = auth_client(student)
    last_t = truth[-1][0]
    times = sorted({rng.randint(0, last_t + 10) for _ in range(40)} | {0, last_t, truth[0][0]})
    for t in times:
        expected = {}
        for snapshot_t, files in truth:
            if snapshot_t > t:
                break
            expected = files
        body = client.get(api(published, "state/"), {"t_ms": t}).json()
        assert body["files"] == expected, (seed, t)


def test_a_state_read_resolves_at_most_n_diffs_in_one_query(
    auth_client, admin_user, student, published, settings
):
    from ..playback import state_at

    settings.RECORDING_KEYFRAME_EVERY = 10
    assert post_batch(auth_client(admin_user), published, typing(95)).status_code == 201
    for t in (0, 90, 470, 940, 10**6):
        with CaptureQueriesContext(connection) as queries:
            state = state_at(recording=published, t_ms=t)
        assert len(queries) == 1
        assert state.diffs_applied < 10
        assert state.files == {"index.html": ("abcdefghij" * 10)[: min(95, t // 10 + 1)]}
    before = auth_client(student).get(api(published, "state/"), {"t_ms": 0}).json()
    assert before["seq"] == 0 and before["files"] == {"index.html": "a"}


def test_state_before_the_first_snapshot_is_empty(auth_client, admin_user, student, published):
    assert post_batch(auth_client(admin_user), published, typing(3, t0=500)).status_code == 201
    body = auth_client(student).get(api(published, "state/"), {"t_ms": 499}).json()
    assert body == {
        "recording_id": published.pk,
        "t_ms": 499,
        "seq": None,
        "snapshot_t_ms": None,
        "files": {},
        "cursor": None,
    }


# --- fork --------------------------------------------------------------------------------------


def test_fork_copies_the_state_into_my_draft_with_optimistic_concurrency(
    auth_client, admin_user, student, published
):
    items = [
        {"id": "a", "t_ms": 0, "files": {"index.html": "<p>hi</p>", "app.js": "let x = 1"}},
        {"id": "b", "t_ms": 2000, "diff": {"app.js": [[8, 1, "2"]]}},
    ]
    assert post_batch(auth_client(admin_user), published, items).status_code == 201
    client = auth_client(student)
    forked = client.post(api(published, "fork/"), {"t_ms": 1000, "version": 0}, format="json")
    assert forked.status_code == 200, forked.content
    body = forked.json()
    assert body["version"] == 1 and body["lesson_id"] == published.lesson_id and body["seq"] == 0
    assert body["files"] == [
        {"name": "app.js", "language": "javascript", "content": "let x = 1"},
        {"name": "index.html", "language": "html", "content": "<p>hi</p>"},
    ]
    # the learner's draft (the coding app's endpoint) now holds it
    draft = client.get(f"/api/v1/lessons/{published.lesson_id}/draft/").json()
    assert draft["version"] == 1 and draft["files"] == body["files"]
    # a fork based on a stale version is refused and leaves the draft alone
    stale = client.post(api(published, "fork/"), {"t_ms": 2000, "version": 0}, format="json")
    assert assert_error(stale, 409, "version_conflict")["current_version"] == 1
    again = client.post(api(published, "fork/"), {"t_ms": 2000, "version": 1}, format="json").json()
    assert again["version"] == 2 and again["files"][0]["content"] == "let x = 2"


def test_fork_needs_a_lesson_and_a_valid_body(auth_client, student, course_and_lesson):
    course, _ = course_and_lesson
    no_lesson = recording_make(course=course, is_published=True)
    client = auth_client(student)
    assert_error(
        client.post(api(no_lesson, "fork/"), {"t_ms": 0, "version": 0}, format="json"), 409, "no_lesson"
    )
    assert_error(
        client.post(api(no_lesson, "fork/"), {"t_ms": -1, "version": 0}, format="json"), 400, attr="t_ms"
    )
    assert_error(client.post(api(no_lesson, "fork/"), {"t_ms": 0}, format="json"), 400, attr="version")


def test_fork_respects_the_draft_limits(auth_client, admin_user, student, published, settings):
    settings.DRAFT_MAX_FILE_BYTES = 10
    big = [{"id": "a", "t_ms": 0, "files": {"index.html": "x" * 50}}]
    assert post_batch(auth_client(admin_user), published, big).status_code == 201
    response = auth_client(student).post(api(published, "fork/"), {"t_ms": 0, "version": 0}, format="json")
    assert_error(response, 400, "file_too_large")
