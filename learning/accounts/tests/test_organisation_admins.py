"""Organisation admins (docs/accounts.md#organisations): an organisation admin reads
their organisation (name, member counts by role) and its members through the API, and
nothing of another organisation; admins set members and the organisation-admin flag in
Django admin (the user form, the organisation's page) and in the Wagtail snippet, and
every change of the flag is in the audit log."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from learning.accounts.models import Organisation, User
from learning.audit.models import AuditEntry

from .factories import UserFactory
from .helpers import assert_error

pytestmark = pytest.mark.django_db

MINE = "/api/v1/organisations/mine/"
MEMBERS = "/api/v1/organisations/mine/members/"
SNIPPETS = "/admin/snippets/accounts/organisation/"


@pytest.fixture
def school(db):
    return Organisation.objects.create(name="Hill School", slug="hill")


@pytest.fixture
def vale(db):
    return Organisation.objects.create(name="Vale School", slug="vale")


@pytest.fixture
def head(school):
    return UserFactory(email="head@hill.test", role="teacher", organisation=school, organisation_admin=True)


@pytest.fixture
def hill_members(school, head):
    students = [UserFactory(email=f"s{n}@hill.test", role="student", organisation=school) for n in range(3)]
    teacher = UserFactory(email="t@hill.test", role="teacher", organisation=school)
    UserFactory(email="gone@hill.test", role="student", organisation=school, is_active=False)
    return {"students": students, "teacher": teacher, "head": head}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_organisation_admin_reads_their_organisation(auth_client, school, hill_members, vale):
    UserFactory(email="v@vale.test", role="student", organisation=vale)
    response = auth_client(hill_members["head"]).get(MINE)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": school.pk,
        "name": "Hill School",
        "slug": "hill",
        "members": {
            "member_count": 5,
            "organisation_admin_count": 1,
            "by_role": {"student": 3, "teacher": 2, "admin": 0},
        },
    }


def test_members_are_paginated_with_roles_and_flag_in_constant_queries(
    auth_client, hill_members, vale, django_assert_num_queries, uncached_users
):
    UserFactory(email="v@vale.test", role="student", organisation=vale)
    client = auth_client(hill_members["head"])
    # the caller, the organisation, the count, the page, the page's roles
    with django_assert_num_queries(5):
        full = client.get(MEMBERS)
    assert full.status_code == 200, full.content
    body = full.json()
    assert body["count"] == 5
    assert [(m["email"], m["roles"], m["organisation_admin"]) for m in body["results"]] == [
        ("head@hill.test", ["teacher"], True),
        ("s0@hill.test", ["student"], False),
        ("s1@hill.test", ["student"], False),
        ("s2@hill.test", ["student"], False),
        ("t@hill.test", ["teacher"], False),
    ]
    with django_assert_num_queries(5):
        page = client.get(MEMBERS + "?page_size=2&page=2")
    assert [m["email"] for m in page.json()["results"]] == ["s1@hill.test", "s2@hill.test"]
    teachers = client.get(MEMBERS + "?role=teacher").json()
    assert [m["email"] for m in teachers["results"]] == ["head@hill.test", "t@hill.test"]
    assert_error(client.get(MEMBERS + "?role=owner"), 400, "invalid_choice", "role")


def test_nobody_else_reads_an_organisation(auth_client, api_client, school, hill_members, vale, admin_user):
    vale_head = UserFactory(
        email="head@vale.test", role="student", organisation=vale, organisation_admin=True
    )
    # another organisation's admin reads only their own
    body = auth_client(vale_head).get(MEMBERS).json()
    assert [m["email"] for m in body["results"]] == ["head@vale.test"]
    assert auth_client(vale_head).get(MINE).json()["id"] == vale.pk
    # members who are not its admins, platform admins, anyone without an organisation
    flag_without_school = UserFactory(email="lost@nowhere.test", role="student", organisation_admin=True)
    for user in (hill_members["teacher"], hill_members["students"][0], admin_user, flag_without_school):
        assert_error(auth_client(user).get(MINE), 403)
        assert_error(auth_client(user).get(MEMBERS), 403)
    assert_error(api_client.get(MINE), 401)
    assert_error(api_client.get(MEMBERS), 401)


def test_losing_the_flag_or_the_organisation_ends_access(auth_client, school, head):
    client = auth_client(head)
    assert client.get(MINE).status_code == 200
    head.organisation_admin = False
    head.save()
    assert_error(client.get(MINE), 403)
    head.organisation_admin = True
    head.organisation = None
    head.save()
    assert_error(client.get(MEMBERS), 403)


def _flag_changes(user) -> list:
    return [
        entry.changes["organisation_admin"]
        for entry in AuditEntry.objects.filter(object_pk=str(user.pk), event="model.update").order_by("pk")
        if entry.changes and "organisation_admin" in entry.changes
    ]


def test_django_admin_sets_the_flag_in_the_user_form_audited(school):
    learner = UserFactory(email="l@hill.test", role="student", organisation=school)
    root = UserFactory(is_superuser=True, is_staff=True)
    client = logged_in(root)
    page = client.get(f"/django-admin/accounts/user/{learner.pk}/change/")
    assert b'name="organisation_admin"' in page.content
    response = client.post(
        f"/django-admin/accounts/user/{learner.pk}/change/",
        {
            "email": learner.email,
            "email_verified": "on",
            "display_name": "",
            "bio": "",
            "locale": "en",
            "time_zone": "UTC",
            "organisation": school.pk,
            "organisation_admin": "on",
            "is_active": "on",
            "groups": [Group.objects.get(name="student").pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    learner.refresh_from_db()
    assert learner.organisation_admin
    assert _flag_changes(learner) == [[False, True]]
    entry = AuditEntry.objects.get(
        object_pk=str(learner.pk), event="model.update", changes__has_key="organisation_admin"
    )
    assert entry.actor_id == root.pk


def test_django_admin_organisation_page_links_its_members_and_saves_with_a_small_post(school):
    """The page counts the members and links to them in the user list (filtered), and
    names the organisation admins; members are not rows of the page, so a school of
    1,200 renders small and saves without posting them (a post past
    DATA_UPLOAD_MAX_NUMBER_FIELDS, 1,000, is a 400 for Django)."""
    head = UserFactory(email="head@hill.test", role="teacher", organisation=school, organisation_admin=True)
    User.objects.bulk_create(
        User(email=f"pupil{n}@hill.test", username=f"pupil{n}@hill.test", organisation=school)
        for n in range(1200)
    )
    UserFactory(email="other@vale.test", role="student")
    root = UserFactory(is_superuser=True, is_staff=True)
    client = logged_in(root)
    url = f"/django-admin/accounts/organisation/{school.pk}/change/"
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "1201 members" in text and "head@hill.test" in text
    assert "pupil7@hill.test" not in text and len(page.content) < 200_000
    listed = client.get(f"/django-admin/accounts/user/?organisation__id__exact={school.pk}&q=pupil7%40")
    assert listed.status_code == 200 and "pupil7@hill.test" in listed.content.decode()
    assert (
        "other@vale.test"
        not in client.get(
            f"/django-admin/accounts/user/?organisation__id__exact={school.pk}&q=other"
        ).content.decode()
    )
    assert "1201" in client.get("/django-admin/accounts/organisation/").content.decode()

    response = client.post(url, {"name": "Hill Academy", "slug": "hill"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    school.refresh_from_db()
    assert school.name == "Hill Academy" and User.objects.filter(organisation=school).count() == 1201
    assert User.objects.get(pk=head.pk).organisation_admin


def test_the_snippet_sets_members_and_organisation_admins_audited(admin_user, school, vale):
    stays = UserFactory(email="stays@hill.test", role="student", organisation=school)
    leaves = UserFactory(
        email="leaves@hill.test", role="student", organisation=school, organisation_admin=True
    )
    joins = UserFactory(email="joins@vale.test", role="teacher", organisation=vale)
    client = logged_in(admin_user)
    url = f"{SNIPPETS}edit/{school.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="remove_members"' in page.content.decode()
    assert (
        'name="add_members"' in page.content.decode()
        and 'name="organisation_admins"' in page.content.decode()
    )

    # an organisation admin must be a member
    refused = client.post(
        url,
        {
            "name": "Hill School",
            "slug": "hill",
            "remove_members": [leaves.pk],
            "organisation_admins": [leaves.pk],
        },
    )
    assert refused.status_code == 200 and "must be members" in refused.content.decode()
    assert User.objects.get(pk=leaves.pk).organisation == school

    response = client.post(
        url,
        {
            "name": "Hill School",
            "slug": "hill",
            "remove_members": [leaves.pk],
            "add_members": "joins@vale.test",
            "organisation_admins": [joins.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    states = {
        u.email: (u.organisation_id, u.organisation_admin)
        for u in User.objects.filter(pk__in=[stays.pk, leaves.pk, joins.pk])
    }
    assert states == {
        "stays@hill.test": (school.pk, False),
        "leaves@hill.test": (None, False),
        "joins@vale.test": (school.pk, True),
    }
    assert _flag_changes(joins) == [[False, True]]
    assert _flag_changes(leaves) == [[True, False]]
    moved = AuditEntry.objects.get(
        object_pk=str(joins.pk), event="model.update", changes__has_key="organisation"
    )
    assert moved.actor_id == admin_user.pk and moved.changes["organisation"] == [vale.pk, school.pk]


def test_organisations_themselves_are_audited(admin_user):
    client = logged_in(admin_user)
    assert client.post(SNIPPETS + "add/", {"name": "New School", "slug": "new"}).status_code == 302
    school = Organisation.objects.get(slug="new")
    created = AuditEntry.objects.get(
        object_pk=str(school.pk), event="model.create", content_type__model="organisation"
    )
    assert created.actor_id == admin_user.pk


def test_a_new_organisation_gets_its_members_in_the_snippet(admin_user):
    learner = UserFactory(email="first@new.test", role="student")
    client = logged_in(admin_user)
    response = client.post(
        SNIPPETS + "add/",
        {
            "name": "New School",
            "slug": "new",
            "add_members": learner.email,
            "organisation_admins": [learner.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    learner.refresh_from_db()
    assert learner.organisation == Organisation.objects.get(slug="new") and learner.organisation_admin


def test_the_snippet_lists_its_members_only_and_posts_only_what_changes(admin_user, school, vale, settings):
    """The page never lists every account of the platform (a select of every user would
    be megabytes on a large one): its own members, to select for removal, and an "Add
    members" box of email addresses. A save naming an unknown or inactive address
    writes nothing."""
    member = UserFactory(email="member@hill.test", role="student", organisation=school)
    outsiders = [UserFactory(email=f"outsider{n}@elsewhere.test", role="student") for n in range(5)]
    moving = UserFactory(email="Mover@Vale.test", role="teacher", organisation=vale)
    UserFactory(email="asleep@elsewhere.test", role="student", is_active=False)
    client = logged_in(admin_user)
    url = f"{SNIPPETS}edit/{school.pk}/"
    page = client.get(url).content.decode()
    assert "member@hill.test" in page and 'name="add_members"' in page
    assert not any(u.email in page for u in [*outsiders, moving]), "only the members are listed"

    def post(add: str = "", **extra):
        return client.post(url, {"name": "Hill School", "slug": "hill", "add_members": add} | extra)

    refused = post("outsider0@elsewhere.test\nnobody@nowhere.test, asleep@elsewhere.test")
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "No active account has these addresses: nobody@nowhere.test, asleep@elsewhere.test." in text
    assert User.objects.filter(organisation=school).count() == 1, "nothing written"
    assert not any(u.email in text for u in outsiders[1:]), "an error page lists no one else either"
    # only members can be selected for removal; an id past 64 bits is no choice either
    # (handed to SQLite it would be an OverflowError, a 500)
    assert post(remove_members=[outsiders[1].pk]).status_code == 200
    for field in ("remove_members", "organisation_admins"):
        out_of_range = post(**{field: ["9" * 30]})
        assert out_of_range.status_code == 200 and "is not one of the available choices" in (
            out_of_range.content.decode()
        )
    assert User.objects.get(pk=outsiders[1].pk).organisation_id is None

    settings.ORGANISATION_ADD_MEMBERS_MAX = 3
    too_many = post(" ".join(u.email for u in outsiders))
    assert too_many.status_code == 200 and "At most 3 addresses at once" in too_many.content.decode()
    assert User.objects.filter(organisation=school).count() == 1

    # one per line, by commas or spaces, in any case, twice: each added once, and moved
    added = post(
        "OUTSIDER0@elsewhere.test, outsider1@elsewhere.test\n\nmover@vale.test  outsider0@elsewhere.test"
    )
    assert added.status_code == 302, added.content.decode()[-2000:]
    assert set(User.objects.filter(organisation=school).values_list("email", flat=True)) == {
        "member@hill.test",
        "outsider0@elsewhere.test",
        "outsider1@elsewhere.test",
        "Mover@Vale.test",
    }
    moved = AuditEntry.objects.get(
        object_pk=str(moving.pk), event="model.update", changes__has_key="organisation"
    )
    assert moved.changes["organisation"] == [vale.pk, school.pk] and moved.actor_id == admin_user.pk

    # the next page lists them; a member selected for removal leaves, the others stay
    page = client.get(url).content.decode()
    assert "outsider1@elsewhere.test" in page and "outsider2@elsewhere.test" not in page
    assert post(remove_members=[member.pk]).status_code == 302
    assert User.objects.get(pk=member.pk).organisation_id is None
    assert User.objects.filter(organisation=school).count() == 3


def test_a_school_of_thousands_is_edited_with_a_small_post(admin_user, school):
    """A save posts what changes, not every member: a post of the whole list of 1,200
    members would be past DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000), a 400 for Django."""
    User.objects.bulk_create(
        User(email=f"pupil{n}@hill.test", username=f"pupil{n}@hill.test", organisation=school)
        for n in range(1200)
    )
    newcomer = UserFactory(email="newcomer@elsewhere.test", role="student")
    client = logged_in(admin_user)
    url = f"{SNIPPETS}edit/{school.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "pupil1199@hill.test" in page.content.decode()
    leaving = User.objects.get(email="pupil7@hill.test")
    response = client.post(
        url,
        {
            "name": "Hill School",
            "slug": "hill",
            "remove_members": [leaving.pk],
            "add_members": newcomer.email,
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert User.objects.filter(organisation=school).count() == 1200
    assert User.objects.get(pk=newcomer.pk).organisation_id == school.pk
    assert User.objects.get(pk=leaving.pk).organisation_id is None
