"""The user row behind an access token is cached in Redis (learning/accounts/user_cache.py):
a warm request reads no user row, and every way a user changes is seen at once."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.accounts.tokens import tokens_for_user
from learning.accounts.user_cache import _block_key, _key
from site_config.redis import redis_client

from .helpers import assert_error

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not settings.REDIS_URL, reason="the cache exists only with Redis: runs in the PostgreSQL + Redis pass"
    ),
]

ME = "/api/v1/auth/me/"
LOGOUT = "/api/v1/auth/logout/"


def user_row_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "accounts_user" WHERE "accounts_user"."id" =' in q["sql"]]


@pytest.fixture
def warm(make_api):
    """A client whose user is in the cache (one request made), and its tokens. The
    user was just saved by its fixture, which refuses caching for BLOCK_SECONDS: this
    stands for a moment later."""

    def make(user):
        redis_client().delete(_block_key(_key(user.pk)))
        tokens = tokens_for_user(user)
        client = make_api().bearer(tokens["access"])
        assert client.get(ME).status_code == 200
        assert redis_client().get(_key(user.pk)) is not None
        return client, tokens

    return make


def test_a_warm_request_reads_no_user_row(warm, student):
    client, _ = warm(student)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ME).status_code == 200
    assert user_row_reads(queries.captured_queries) == []


def test_cold_request_reads_the_row_once_and_caches_it(make_api, student):
    redis_client().delete(_block_key(_key(student.pk)))
    client = make_api().bearer(tokens_for_user(student)["access"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ME).status_code == 200
    assert len(user_row_reads(queries.captured_queries)) == 1


def test_logout_everywhere_is_immediate_for_a_cached_user(warm, make_api, student):
    client, tokens = warm(student)
    response = make_api().post(LOGOUT, {"refresh": tokens["refresh"], "everywhere": True})
    assert response.status_code == 204
    assert_error(client.get(ME), 401, "token_revoked")


def test_deactivating_a_cached_user_is_immediate(warm, student):
    client, _ = warm(student)
    student.is_active = False
    student.save(update_fields=["is_active"])
    assert_error(client.get(ME), 401, "user_inactive")


def test_deleting_a_cached_user_is_immediate(warm, student):
    client, _ = warm(student)
    student.delete()
    assert_error(client.get(ME), 401, "user_not_found")


def test_a_changed_user_is_read_fresh(warm, student):
    client, _ = warm(student)
    student.email_verified = not student.email_verified
    student.save()
    assert client.get(ME).json()["email_verified"] == student.email_verified


def test_a_changed_user_is_not_cached_again_for_a_moment(warm, student):
    """A request that read the row just before a change committed must not put the old
    row back afterwards: each change leaves a marker that refuses writes for a moment."""
    from learning.accounts import user_cache

    client, _ = warm(student)
    student.display_name = "changed"
    student.save()
    key = _key(student.pk)
    assert redis_client().ttl(_block_key(key)) > 0
    assert client.get(ME).status_code == 200  # served from the database...
    assert redis_client().get(key) is None  # ...and not cached while the marker lives
    redis_client().delete(_block_key(key))
    assert client.get(ME).status_code == 200
    assert redis_client().get(key) is not None
    assert user_cache.BLOCK_SECONDS < settings.AUTH_USER_CACHE_SECONDS


def test_wagtail_bulk_deactivation_is_immediate_for_a_cached_user(warm, student, client):
    """Wagtail's bulk "set active state" writes with a queryset update (no post_save);
    the accounts app's hook drops the cached rows. (It needs accounts.change_user, which
    the admin role does not have: a superuser does it here.)"""
    from django.contrib.auth import get_user_model

    api, _ = warm(student)
    client.force_login(get_user_model().objects.create_superuser(email="root@example.test", password="x"))
    response = client.post(
        f"/admin/bulk/accounts/user/set_active_state/?id={student.pk}", {"mark_as_active": "False"}
    )
    assert response.status_code in (200, 302), response.content[:500]
    student.refresh_from_db()
    assert student.is_active is False
    assert_error(api.get(ME), 401, "user_inactive")


# --- roles travel with the cached row ---------------------------------------------------


def group_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if '"auth_group"' in q["sql"]]


def test_a_warm_request_asks_no_query_for_the_roles(warm, teacher):
    client, _ = warm(teacher)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ME)
    assert response.json()["roles"] == ["teacher"]
    assert group_reads(queries.captured_queries) == []
    assert user_row_reads(queries.captured_queries) == []


def _group(name):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=name)


ROLE_CHANGES = {
    # how the membership changes -> the roles the next request must see
    "user.groups.remove": (lambda user: user.groups.remove(_group("teacher")), []),
    "user.groups.set (the admin forms)": (lambda user: user.groups.set([_group("admin")]), ["admin"]),
    "user.groups.clear": (lambda user: user.groups.clear(), []),
    "user.groups.add": (lambda user: user.groups.add(_group("admin")), ["teacher", "admin"]),
    "group.user_set.remove": (lambda user: _group("teacher").user_set.remove(user), []),
    "group.user_set.add": (lambda user: _group("student").user_set.add(user), ["student", "teacher"]),
    "group.user_set.clear": (lambda user: _group("teacher").user_set.clear(), []),
    "the group deleted": (lambda user: _group("teacher").delete(), []),
    "the group renamed": (lambda user: _rename("teacher", "retired"), []),
    "made a superuser": (lambda user: _superuser(user), ["teacher", "admin"]),
}


def _rename(old, new):
    group = _group(old)
    group.name = new
    group.save()


def _superuser(user):
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])


@pytest.mark.parametrize("change", ROLE_CHANGES, ids=list(ROLE_CHANGES))
def test_a_role_change_is_immediate_for_a_cached_user(warm, teacher, change):
    """A teacher's roles are cached with the row; every way the membership or the
    group itself changes is seen by the very next request (roles decide what a user may
    read: a removed role must not live on for AUTH_USER_CACHE_SECONDS)."""
    client, _ = warm(teacher)
    assert client.get(ME).json()["roles"] == ["teacher"]
    do, expected = ROLE_CHANGES[change]
    teacher.refresh_from_db()
    do(teacher)
    assert client.get(ME).json()["roles"] == expected


def test_saving_a_role_group_without_renaming_it_keeps_the_entries(warm, teacher):
    """Editing a group's permissions saves it: no one's roles change, so its members'
    cached rows (possibly thousands) stay."""
    warm(teacher)
    group = _group("teacher")
    group.save()
    assert redis_client().get(_key(teacher.pk)) is not None


def test_deleting_an_organisation_is_immediate_for_its_cached_admin(warm, admin_user, client):
    """The members lose the organisation by one UPDATE (SET_NULL, no save signal): a
    cached organisation admin must not go on reading the dashboards of an organisation
    that is gone (learning/accounts/organisations.py)."""
    from learning.accounts.models import Organisation

    from .factories import UserFactory

    school = Organisation.objects.create(name="Gone School", slug="gone")
    head = UserFactory(email="head@gone.test", role="student", organisation=school, organisation_admin=True)
    api, _ = warm(head)
    dashboard = "/api/v1/analytics/dashboards/active_learners/"
    assert api.get(dashboard).status_code == 200
    client.force_login(admin_user)
    deleted = client.post(f"/admin/snippets/accounts/organisation/delete/{school.pk}/")
    assert deleted.status_code == 302 and not Organisation.objects.filter(pk=school.pk).exists()
    assert_error(api.get(dashboard), 403, "permission_denied")
