"""Bulk snapshot ingestion through the API: 10,000 in one batch, all-or-nothing on a bad
item, idempotency by id, NDJSON, limits, who may send them."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.accounts.tests.helpers import assert_error

from ..models import Recording
from ..snapshot_models import Snapshot
from .timeline_fixtures import *  # noqa: F403  (fixtures and helpers)
from .timeline_fixtures import post_batch, post_ndjson, snapshots_url, typing

pytestmark = pytest.mark.django_db


def stored(recording):
    return list(Snapshot.objects.filter(recording=recording).order_by("seq").values_list("client_id", "t_ms"))


def test_ten_thousand_snapshots_in_one_batch_are_stored_and_read_back_in_order(
    auth_client, admin_user, student, recording, settings
):
    settings.RECORDING_TIMELINE_MAX_ITEMS = 5000
    recording.is_published = True
    recording.save()
    items = typing(10_000)
    response = post_batch(auth_client(admin_user), recording, items)
    assert response.status_code == 201, response.content[:500]
    assert response.json() == {
        "received": 10_000,
        "inserted": 10_000,
        "duplicates": 0,
        "snapshot_count": 10_000,
        "last_t_ms": 99_990,
    }
    recording.refresh_from_db()
    assert recording.snapshot_count == 10_000
    # a learner reads the whole timeline back, in order, page by page
    client, url, seen = auth_client(student), f"/api/v1/recordings/{recording.pk}/timeline/", []
    pages = 0
    while url:
        page = client.get(url)
        assert page.status_code == 200, page.content[:300]
        body = page.json()
        seen += body["snapshots"]
        url, pages = body["next"], pages + 1
    assert pages == 2
    assert [s["id"] for s in seen] == [item["id"] for item in items]
    assert [s["t_ms"] for s in seen] == sorted(s["t_ms"] for s in seen)
    assert [s["diff"] for s in seen] == [item["diff"] for item in items]
    # keyframes every RECORDING_KEYFRAME_EVERY snapshots carry the whole code
    keyframes = [s for s in seen if s["files"] is not None]
    assert len(keyframes) == 10_000 // settings.RECORDING_KEYFRAME_EVERY
    assert keyframes[1]["files"] == {"index.html": "abcdefghij" * 5 + "a"}
    end = client.get(f"/api/v1/recordings/{recording.pk}/state/", {"t_ms": 10**6}).json()
    assert end["files"] == {"index.html": "abcdefghij" * 1000} and end["seq"] == 9999


def test_a_bad_item_rejects_the_batch_with_its_index_and_writes_nothing(auth_client, admin_user, recording):
    client = auth_client(admin_user)
    assert post_batch(client, recording, typing(3)).status_code == 201
    items = typing(10, start=3)
    items[6]["t_ms"] = 1  # before the item ahead of it
    body = assert_error(post_batch(client, recording, items), 400, "not_monotonic", "snapshots.6.t_ms")
    assert "Snapshot 6" in body["errors"][0]["detail"]
    assert len(stored(recording)) == 3
    recording.refresh_from_db()
    assert recording.snapshot_count == 3


@pytest.mark.parametrize(
    ("change", "code", "attr"),
    [
        ({"diff": {"../etc/passwd": "x"}}, "invalid_name", "snapshots.4.diff"),
        ({"diff": {"index.html": [[999, 0, "x"]]}}, "splice_out_of_range", "snapshots.4.diff"),
        ({"diff": {"gone.js": None}}, "no_such_file", "snapshots.4.diff"),
        ({"t_ms": -5}, "invalid", "snapshots.4.t_ms"),
        ({"t_ms": "12"}, "invalid", "snapshots.4.t_ms"),
        ({"id": ""}, "invalid", "snapshots.4.id"),
        ({"id": "k0"}, "duplicate", "snapshots.4.id"),
        ({"kind": "typing"}, "invalid_choice", "snapshots.4.kind"),
        ({"console": "hello"}, "not_console", "snapshots.4.console"),
        ({"files": {"a.js": "1"}}, "files_and_diff", "snapshots.4.non_field_errors"),
        ({"colour": "red"}, "unknown_field", "snapshots.4.non_field_errors"),
        ({"cursor": {"path": "index.html", "line": -1}}, "invalid", "snapshots.4.cursor"),
        ({"diff": {"index.html": "a\x01b"}}, "binary", "snapshots.4.diff"),
    ],
)
def test_each_rule_names_the_item_and_nothing_is_written(
    auth_client, admin_user, recording, change, code, attr
):
    items = typing(8)
    items[4] |= change
    assert_error(post_batch(auth_client(admin_user), recording, items), 400, code, attr)
    assert stored(recording) == []


def test_size_limits_are_settings(auth_client, admin_user, recording, settings):
    settings.RECORDING_SNAPSHOT_MAX_FILE_BYTES = 100
    settings.RECORDING_SNAPSHOT_MAX_BYTES = 150
    settings.RECORDING_SNAPSHOT_MAX_FILES = 2
    client = auth_client(admin_user)
    grows = [
        {"id": "a", "t_ms": 0, "files": {"a.js": "x" * 90}},
        {"id": "b", "t_ms": 1, "diff": {"a.js": [[0, 0, "y" * 20]]}},
    ]
    assert_error(post_batch(client, recording, grows), 400, "file_too_large", "snapshots.1.diff")
    total = [{"id": "a", "t_ms": 0, "files": {"a.js": "x" * 90, "b.js": "y" * 90}}]
    assert_error(post_batch(client, recording, total), 400, "too_large", "snapshots.0.diff")
    many = [{"id": "a", "t_ms": 0, "files": {"a.js": "", "b.js": "", "c.js": ""}}]
    assert_error(post_batch(client, recording, many), 400, "too_many", "snapshots.0.files")
    assert stored(recording) == []


def test_more_than_the_batch_limit_is_refused(auth_client, admin_user, recording, settings):
    settings.RECORDING_SNAPSHOTS_MAX_BATCH = 5
    client = auth_client(admin_user)
    assert_error(post_batch(client, recording, typing(6)), 400, "too_many", "snapshots")
    assert_error(post_ndjson(client, recording, typing(6)), 400, "too_many", "snapshots")
    assert post_batch(client, recording, typing(5)).status_code == 201


def test_a_body_over_the_byte_limit_is_413(auth_client, admin_user, recording, settings):
    settings.RECORDING_SNAPSHOTS_MAX_BATCH_BYTES = 2000
    client = auth_client(admin_user)
    assert_error(post_batch(client, recording, typing(100)), 413, "request_too_large")
    assert stored(recording) == []


def test_a_batch_larger_than_the_api_body_limit_is_taken_within_its_own_limit(
    auth_client, admin_user, recording, settings
):
    """The snapshot endpoint has its own body limit (RECORDING_SNAPSHOTS_MAX_BATCH_BYTES),
    above API_MAX_BODY_BYTES."""
    settings.API_MAX_BODY_BYTES = 1000
    response = post_batch(auth_client(admin_user), recording, typing(100))
    assert response.status_code == 201, response.content[:300]


def test_a_repeated_batch_inserts_nothing_and_says_so(auth_client, admin_user, recording):
    client = auth_client(admin_user)
    items = typing(50)
    assert post_batch(client, recording, items).json()["inserted"] == 50
    again = post_batch(client, recording, items)
    assert again.status_code == 200
    assert again.json() == {
        "received": 50,
        "inserted": 0,
        "duplicates": 50,
        "snapshot_count": 50,
        "last_t_ms": 490,
    }
    # a retry that overlaps: the stored items lead, the new ones are appended
    overlap = post_batch(client, recording, items[40:] + typing(10, start=50))
    assert overlap.status_code == 201
    assert overlap.json()["inserted"] == 10 and overlap.json()["duplicates"] == 10
    assert [cid for cid, _ in stored(recording)] == [f"k{i}" for i in range(60)]
    # a stored id after new ones is refused: the new items would be diffs on a state it skipped
    assert_error(
        post_batch(client, recording, typing(1, start=60) + [items[0]]),
        400,
        "already_stored",
        "snapshots.1.id",
    )
    assert len(stored(recording)) == 60


def test_a_new_batch_cannot_go_back_in_time(auth_client, admin_user, recording):
    client = auth_client(admin_user)
    assert post_batch(client, recording, typing(5, t0=1000)).status_code == 201
    late = [{"id": "late", "t_ms": 999, "diff": {"index.html": "x"}}]
    assert_error(post_batch(client, recording, late), 400, "not_monotonic", "snapshots.0.t_ms")
    same_time = [{"id": "same", "t_ms": 1040, "kind": "run"}]
    assert post_batch(client, recording, same_time).status_code == 201


def test_ndjson_streams_the_same_batch(auth_client, admin_user, recording):
    items = typing(200)
    response = post_ndjson(auth_client(admin_user), recording, items)
    assert response.status_code == 201, response.content[:300]
    assert response.json()["inserted"] == 200
    assert [cid for cid, _ in stored(recording)] == [item["id"] for item in items]
    # a malformed line is a 400 naming the line, nothing written
    body = json.dumps(typing(1, start=200)[0]) + "\n{not json\n"
    bad = auth_client(admin_user).generic(
        "POST", snapshots_url(recording), body, content_type="application/x-ndjson"
    )
    body = assert_error(bad, 400, "parse_error")
    assert "line 2" in body["errors"][0]["detail"]
    assert len(stored(recording)) == 200


def test_other_bodies_are_clear_400_or_415(auth_client, admin_user, recording):
    client = auth_client(admin_user)
    url = snapshots_url(recording)
    assert_error(client.post(url, [1, 2], format="json"), 400, "required", "snapshots")
    assert_error(client.post(url, {"snapshots": [], "x": 1}, format="json"), 400, "required", "snapshots")
    assert_error(client.generic("POST", url, "a,b", content_type="text/csv"), 415, "unsupported_media_type")
    assert_error(client.generic("POST", url, "{", content_type="application/json"), 400, "parse_error")
    nul = client.generic(
        "POST", url, '{"snapshots": [{"id": "a\\u0000", "t_ms": 0}]}', content_type="application/json"
    )
    assert_error(nul, 400, "invalid_unicode")


def test_console_and_run_snapshots_keep_the_code(auth_client, admin_user, recording):
    client = auth_client(admin_user)
    items = [
        {
            "id": "a",
            "t_ms": 0,
            "files": {"main.js": "console.log(1)"},
            "cursor": {"path": "main.js", "line": 1, "column": 15},
        },
        {"id": "b", "t_ms": 500, "kind": "run"},
        {"id": "c", "t_ms": 700, "kind": "console", "console": "1\n"},
    ]
    assert post_batch(client, recording, items).status_code == 201
    rows = list(Snapshot.objects.filter(recording=recording).order_by("seq"))
    assert [r.kind for r in rows] == ["edit", "run", "console"]
    assert rows[2].console == "1\n" and rows[1].diff == {} and rows[0].cursor["column"] == 15


@pytest.mark.usefixtures("uncached_users")
def test_ingestion_queries_do_not_grow_with_the_batch(auth_client, admin_user, course_and_lesson):
    from .timeline_fixtures import recording_make

    course, lesson = course_and_lesson
    counts = []
    for size in (10, 2000):
        target = recording_make(course=course, lesson=lesson)
        with CaptureQueriesContext(connection) as queries:
            assert post_batch(auth_client(admin_user), target, typing(size)).status_code == 201
        counts.append(len(queries))
    # the id lookup goes 900 ids a query and the insert as many rows a statement as the
    # database takes (up to 1000): a few statements more for 2000 items, never one per item
    fields = [f for f in Snapshot._meta.concrete_fields if not f.primary_key]
    rows_per_insert = min(1000, connection.ops.bulk_batch_size(fields, [None] * 2000))
    extra_statements = (-(-2000 // rows_per_insert) - 1) + (-(-2000 // 900) - 1)
    assert counts[1] - counts[0] <= extra_statements, (counts, rows_per_insert)
    assert counts[1] < 2000 / 20


def test_ingestion_is_for_admins(auth_client, student, teacher, recording, settings):
    assert_error(post_batch(auth_client(student), recording, typing(2)), 403)
    assert_error(post_batch(auth_client(teacher), recording, typing(2)), 403)
    assert_error(post_batch(auth_client(None), recording, typing(2)), 401)
    settings.RECORDINGS_TEACHERS_MAY_UPLOAD = True
    assert post_batch(auth_client(teacher), recording, typing(2)).status_code == 201  # owns the course
    assert stored(recording) == [("k0", 0), ("k1", 10)]


def test_a_refused_caller_never_has_the_body_read(auth_client, student, recording, settings):
    """403 from the permission check, before the body: even one far over every limit."""
    settings.RECORDING_SNAPSHOTS_MAX_BATCH_BYTES = 100
    response = auth_client(student).generic(
        "POST", snapshots_url(recording), "x" * 10_000, content_type="application/json"
    )
    assert_error(response, 403)


def test_unknown_or_other_teachers_recordings_are_404(
    auth_client, admin_user, other_teacher, recording, settings
):
    settings.RECORDINGS_TEACHERS_MAY_UPLOAD = True
    assert_error(post_batch(auth_client(other_teacher), recording, typing(1)), 404)
    missing = Recording(pk=recording.pk + 1000)
    assert_error(post_batch(auth_client(admin_user), missing, typing(1)), 404)


def test_the_copy_path_stores_what_the_orm_reads(auth_client, admin_user, recording, settings):
    """The insert statement (COPY on PostgreSQL, bulk_create elsewhere) stores every
    column as the ORM reads it back: JSON with quotes, backslashes, tabs, newlines and
    non-ASCII text, nulls, console text, cursors."""
    from ..snapshot_format import SnapshotChain, snapshot_input_clean

    settings.RECORDING_KEYFRAME_EVERY = 3
    items = [
        {"id": "a", "t_ms": 0, "files": {"a.js": 'const s = "q\\"\\\\\\ttab\\nline"; // é 中 \\N'}},
        {
            "id": "b",
            "t_ms": 5,
            "diff": {"b.css": "p {\r\n}\t"},
            "cursor": {"path": "b.css", "line": 2, "column": 1},
        },
        {"id": "c", "t_ms": 5, "kind": "run"},
        {"id": "d", "t_ms": 9, "kind": "console", "console": "a\tb\n\\N\r\n中"},
        {"id": "e", "t_ms": 12, "diff": {"a.js": None}},
    ]
    assert post_batch(auth_client(admin_user), recording, items).status_code == 201
    chain = SnapshotChain(keyframe_every=3)
    expected = [chain.append(snapshot_input_clean(item, i), i) for i, item in enumerate(items)]
    rows = list(
        Snapshot.objects.filter(recording=recording)
        .order_by("seq")
        .values("seq", "client_id", "t_ms", "kind", "keyframe_seq", "diff", "files", "cursor", "console")
    )
    assert rows == [
        {
            "seq": e.seq,
            "client_id": e.client_id,
            "t_ms": e.t_ms,
            "kind": e.kind,
            "keyframe_seq": e.keyframe_seq,
            "diff": e.diff,
            "files": e.files,
            "cursor": e.cursor,
            "console": e.console,
        }
        for e in expected
    ]
    assert [r["files"] is not None for r in rows] == [True, False, False, True, False]
