"""Fixtures shared by every test: an API client, users per role, a throwaway
MEDIA_ROOT, and a cache emptied between tests (throttles live there)."""

from datetime import UTC

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

# Shared fixtures of the apps: content (course_index, build_course); the real S3 server
# for storage tests (s3_server, s3_media: site_config/tests/s3_server.py).
pytest_plugins = ["cms.tests.fixtures", "tests.browser", "site_config.tests.s3_server"]


@pytest.hookimpl(tryfirst=True)  # before `-m` selects: the serial marker must be there
def pytest_collection_modifyitems(items):
    """Every transactional test gets `serialized_rollback`: a transactional test ends
    with a flush, which would also wipe what data migrations created (Wagtail's root
    page, the role groups, the review workflow) for the tests after it.

    Browser tests are `serial` too: a real Chromium clicking through the editor races its
    own JavaScript (debounced saves, menus) when other test processes load the machine,
    so `make test` runs them alone after the parallel pass."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("serial"):
            item.add_marker(pytest.mark.serial)
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(
                pytest.mark.django_db(**(marker.kwargs | {"serialized_rollback": True})), append=False
            )


@pytest.fixture(scope="session", autouse=True)
def _no_audit_diffs_while_the_database_is_restored():
    """A transactional test starts by restoring what the migrations made (serialized
    rollback: Django deserializes it, rows and then m2m sets). django-auditlog hears the
    m2m sets of audited models (a group's permissions) and writes an entry whose content
    type row it creates on the spot, before the serialized content types are loaded:
    the load then hits their unique constraint. A restore is not a change to audit."""
    from auditlog.context import disable_auditlog
    from django.db.backends.base.creation import BaseDatabaseCreation

    restore = BaseDatabaseCreation.deserialize_db_from_string

    def deserialize_db_from_string(self, data):
        with disable_auditlog():
            return restore(self, data)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseDatabaseCreation, "deserialize_db_from_string", deserialize_db_from_string)
        yield


@pytest.fixture(autouse=True)
def _empty_audit_log_before_flush(request):
    """The audit table is append-only down to a database trigger (learning/audit), which
    refuses the DELETE/TRUNCATE of Django's flush that ends a transactional test. Before
    that flush (this fixture is torn down first, being set up after the database), the
    table is emptied through the one sanctioned path, the retention purge's."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    from datetime import datetime

    from learning.audit.services import _delete_before

    _delete_before(datetime(9999, 1, 1, tzinfo=UTC))


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def uncached_users(settings):
    """For tests that compare the query counts of two requests: the user behind the token
    is read from the database every time. With Redis, the user cache refuses to re-cache a
    user for 10 s after a change (learning/accounts/user_cache.py), so whether a request
    reads the user row would otherwise depend on how long the test's setup took."""
    settings.AUTH_USER_CACHE_SECONDS = 0


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


# --- users per role (groups from learning/accounts/migrations/0002_roles.py) ---


@pytest.fixture
def student(db):
    from learning.accounts.tests.factories import UserFactory

    return UserFactory(email="student@example.test", role="student")


@pytest.fixture
def teacher(db):
    from learning.accounts.tests.factories import UserFactory

    return UserFactory(email="teacher@example.test", role="teacher")


@pytest.fixture
def other_teacher(db):
    from learning.accounts.tests.factories import UserFactory

    return UserFactory(email="other-teacher@example.test", role="teacher")


@pytest.fixture
def admin_user(db):
    """An admin by group (not a superuser), so tests exercise the role path.
    Overrides pytest-django's fixture of the same name."""
    from learning.accounts.tests.factories import UserFactory

    return UserFactory(email="admin@example.test", role="admin")


@pytest.fixture
def auth_client(db):
    """`auth_client(user)` → an APIClient sending a real access JWT for that user;
    `auth_client(None)` → an anonymous client."""
    from learning.accounts.tokens import tokens_for_user

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(user)['access']}")
        return client

    return make
