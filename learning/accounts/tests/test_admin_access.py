"""Email logins outside the API: createsuperuser, the Wagtail editor, Django admin;
and what each role may do there."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from .factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_createsuperuser_takes_an_email(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "root-Password-1234")
    call_command("createsuperuser", "--email", "Root@Example.test", "--noinput", verbosity=0)
    user = get_user_model().objects.get(email__iexact="root@example.test")
    assert user.is_superuser and user.is_staff and user.check_password("root-Password-1234")


def _wagtail_login(email, password=DEFAULT_PASSWORD) -> Client:
    client = Client()
    response = client.post("/admin/login/", {"username": email, "password": password})
    assert response.status_code == 302, response.content[:500]
    return client


def test_teacher_logs_into_wagtail_with_email_any_case(teacher):
    client = _wagtail_login(teacher.email.upper())
    assert client.get("/admin/").status_code == 200


def test_admin_logs_into_wagtail_and_django_admin(admin_user):
    client = _wagtail_login(admin_user.email)
    assert client.get("/admin/").status_code == 200
    assert client.get("/django-admin/").status_code == 200
    # audit log entries are readable for admins
    assert client.get("/django-admin/audit/auditentry/").status_code == 200


def test_student_has_no_editor_access(student):
    client = Client()
    client.post("/admin/login/", {"username": student.email, "password": DEFAULT_PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get("/django-admin/").status_code == 302


def test_teacher_cannot_read_the_audit_log(teacher):
    client = _wagtail_login(teacher.email)
    assert client.get("/django-admin/audit/auditentry/").status_code == 302


def test_wrong_password_is_refused_by_wagtail(teacher):
    response = Client().post("/admin/login/", {"username": teacher.email, "password": "nope-nope-nope"})
    assert response.status_code == 200  # the form again, with an error


def test_superuser_manages_users_in_django_admin():
    root = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(root)
    response = client.post(
        "/django-admin/accounts/user/add/",
        {
            "email": "NewTeacher@example.test",
            "password1": "plum-Tractor-galaxy-81",
            "password2": "plum-Tractor-galaxy-81",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    created = get_user_model().objects.get(email="NewTeacher@example.test")
    assert created.check_password("plum-Tractor-galaxy-81")
    assert client.get(f"/django-admin/accounts/user/{created.pk}/change/").status_code == 200


def test_user_changes_are_audited_without_secrets(student):
    from learning.audit.models import AuditEntry as LogEntry

    student.display_name = "Renamed"
    student.set_password("another-Secret-99")
    student.save()
    entry = (
        LogEntry.objects.get_for_object(student).filter(event="model.update").order_by("-timestamp").first()
    )
    assert entry is not None and "display_name" in entry.changes_dict
    assert "password" not in entry.changes_dict and "last_login" not in entry.changes_dict
    # the password change itself is an explicit event, without the hash
    changed = LogEntry.objects.get_for_object(student).get(event="auth.password_changed")
    assert changed.changes is None


def test_admin_makes_a_teacher_in_wagtails_user_screens():
    from django.contrib.auth.models import Group

    from learning.accounts.roles import user_roles

    root = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(root)
    form = client.get("/admin/users/new/")
    assert form.status_code == 200 and b'name="email"' in form.content
    response = client.post(
        "/admin/users/new/",
        {
            "email": "Wagtail.Teacher@example.test",
            "first_name": "Wag",
            "last_name": "Tail",
            "password1": "plum-Tractor-galaxy-81",
            "password2": "plum-Tractor-galaxy-81",
            "groups": [Group.objects.get(name="teacher").pk],
        },
    )
    assert response.status_code == 302
    created = get_user_model().objects.get(email="Wagtail.Teacher@example.test")
    assert user_roles(created) == ["teacher"] and created.check_password("plum-Tractor-galaxy-81")
    assert (
        _wagtail_login("wagtail.teacher@example.test", "plum-Tractor-galaxy-81").get("/admin/").status_code
        == 200
    )


def test_one_time_codes_are_visible_to_support_without_the_hash(api, admin_user):
    from learning.accounts.models import OneTimeCode

    root = UserFactory(is_superuser=True, is_staff=True)
    api.post("/api/v1/auth/password/reset/", {"email": admin_user.email})
    otp = OneTimeCode.objects.get()
    client = Client()
    client.force_login(root)
    page = client.get(f"/django-admin/accounts/onetimecode/{otp.pk}/change/")
    assert page.status_code == 200
    assert otp.code_hash.encode() not in page.content and b"code_hash" not in page.content
    assert client.get("/django-admin/accounts/onetimecode/").status_code == 200
