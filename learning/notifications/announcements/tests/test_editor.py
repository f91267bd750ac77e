"""Announcements in the Wagtail editor: an admin writes one and sends it from the form,
through the same services as the API (the fan-out job runs, notifications arrive);
bad input is shown on the form; teachers and learners have no Announcements screen."""

import pytest
from django.test import Client, TestCase

from learning.notifications.models import Notification

from ..models import Announcement

pytestmark = pytest.mark.django_db

LIST = "/admin/snippets/announcements/announcement/"
ADD = LIST + "add/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _errors(response) -> str:
    form = response.context and response.context.get("form")
    return str(form.errors) if form is not None else response.content.decode()[-2000:]


def form(**fields) -> dict:
    data = {
        "title": "Maintenance",
        "body": "The site is down on Sunday.",
        "target": "role",
        "role": "student",
        "course": "",
        "channels": ["in_app"],
        "scheduled_at": "",
    } | fields
    return data  # the test client sends a list as repeated keys (the checkboxes)


def test_an_admin_sends_an_announcement_from_the_editor(admin_user, student, teacher):
    client = logged_in(admin_user)
    assert "Announcements" in client.get("/admin/").content.decode()
    assert client.get(ADD).status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(ADD, form(send_now="on"))
    assert response.status_code == 302, _errors(response)
    announcement = Announcement.objects.get()
    assert (announcement.status, announcement.author, announcement.sent_by) == (
        "sent",
        admin_user,
        admin_user,
    )
    assert announcement.notified_count == 1
    notification = Notification.objects.get(key=announcement.key)
    assert (notification.recipient, notification.title) == (student, "Maintenance")
    listing = client.get(LIST).content.decode()
    assert "Maintenance" in listing and "Sent" in listing


def test_a_draft_saved_in_the_editor_is_sent_later_from_it(admin_user, student):
    client = logged_in(admin_user)
    assert client.post(ADD, form()).status_code == 302
    announcement = Announcement.objects.get()
    assert announcement.status == "draft" and not Notification.objects.exists()
    edit = f"{LIST}edit/{announcement.pk}/"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(edit, form(title="Maintenance, updated", send_now="on"))
    assert response.status_code == 302, _errors(response)
    announcement.refresh_from_db()
    assert announcement.status == "sent"
    assert Notification.objects.get().title == "Maintenance, updated"
    # once sent, the form refuses changes
    response = client.post(edit, form(title="Rewritten"))
    assert response.status_code == 200 and "can no longer be changed" in response.content.decode()
    announcement.refresh_from_db()
    assert announcement.title == "Maintenance, updated"


def test_bad_input_is_shown_on_the_form(admin_user):
    client = logged_in(admin_user)
    response = client.post(ADD, form(role="", scheduled_at="2001-01-01 10:00"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose a role" in page or "A schedule time must be in the future" in page
    response = client.post(ADD, form(target="course"))
    assert response.status_code == 200 and "No such course" in response.content.decode()
    assert not Announcement.objects.exists()


def test_teachers_and_learners_have_no_announcements_screen(teacher, student):
    response = logged_in(teacher).get(LIST)
    assert response.status_code == 302 and response["Location"] == "/admin/"  # Wagtail's "no permission"
    assert logged_in(teacher).post(ADD, form(send_now="on")).status_code == 302
    assert not Announcement.objects.exists()
    assert "Announcements" not in logged_in(teacher).get("/admin/").content.decode()
    response = logged_in(student).get(LIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
