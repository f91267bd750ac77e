"""A user's organisation changes in three places (learning/accounts/organisations.py):
Django admin's user form, the Wagtail organisation snippet and the organisation's
deletion. Each publishes OrganisationMembershipChanged once per change, after commit;
a save that leaves the organisation alone publishes nothing, and asks no query to know."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from learning.accounts.models import Organisation, User
from learning.events import OrganisationMembershipChanged, bus

from .factories import UserFactory

pytestmark = pytest.mark.django_db

SNIPPETS = "/admin/snippets/accounts/organisation/"


@pytest.fixture
def moves():
    """(user ids, organisation id) of every OrganisationMembershipChanged, in order."""
    seen = []

    def record(event):
        seen.append((sorted(event.user_ids), event.organisation_id))

    bus.subscribe(OrganisationMembershipChanged, record)
    yield seen
    bus.unsubscribe(OrganisationMembershipChanged, record)


@pytest.fixture
def schools(db):
    return (
        Organisation.objects.create(name="Hill School", slug="hill"),
        Organisation.objects.create(name="Vale School", slug="vale"),
    )


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_the_snippet_publishes_one_move_per_user_whose_organisation_changed(
    admin_client, schools, moves, django_capture_on_commit_callbacks
):
    hill, vale = schools
    UserFactory(email="stays@hill.test", organisation=hill)
    leaves = UserFactory(email="leaves@hill.test", organisation=hill)
    joins = UserFactory(email="joins@vale.test", organisation=vale)
    new = UserFactory(email="new@nowhere.test")
    flagged = UserFactory(email="head@hill.test", organisation=hill)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(
            f"{SNIPPETS}edit/{hill.pk}/",
            {
                "name": "Hill School",
                "slug": "hill",
                "remove_members": [leaves.pk],
                "add_members": "joins@vale.test\nnew@nowhere.test stays@hill.test",  # stays: already in
                "organisation_admins": [flagged.pk],  # a flag alone is no move
            },
        )
        assert response.status_code == 302, response.content.decode()[-2000:]
        assert moves == [], "nothing is told before the commit"
    assert callbacks
    assert sorted(moves) == sorted([([leaves.pk], None), ([joins.pk], hill.pk), ([new.pk], hill.pk)])


def test_the_user_form_publishes_a_move_and_other_saves_publish_nothing(
    schools, moves, django_capture_on_commit_callbacks
):
    hill, vale = schools
    user = UserFactory(email="mover@hill.test", organisation=hill)
    root = Client()
    root.force_login(UserFactory(is_superuser=True, is_staff=True))
    change = f"/django-admin/accounts/user/{user.pk}/change/"
    body = {
        "email": user.email,
        "email_verified": "on",
        "display_name": "Mover",
        "bio": "",
        "locale": "en",
        "time_zone": "UTC",
        "organisation": vale.pk,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = root.post(change, body)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert moves == [([user.pk], vale.pk)]

    # the same form again (the organisation as it is), a profile edit, a login: nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert root.post(change, body).status_code == 302
        loaded = User.objects.get(pk=user.pk)
        loaded.display_name = "Someone else"
        with CaptureQueriesContext(connection) as queries:
            loaded.save()
        loaded.last_login = loaded.date_joined
        loaded.save(update_fields=["last_login"])
    assert moves == [([user.pk], vale.pk)]
    assert organisation_reads(queries) == [], "known without a query"

    # a row loaded without the field (deferred) is read once before the save, and told
    with django_capture_on_commit_callbacks(execute=True):
        partial = User.objects.only("email").get(pk=user.pk)
        partial.organisation = hill
        with CaptureQueriesContext(connection) as queries:
            partial.save()
    assert moves == [([user.pk], vale.pk), ([user.pk], hill.pk)]
    assert len(organisation_reads(queries)) == 1


def organisation_reads(queries) -> list[str]:
    """The one query organisations.py may ask: the row's organisation, alone."""
    column = 'SELECT "accounts_user"."organisation_id"'
    heads = {column, column + ' AS "organisation_id"'}
    return [q["sql"] for q in queries.captured_queries if q["sql"].split(" FROM ", 1)[0] in heads]


def test_deleting_an_organisation_publishes_its_members_leaving(
    admin_client, schools, moves, django_capture_on_commit_callbacks
):
    hill, vale = schools
    members = [UserFactory(email=f"m{n}@hill.test", organisation=hill) for n in range(3)]
    UserFactory(email="v@vale.test", organisation=vale)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"{SNIPPETS}delete/{hill.pk}/")
    assert response.status_code == 302
    assert not User.objects.filter(organisation_id=hill.pk).exists()
    assert moves == [(sorted(m.pk for m in members), None)]
