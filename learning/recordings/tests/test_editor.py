"""Recordings in the Wagtail editor: the list (status, duration, poster thumbnail,
snapshot count) and the edit screen's player, for whoever may manage recordings."""

import pytest

from learning.recordings.models import Recording

from .helpers import upload

LIST = "/admin/snippets/recordings/recording/"


@pytest.fixture
def ready(settings, auth_client, admin_user, recording, webm, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(auth_client(admin_user), recording.pk, webm).status_code == 200
    Recording.objects.filter(pk=recording.pk).update(snapshot_count=42)
    recording.refresh_from_db()
    assert recording.status == "ready"
    return recording


def test_admin_sees_the_list_with_status_duration_poster_and_snapshots(client, admin_user, ready):
    client.force_login(admin_user)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Building a page" in html
    assert "Ready" in html or "ready" in html
    assert "0:02" in html  # the 2 s test video
    assert "data-recording-poster" in html
    assert ">42<" in html.replace(" ", "").replace("\n", "")
    # the thumbnail's signed URL answers with the poster, on the editor's session alone
    poster_url = (
        html.split("data-recording-poster")[0].rsplit('src="', 1)[1].split('"')[0].replace("&amp;", "&")
    )
    poster = client.get(poster_url)
    assert poster.status_code == 200 and poster["Content-Type"] == "image/jpeg"


def test_edit_screen_has_a_player(client, admin_user, ready):
    client.force_login(admin_user)
    response = client.get(f"{LIST}edit/{ready.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-recording-player" in html
    src = html.split("data-recording-player")[1].split('src="')[1].split('"')[0].replace("&amp;", "&")
    video = client.get(src, HTTP_RANGE="bytes=0-15")
    assert video.status_code == 206 and video["Content-Type"] == "video/mp4"  # the rendition


def test_admin_edits_title_and_a_lesson_of_another_course_is_refused(
    client, admin_user, ready, other_teacher
):
    from cms.models import LessonPage
    from cms.tests.fixtures import course_build

    client.force_login(admin_user)
    other = course_build(owner=other_teacher, admin=admin_user, title="Elsewhere")
    foreign_lesson = LessonPage.objects.descendant_of(other).first()
    form = {"title": "Renamed", "description": "", "course": ready.course_id, "lesson": foreign_lesson.pk}
    response = client.post(f"{LIST}edit/{ready.pk}/", form)
    assert response.status_code == 200 and "This lesson is not in that course." in response.content.decode()
    form["lesson"] = ready.lesson_id
    response = client.post(f"{LIST}edit/{ready.pk}/", form)
    assert response.status_code == 302
    assert Recording.objects.get(pk=ready.pk).title == "Renamed"


def test_teacher_sees_recordings_only_when_allowed_and_only_their_courses(
    client, teacher, other_teacher, ready, settings
):
    client.force_login(teacher)
    assert client.get(LIST).status_code in (302, 403)
    settings.RECORDINGS_TEACHERS_MAY_UPLOAD = True
    response = client.get(LIST)
    assert response.status_code == 200 and "Building a page" in response.content.decode()
    client.force_login(other_teacher)
    response = client.get(LIST)
    assert response.status_code == 200 and "Building a page" not in response.content.decode()
    assert client.get(f"{LIST}edit/{ready.pk}/").status_code == 404


def test_student_has_no_editor(client, student, ready):
    client.force_login(student)
    assert client.get(LIST).status_code in (302, 403)
