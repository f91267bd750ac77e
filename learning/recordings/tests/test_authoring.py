"""Managing recordings through the API: admins (teachers only with
RECORDINGS_TEACHERS_MAY_UPLOAD, in their own courses), bad input, the list's queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.accounts.tests.helpers import assert_error
from learning.recordings.models import Recording

from .helpers import stored_path, upload

LIST = "/api/v1/authoring/recordings/"


def test_admin_creates_updates_and_deletes(
    auth_client, admin_user, course, lesson, webm, settings, django_capture_on_commit_callbacks
):
    settings.RECORDING_TRANSCODE = "off"
    client = auth_client(admin_user)
    response = client.post(LIST, {"title": "Flexbox live", "course": course.pk, "lesson": lesson.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "uploading" and body["is_published"] is False
    assert body["created_by"]["email"] == admin_user.email
    assert body["video_url"] is None and body["upload"] is None
    url = f"{LIST}{body['id']}/"
    response = client.patch(url, {"title": "Flexbox, live", "lesson": None})
    assert response.status_code == 200
    assert response.json()["title"] == "Flexbox, live" and response.json()["lesson"] is None
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, body["id"], webm)
    recording = Recording.objects.get(pk=body["id"])
    files = [stored_path(recording.video), stored_path(recording.poster)]
    assert all(path.exists() for path in files)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(url).status_code == 204
    assert not Recording.objects.filter(pk=body["id"]).exists()
    assert not any(path.exists() for path in files)
    assert_error(client.get(url), 404)


@pytest.mark.parametrize(
    ("payload", "status", "code", "attr"),
    [
        ({"course": 1}, 400, "required", "title"),
        ({"title": "x"}, 400, "required", "course"),
        ({"title": "x", "course": 999999}, 400, "does_not_exist", "course"),
        ({"title": "x", "course": "{course}", "lesson": 999999}, 400, "does_not_exist", "lesson"),
        ({"title": "x", "course": "{course}", "status": "ready"}, 400, "unknown_field", "non_field_errors"),
        ({"title": "x" * 256, "course": "{course}"}, 400, "max_length", "title"),
        (
            {"title": "x", "course": "{course}", "lesson": "{foreign_lesson}"},
            400,
            "lesson_not_in_course",
            "lesson",
        ),
    ],
)
def test_bad_input(auth_client, admin_user, course, other_teacher, payload, status, code, attr):
    from cms.models import LessonPage
    from cms.tests.fixtures import course_build

    other = course_build(owner=other_teacher, admin=admin_user, title="Other")
    values = {"course": course.pk, "foreign_lesson": LessonPage.objects.descendant_of(other).first().pk}
    payload = {
        k: int(v.format(**values)) if isinstance(v, str) and v.startswith("{") else v
        for k, v in payload.items()
    }
    before = Recording.objects.count()
    assert_error(auth_client(admin_user).post(LIST, payload), status, code, attr)
    assert Recording.objects.count() == before


def test_teachers_manage_only_when_allowed_and_only_their_courses(
    auth_client, teacher, other_teacher, course, recording, settings
):
    assert_error(auth_client(teacher).post(LIST, {"title": "Mine", "course": course.pk}), 403)
    assert_error(auth_client(teacher).get(f"{LIST}{recording.pk}/"), 403)
    settings.RECORDINGS_TEACHERS_MAY_UPLOAD = True
    response = auth_client(teacher).post(LIST, {"title": "Mine", "course": course.pk})
    assert response.status_code == 201
    assert auth_client(teacher).get(f"{LIST}{recording.pk}/").status_code == 200
    # another teacher: not their course, and the recording does not exist for them
    assert_error(
        auth_client(other_teacher).post(LIST, {"title": "Theirs", "course": course.pk}), 400, attr="course"
    )
    assert_error(auth_client(other_teacher).get(f"{LIST}{recording.pk}/"), 404)
    assert_error(auth_client(other_teacher).patch(f"{LIST}{recording.pk}/", {"title": "x"}), 404)
    assert auth_client(other_teacher).get(LIST).json()["count"] == 0


def test_students_cannot_manage(auth_client, student, course, recording):
    assert_error(auth_client(student).get(LIST), 403)
    assert_error(auth_client(student).post(LIST, {"title": "x", "course": course.pk}), 403)
    assert_error(auth_client(student).delete(f"{LIST}{recording.pk}/"), 403)
    assert Recording.objects.filter(pk=recording.pk).exists()


def test_list_runs_a_constant_number_of_queries(auth_client, admin_user, course, lesson, uncached_users):
    from learning.recordings.services import recording_create

    client = auth_client(admin_user)

    def count(n):
        for i in range(n - Recording.objects.count()):
            recording_create(user=admin_user, title=f"R{i}", course=course, lesson=lesson)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {"page_size": 50})
        assert response.status_code == 200 and response.json()["count"] == n
        return len(queries)

    assert count(2) == count(12)


def test_list_filters_by_course(auth_client, admin_user, recording, course):
    client = auth_client(admin_user)
    assert client.get(LIST, {"course": course.pk}).json()["count"] == 1
    assert client.get(LIST, {"course": course.pk + 1000}).json()["count"] == 0
    for bad in ("abc", "²", "9" * 19, "0"):  # "9" * 19 > 2^63-1: no id
        assert_error(client.get(LIST, {"course": bad}), 400, attr="course")
