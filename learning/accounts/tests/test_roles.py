"""The role contract: groups and their permissions from the migration, role helpers,
permission classes, fixtures."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIRequestFactory

from learning.accounts.permissions import (
    IsAdmin,
    IsOwner,
    IsOwnerOrAdmin,
    IsStudent,
    IsTeacher,
    IsTeacherOrAdmin,
    IsVerified,
)
from learning.accounts.roles import Role, user_has_role, user_roles
from learning.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _perms(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_migration_creates_the_three_groups_with_editor_and_audit_permissions():
    assert set(Group.objects.filter(name__in=Role.values).values_list("name", flat=True)) == set(Role.values)
    assert "wagtailadmin.access_admin" not in _perms("student")
    assert {"wagtailadmin.access_admin"} <= _perms("teacher")
    assert "auditlog.view_logentry" not in _perms("teacher")
    assert {"wagtailadmin.access_admin", "auditlog.view_logentry"} <= _perms("admin")


def test_role_users_have_matching_django_permissions(student, teacher, admin_user):
    assert not student.has_perm("wagtailadmin.access_admin")
    assert teacher.has_perm("wagtailadmin.access_admin")
    assert not teacher.has_perm("auditlog.view_logentry")
    assert admin_user.has_perm("wagtailadmin.access_admin")
    assert admin_user.has_perm("auditlog.view_logentry")


def test_user_roles(student, teacher, admin_user):
    superuser = UserFactory(is_superuser=True)
    both = UserFactory(role=["student", "teacher"])
    assert user_roles(student) == ["student"]
    assert user_roles(teacher) == ["teacher"]
    assert user_roles(admin_user) == ["admin"]
    assert user_roles(superuser) == ["admin"]
    assert user_roles(both) == ["student", "teacher"]
    assert user_roles(None) == []
    assert user_has_role(teacher, Role.TEACHER) and not user_has_role(teacher, "admin")


def test_user_roles_costs_at_most_one_query_and_uses_prefetch(django_assert_num_queries, teacher):
    from django.contrib.auth import get_user_model

    fresh = get_user_model().objects.get(pk=teacher.pk)
    with django_assert_num_queries(1):
        user_roles(fresh)
        user_roles(fresh)
        user_has_role(fresh, "admin")
    prefetched = get_user_model().objects.prefetch_related("groups").get(pk=teacher.pk)
    with django_assert_num_queries(0):
        assert user_roles(prefetched) == ["teacher"]


def _request(user):
    request = APIRequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize(
    ("permission", "allowed"),
    [
        (IsStudent, {"student"}),
        (IsTeacher, {"teacher"}),
        (IsAdmin, {"admin", "superuser"}),
        (IsTeacherOrAdmin, {"teacher", "admin", "superuser"}),
    ],
)
def test_role_permission_classes(permission, allowed, student, teacher, admin_user):
    from django.contrib.auth.models import AnonymousUser

    users = {
        "anonymous": AnonymousUser(),
        "student": student,
        "teacher": teacher,
        "admin": admin_user,
        "superuser": UserFactory(is_superuser=True),
    }
    granted = {name for name, user in users.items() if permission().has_permission(_request(user), None)}
    assert granted == allowed


def test_is_verified(student):
    assert IsVerified().has_permission(_request(student), None)
    student.email_verified = False
    assert not IsVerified().has_permission(_request(student), None)


class _Owned:
    def __init__(self, user_id=None, owner_id=None):
        if user_id is not None:
            self.user_id = user_id
        if owner_id is not None:
            self.owner_id = owner_id


def test_owner_checks(student, teacher, admin_user):
    mine, theirs = _Owned(user_id=student.pk), _Owned(owner_id=teacher.pk)
    assert IsOwner().has_object_permission(_request(student), None, mine)
    assert not IsOwner().has_object_permission(_request(student), None, theirs)
    assert IsOwner().has_object_permission(_request(teacher), None, theirs)
    assert IsOwner().has_object_permission(_request(student), None, student)
    assert not IsOwner().has_object_permission(_request(student), None, teacher)
    assert not IsOwner().has_object_permission(_request(student), None, object())
    assert IsOwnerOrAdmin().has_object_permission(_request(admin_user), None, mine)
    assert not IsOwnerOrAdmin().has_object_permission(_request(teacher), None, mine)


def test_auth_client_sends_a_real_jwt(auth_client, student):
    from rest_framework_simplejwt.authentication import JWTAuthentication

    client = auth_client(student)
    header = client._credentials["HTTP_AUTHORIZATION"]
    token = JWTAuthentication().get_validated_token(header.split()[1].encode())
    assert int(token["user_id"]) == student.pk
    assert auth_client(None)._credentials == {}
