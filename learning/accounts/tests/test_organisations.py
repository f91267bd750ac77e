"""Organisations (schools): admins manage them in the Wagtail editor (a snippet) and
Django admin; a user is assigned in Django admin's user form; the user sees their
organisation in /me/ and cannot change it."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from learning.accounts.models import Organisation

from .factories import UserFactory
from .helpers import assert_error

pytestmark = pytest.mark.django_db

SNIPPETS = "/admin/snippets/accounts/organisation/"
ME = "/api/v1/auth/me/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_admins_manage_organisations_in_the_editor(admin_user):
    client = logged_in(admin_user)
    assert "Organisations" in client.get("/admin/").content.decode()
    response = client.post(SNIPPETS + "add/", {"name": "Hill School", "slug": "hill"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    school = Organisation.objects.get()
    assert (school.name, school.slug) == ("Hill School", "hill")
    assert "Hill School" in client.get(SNIPPETS).content.decode()

    # A second one with the same slug is refused on the form.
    again = client.post(SNIPPETS + "add/", {"name": "Hill Annexe", "slug": "hill"})
    assert again.status_code == 200 and Organisation.objects.count() == 1


@pytest.mark.parametrize("role", ["teacher", "student"])
def test_teachers_and_learners_have_no_organisations_screen(role):
    user = UserFactory(role=role)
    client = logged_in(user)
    home = client.get("/admin/")
    assert "Organisations" not in home.content.decode()
    assert client.get(SNIPPETS).status_code in (302, 403)
    assert client.post(SNIPPETS + "add/", {"name": "Mine", "slug": "mine"}).status_code in (302, 403)
    assert not Organisation.objects.exists()


def test_an_admin_assigns_a_user_in_django_admin_and_the_user_sees_it(api, student):
    school = Organisation.objects.create(name="Hill School", slug="hill")
    root = UserFactory(is_superuser=True, is_staff=True)
    client = logged_in(root)
    page = client.get(f"/django-admin/accounts/user/{student.pk}/change/")
    assert page.status_code == 200 and b'name="organisation"' in page.content
    response = client.post(
        f"/django-admin/accounts/user/{student.pk}/change/",
        {
            "email": student.email,
            "email_verified": "on",
            "display_name": "",
            "bio": "",
            "locale": "en",
            "time_zone": "UTC",
            "organisation": school.pk,
            "is_active": "on",
            "groups": [Group.objects.get(name="student").pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    student.refresh_from_db()
    assert student.organisation == school
    listing = client.get(f"/django-admin/accounts/user/?organisation__id__exact={school.pk}")
    assert listing.status_code == 200 and student.email in listing.content.decode()

    api.login_as(student)
    assert api.get(ME).json()["organisation"] == {"id": school.pk, "name": "Hill School", "slug": "hill"}
    # Read-only for the user.
    other = Organisation.objects.create(name="Vale School", slug="vale")
    assert_error(api.patch(ME, {"organisation": other.pk}), 400, "read_only_field", "non_field_errors")
    student.refresh_from_db()
    assert student.organisation == school


def test_no_organisation_reads_null_and_deleting_one_clears_its_members(api, student):
    api.login_as(student)
    assert api.get(ME).json()["organisation"] is None
    school = Organisation.objects.create(name="Hill School", slug="hill")
    student.organisation = school
    student.save()
    school.delete()
    student.refresh_from_db()
    assert student.organisation is None and student.is_active
    assert api.get(ME).json()["organisation"] is None
