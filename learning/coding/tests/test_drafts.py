"""Drafts: starter code, auto-save with optimistic concurrency, limits, history."""

import pytest

from cms.models import LessonPage
from learning.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(build_course):
    course = build_course(modules=1, lessons_per_module=1)
    return LessonPage.objects.descendant_of(course).live().first()


def url(lesson, suffix=""):
    return f"/api/v1/lessons/{lesson.pk}/draft/{suffix}"


def files(text="console.log(1)"):
    return [{"name": "script.js", "language": "javascript", "content": text}]


def test_no_draft_yet_gives_the_starter_code(auth_client, student, lesson):
    body = auth_client(student).get(url(lesson)).json()
    assert body["is_starter"] is True and body["version"] == 0
    assert body["files"] == [{"name": "index.html", "language": "html", "content": "<p></p>"}]


def test_save_then_read_back(auth_client, student, lesson):
    client = auth_client(student)
    saved = client.put(url(lesson), {"files": files(), "version": 0}, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == 1
    again = client.put(url(lesson), {"files": files("x"), "version": 1}, format="json").json()
    assert again["version"] == 2
    body = client.get(url(lesson)).json()
    assert body["is_starter"] is False and body["version"] == 2 and body["files"][0]["content"] == "x"


def test_two_tabs_never_overwrite_each_other(auth_client, student, lesson):
    tab_a, tab_b = auth_client(student), auth_client(student)
    assert tab_a.put(url(lesson), {"files": files("a1"), "version": 0}, format="json").status_code == 200
    # tab B still thinks the draft is at version 0
    conflict = tab_b.put(url(lesson), {"files": files("b1"), "version": 0}, format="json")
    assert conflict.status_code == 409
    assert conflict.json()["current_version"] == 1
    assert conflict.json()["errors"][0]["code"] == "version_conflict"
    assert tab_a.get(url(lesson)).json()["files"][0]["content"] == "a1"
    # after reloading, B saves on top of version 1
    assert tab_b.put(url(lesson), {"files": files("b2"), "version": 1}, format="json").json()["version"] == 2


def test_oversized_file_and_draft_are_refused_without_a_write(auth_client, student, lesson, settings):
    settings.DRAFT_MAX_FILE_BYTES = 100
    settings.DRAFT_MAX_BYTES = 150
    client = auth_client(student)
    big = client.put(url(lesson), {"files": files("x" * 101), "version": 0}, format="json")
    assert big.status_code == 400
    assert big.json()["errors"][0]["code"] == "file_too_large"
    two = [{"name": f"f{i}.js", "content": "x" * 80} for i in range(2)]
    total = client.put(url(lesson), {"files": two, "version": 0}, format="json")
    assert total.status_code == 400 and total.json()["errors"][0]["code"] == "too_large"
    assert client.get(url(lesson)).json()["is_starter"] is True


@pytest.mark.parametrize(
    "bad, code",
    [
        ([{"name": "a.js", "content": "\x01binary"}], "binary"),
        ([{"name": "a.js", "content": "\x00binary"}], "invalid_unicode"),  # refused by the JSON parser
        ([{"name": "../a.js", "content": "x"}], "invalid_name"),
        ([{"name": "a.js", "content": "1"}, {"name": "a.js", "content": "2"}], "duplicate"),
        ([{"name": "a.js", "content": 5}], "binary"),
    ],
)
def test_bad_files_are_400(auth_client, student, lesson, bad, code):
    response = auth_client(student).put(url(lesson), {"files": bad, "version": 0}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == code


def test_too_many_files(auth_client, student, lesson, settings):
    settings.DRAFT_MAX_FILES = 2
    many = [{"name": f"f{i}.js", "content": "1"} for i in range(3)]
    response = auth_client(student).put(url(lesson), {"files": many, "version": 0}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "too_many"


def test_reset_and_restore_with_history(auth_client, student, lesson, settings):
    settings.DRAFT_HISTORY = 3
    client = auth_client(student)
    for v in range(5):
        client.put(url(lesson), {"files": files(f"v{v + 1}"), "version": v}, format="json")
    versions = client.get(url(lesson, "versions/")).json()["results"]
    assert [v["version"] for v in versions] == [5, 4, 3]  # only the last N are kept
    reset = client.post(url(lesson, "reset/"), {"version": 5}, format="json").json()
    assert reset["version"] == 6 and reset["files"][0]["name"] == "index.html"
    old = next(v for v in versions if v["version"] == 4)
    restored = client.post(
        url(lesson, "restore/"), {"version": 6, "version_id": old["id"]}, format="json"
    ).json()
    assert restored["version"] == 7 and restored["files"][0]["content"] == "v4"
    stale = client.post(url(lesson, "reset/"), {"version": 6}, format="json")
    assert stale.status_code == 409


def test_another_users_draft_is_never_reachable(auth_client, student, lesson):
    mine = auth_client(student)
    mine.put(url(lesson), {"files": files("private"), "version": 0}, format="json")
    my_version = mine.get(url(lesson, "versions/")).json()["results"][0]["id"]
    other = auth_client(UserFactory(role="student"))
    # the other learner sees only their own (empty) draft...
    assert other.get(url(lesson)).json()["is_starter"] is True
    # ...and my version id is a 404 for them
    response = other.post(url(lesson, "restore/"), {"version": 0, "version_id": my_version}, format="json")
    assert response.status_code == 404
    assert other.get(url(lesson)).json()["is_starter"] is True


def test_unpublished_or_unknown_lesson_is_404(auth_client, student, build_course):
    course = build_course(publish=False)
    draft_lesson = LessonPage.objects.descendant_of(course).first()
    client = auth_client(student)
    assert client.get(f"/api/v1/lessons/{draft_lesson.pk}/draft/").status_code == 404
    assert client.get("/api/v1/lessons/999999/draft/").status_code == 404


def test_roles(auth_client, teacher, admin_user, lesson):
    assert auth_client(None).get(url(lesson)).status_code == 401
    for user in (teacher, admin_user):
        assert (
            auth_client(user).put(url(lesson), {"files": files(), "version": 0}, format="json").status_code
            == 200
        )


@pytest.mark.usefixtures("uncached_users")
def test_versions_list_has_constant_queries(auth_client, student, lesson):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = auth_client(student)
    client.put(url(lesson), {"files": files(), "version": 0}, format="json")
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(url(lesson, "versions/")).json()["results"]) == 1
    for v in range(1, 15):
        client.put(url(lesson), {"files": files(str(v)), "version": v}, format="json")
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(url(lesson, "versions/")).json()["results"]) == 15
    assert len(large.captured_queries) == len(small.captured_queries)
