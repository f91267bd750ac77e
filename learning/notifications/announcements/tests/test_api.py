"""The announcements API: who may announce to whom, the status rules (send, schedule,
cancel, edit, delete), the learners' list, bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from learning.accounts.tests.helpers import assert_error
from learning.notifications.models import Notification
from learning.progress.services import enrollment_create

from ..models import Announcement
from ..tasks import announcements_start_due
from .helpers import AUTHOR, LEARNER, author_url

pytestmark = pytest.mark.django_db


def _body(**fields) -> dict:
    return {"title": "Exams", "body": "Exams start Monday.", "channels": ["in_app"]} | fields


@pytest.fixture
def courses(build_course, other_teacher):
    return build_course(title="Mine"), build_course(title="Theirs", owner=other_teacher)


def test_a_teacher_announces_to_their_own_course_only(api, teacher, student, courses):
    mine, theirs = courses
    enrollment_create(user=student, course=mine)
    api.login_as(teacher)
    assert_error(api.post(AUTHOR, _body(target="all")), 400, "target_not_allowed", "target")
    assert_error(api.post(AUTHOR, _body(target="role", role="student")), 400, "target_not_allowed")
    assert_error(api.post(AUTHOR, _body(target="course", course=theirs.pk)), 400, "does_not_exist", "course")
    assert_error(api.post(AUTHOR, _body(target="course", course=10**12)), 400, "does_not_exist", "course")
    assert not Announcement.objects.exists()

    created = api.post(AUTHOR, _body(target="course", course=mine.pk))
    assert created.status_code == 201
    assert created.json()["course_title"] == "Mine" and created.json()["author"] == teacher.pk
    sent = api.post(author_url(created.json()["id"], "send"))
    assert sent.status_code == 202
    assert Notification.objects.filter(recipient=student, type="announcement").count() == 1
    assert [a["id"] for a in api.get(AUTHOR).json()["results"]] == [created.json()["id"]]


def test_teachers_never_reach_another_teachers_announcements(
    api, teacher, other_teacher, admin_user, courses
):
    _mine, theirs = courses
    api.login_as(other_teacher)
    theirs_id = api.post(AUTHOR, _body(target="course", course=theirs.pk)).json()["id"]
    api.login_as(admin_user)
    admins_id = api.post(AUTHOR, _body(target="all")).json()["id"]
    api.login_as(teacher)
    assert api.get(AUTHOR).json()["results"] == []
    for announcement_id in (theirs_id, admins_id):
        assert_error(api.get(author_url(announcement_id)), 404)
        assert_error(api.patch(author_url(announcement_id), {"title": "mine now"}), 404)
        assert_error(api.post(author_url(announcement_id, "send")), 404)
        assert_error(api.post(author_url(announcement_id, "cancel")), 404)
        assert_error(api.delete(author_url(announcement_id)), 404)
    assert Announcement.objects.filter(status="draft").count() == 2
    api.login_as(admin_user)
    assert {a["id"] for a in api.get(AUTHOR).json()["results"]} == {theirs_id, admins_id}


def test_schedule_then_the_sweep_sends_it(api, admin_user, student):
    api.login_as(admin_user)
    when = timezone.now() + timedelta(hours=2)
    created = api.post(AUTHOR, _body(target="all", scheduled_at=when.isoformat())).json()
    scheduled = api.post(author_url(created["id"], "send"))
    assert scheduled.status_code == 200 and scheduled.json()["status"] == "scheduled"
    assert announcements_start_due() == 0 and not Notification.objects.exists()
    edited = api.patch(author_url(created["id"]), {"title": "Exams moved"})
    assert edited.json()["status"] == "scheduled" and edited.json()["title"] == "Exams moved"

    Announcement.objects.update(scheduled_at=timezone.now() - timedelta(seconds=1))  # its time comes
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert announcements_start_due() == 1
    assert api.get(author_url(created["id"])).json()["status"] == "sent"
    assert Notification.objects.filter(recipient=student, title="Exams moved").exists()


def test_a_draft_whose_time_has_passed_is_sent_at_once(api, admin_user, student):
    api.login_as(admin_user)
    when = timezone.now() + timedelta(hours=1)
    created = api.post(AUTHOR, _body(target="all", scheduled_at=when.isoformat())).json()
    Announcement.objects.update(scheduled_at=timezone.now() - timedelta(minutes=1))  # an hour later
    sent = api.post(author_url(created["id"], "send"))
    assert sent.status_code == 202 and Notification.objects.filter(recipient=student).exists()


def test_a_cancelled_schedule_sends_nothing(api, admin_user):
    api.login_as(admin_user)
    created = api.post(
        AUTHOR, _body(target="all", scheduled_at=(timezone.now() + timedelta(minutes=5)).isoformat())
    ).json()
    api.post(author_url(created["id"], "send"))
    cancelled = api.post(author_url(created["id"], "cancel"))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    Announcement.objects.update(scheduled_at=timezone.now() - timedelta(seconds=1))
    assert announcements_start_due() == 0 and not Notification.objects.exists()
    assert_error(api.post(author_url(created["id"], "send")), 409, "announcement_state")
    assert api.delete(author_url(created["id"])).status_code == 204


def test_what_each_status_allows(api, admin_user):
    api.login_as(admin_user)
    created = api.post(AUTHOR, _body(target="all")).json()
    api.post(author_url(created["id"], "send"))
    assert Announcement.objects.get().status == "sent"
    assert_error(api.patch(author_url(created["id"]), {"title": "too late"}), 409, "announcement_state")
    assert_error(api.post(author_url(created["id"], "send")), 409, "announcement_state")
    assert_error(api.post(author_url(created["id"], "cancel")), 409, "announcement_state")
    assert_error(api.delete(author_url(created["id"])), 409, "announcement_state")
    assert Announcement.objects.get().title == "Exams"


@pytest.mark.parametrize(
    ("body", "code", "attr"),
    [
        (_body(target="all", colour="red"), "unknown_field", "non_field_errors"),
        (_body(target="all", status="sent"), "unknown_field", "non_field_errors"),
        (_body(target="everyone"), "invalid_choice", "target"),
        (_body(target="role"), "required", "role"),
        (_body(target="role", role="owner"), "invalid_choice", "role"),
        (_body(target="course"), "does_not_exist", "course"),
        (_body(target="all", channels=[]), "min_length", "channels"),
        (_body(target="all", channels=["fax"]), "invalid_choice", "channels.0"),
        (_body(target="all", title=""), "blank", "title"),
        (_body(target="all", body="x" * 5001), "max_length", "body"),
        (_body(target="all", scheduled_at="2001-01-01T00:00:00Z"), "in_past", "scheduled_at"),
        (_body(target="all", scheduled_at="2999-01-01T00:00:00Z"), "too_far", "scheduled_at"),
        (_body(target="all", scheduled_at="soon"), "invalid", "scheduled_at"),
    ],
)
def test_bad_input_is_a_400_and_writes_nothing(api, admin_user, body, code, attr):
    assert_error(api.login_as(admin_user).post(AUTHOR, body), 400, code, attr)
    assert not Announcement.objects.exists()


def test_students_cannot_announce(api, student):
    assert_error(api.login_as(student).post(AUTHOR, _body(target="all")), 403)
    assert_error(api.get(AUTHOR), 403)


def test_learners_list_what_was_sent_to_them(
    api, admin_user, teacher, student, courses, django_assert_max_num_queries
):
    mine, theirs = courses
    enrollment_create(user=student, course=mine)
    api.login_as(admin_user)

    def announce(send=True, **target) -> int:
        created = api.post(AUTHOR, _body(title=f"to {target}", **target)).json()
        if send:
            api.post(author_url(created["id"], "send"))
        return created["id"]

    to_all = announce(target="all")
    to_students = announce(target="role", role="student")
    to_teachers = announce(target="role", role="teacher")
    to_my_course = announce(target="course", course=mine.pk)
    to_their_course = announce(target="course", course=theirs.pk)
    draft = announce(send=False, target="all")

    api.login_as(student)
    with django_assert_max_num_queries(4):
        listed = api.get(LEARNER)
    assert [a["id"] for a in listed.json()["results"]] == [to_my_course, to_students, to_all]
    first = listed.json()["results"][0]
    assert first["course_title"] == "Mine" and first["author_name"] and first["sent_at"]
    assert api.get(f"{LEARNER}{to_all}/").status_code == 200
    for hidden in (to_teachers, to_their_course, draft):
        assert_error(api.get(f"{LEARNER}{hidden}/"), 404)
    api.login_as(teacher)
    assert {a["id"] for a in api.get(LEARNER).json()["results"]} == {to_all, to_teachers}
