"""Announcements to one organisation (school): admins only, through the API and the
editor; the fan-out reaches the organisation's active members and nobody else, in
batches with a bounded number of statements; members list it, others do not."""

import math
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.accounts.models import Organisation
from learning.accounts.tests.helpers import assert_error
from learning.notifications.models import Notification

from ..models import Announcement
from .helpers import AUTHOR, LEARNER, author_url, bulk_students
from .test_editor import ADD, _errors, form, logged_in

pytestmark = pytest.mark.django_db


def _body(**fields) -> dict:
    return {"title": "School trip", "body": "Bring a packed lunch.", "channels": ["in_app"]} | fields


@pytest.fixture
def school():
    return Organisation.objects.create(name="Hill School", slug="hill")


@pytest.fixture
def other_school():
    return Organisation.objects.create(name="Vale School", slug="vale")


def _join(organisation, *users):
    for user in users:
        user.organisation = organisation
        user.save()


def test_an_organisation_announcement_reaches_only_its_active_members(
    api, admin_user, student, teacher, other_teacher, school, other_school
):
    from learning.accounts.tests.factories import UserFactory

    gone = UserFactory(email="gone@example.test", role="student", is_active=False)
    elsewhere = UserFactory(email="elsewhere@example.test", role="student")
    UserFactory(email="nowhere@example.test", role="student")  # no organisation
    _join(school, student, teacher, gone)
    _join(other_school, elsewhere, other_teacher)

    api.login_as(admin_user)
    created = api.post(AUTHOR, _body(target="organisation", organisation=school.pk))
    assert created.status_code == 201, created.content
    assert (
        created.json()["target"],
        created.json()["organisation"],
        created.json()["organisation_name"],
    ) == (
        "organisation",
        school.pk,
        "Hill School",
    )
    sent = api.post(author_url(created.json()["id"], "send"))
    assert sent.status_code == 202, sent.content
    assert sent.json()["progress"]["recipient_count"] == 2

    announcement = Announcement.objects.get()
    assert announcement.status == "sent"
    recipients = set(Notification.objects.filter(key=announcement.key).values_list("recipient_id", flat=True))
    assert recipients == {student.pk, teacher.pk}

    # The members' list shows it (with the organisation's name); others' does not.
    listed = api.login_as(student).get(LEARNER).json()["results"]
    assert [(a["id"], a["target"], a["organisation_name"]) for a in listed] == [
        (announcement.pk, "organisation", "Hill School")
    ]
    assert api.get(f"{LEARNER}{announcement.pk}/").status_code == 200
    api.login_as(elsewhere)
    assert api.get(LEARNER).json()["results"] == []
    assert_error(api.get(f"{LEARNER}{announcement.pk}/"), 404)


def test_the_fan_out_to_an_organisation_is_batched(api, admin_user, school, settings):
    settings.ANNOUNCEMENT_BATCH_SIZE = 500
    members = bulk_students(1_200, prefix="hill")
    bulk_students(300, prefix="vale")  # not members
    get_user_model().objects.filter(pk__in=members).update(organisation=school)

    api.login_as(admin_user)
    created = api.post(AUTHOR, _body(target="organisation", organisation=school.pk)).json()
    with CaptureQueriesContext(connection) as queries:
        sent = api.post(author_url(created["id"], "send"))
    assert sent.status_code == 202 and sent.json()["progress"]["recipient_count"] == 1_200
    key = f"announcement:{created['id']}"
    assert set(Notification.objects.filter(key=key).values_list("recipient_id", flat=True)) == set(members)
    # Three batches (500, 500, 200) and a last empty look: per batch, a fixed number of
    # statements and the notifications' bulk INSERTs (as many rows per INSERT as the
    # database takes, up to 500), never one statement per recipient.
    per_insert = min(
        500,
        connection.ops.bulk_batch_size(
            [f for f in Notification._meta.concrete_fields if not f.primary_key], [None] * 500
        ),
    )
    expected = sum(math.ceil(batch / per_insert) for batch in (500, 500, 200))
    inserts = [q["sql"] for q in queries.captured_queries if re.match(r"\s*INSERT", q["sql"], re.I)]
    notification_inserts = [sql for sql in inserts if "notifications_notification" in sql]
    assert len(notification_inserts) == expected, (len(notification_inserts), expected)
    assert len(inserts) - len(notification_inserts) <= 4, inserts
    assert len(queries) <= 20 * 4 + expected + 30, len(queries)  # 1,200 recipients


def test_teachers_may_not_announce_to_an_organisation(api, teacher, school):
    _join(school, teacher)  # not even their own
    response = api.login_as(teacher).post(AUTHOR, _body(target="organisation", organisation=school.pk))
    assert_error(response, 400, "target_not_allowed", "target")
    assert not Announcement.objects.exists()


@pytest.mark.parametrize("organisation", [999_999, None, "missing"])
def test_an_unknown_or_missing_organisation_is_a_400(api, admin_user, organisation):
    body = _body(target="organisation")
    if organisation != "missing":
        body["organisation"] = organisation
    assert_error(api.login_as(admin_user).post(AUTHOR, body), 400, "does_not_exist", "organisation")
    assert not Announcement.objects.exists()


def test_other_targets_clear_the_organisation(api, admin_user, school):
    api.login_as(admin_user)
    created = api.post(AUTHOR, _body(target="organisation", organisation=school.pk)).json()
    changed = api.patch(author_url(created["id"]), {"target": "all"})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["organisation"], changed.json()["organisation_name"]) == (None, None)
    assert Announcement.objects.get().organisation_id is None


def test_an_admin_announces_to_an_organisation_from_the_editor(admin_user, student, teacher, school):
    from django.test import TestCase

    _join(school, student)
    client = logged_in(admin_user)
    page = client.get(ADD).content.decode()
    assert 'name="organisation"' in page and "Hill School" in page
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            ADD, form(target="organisation", role="", organisation=school.pk, send_now="on")
        )
    assert response.status_code == 302, _errors(response)
    announcement = Announcement.objects.get()
    assert (announcement.target, announcement.organisation, announcement.status) == (
        "organisation",
        school,
        "sent",
    )
    assert list(Notification.objects.filter(key=announcement.key).values_list("recipient", flat=True)) == [
        student.pk
    ]

    # Without the organisation the form says so.
    response = client.post(ADD, form(target="organisation", role="", organisation=""))
    assert response.status_code == 200 and "organisation" in _errors(response)
    assert Announcement.objects.count() == 1
