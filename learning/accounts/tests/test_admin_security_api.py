"""Admins' account-security API (/api/v1/admin/...): the login lockout's locks made
visible and liftable, and "sign this user out everywhere" (API refresh and access
tokens, editor sessions). Real HTTP through the test clients; every change audited."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from learning.audit.models import AuditEntry

from .factories import DEFAULT_PASSWORD
from .helpers import assert_error

pytestmark = pytest.mark.django_db
WRONG = "guess-123456"


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.AXES_FAILURE_LIMIT = 3
    settings.AUTH_THROTTLE_RATES = {
        **settings.AUTH_THROTTLE_RATES,
        "login": "1000/min",
        "login_email": "1000/hour",
    }


def _editor_login(email, password, ip="203.0.113.50"):
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT="lock-test")
    return client, client.post("/admin/login/", {"username": email, "password": password})


def test_lockout_after_n_failures_is_listed_and_lifted_by_an_admin(teacher, admin_user, auth_client):
    for _ in range(2):
        assert _editor_login(teacher.email, WRONG)[1].status_code == 200
    assert _editor_login(teacher.email, WRONG)[1].status_code == 429  # the third failure locks
    assert _editor_login(teacher.email, DEFAULT_PASSWORD)[1].status_code == 429
    api_login = APIClient().post(
        "/api/v1/auth/login/", {"email": teacher.email, "password": DEFAULT_PASSWORD}, format="json"
    )
    assert_error(api_login, 429, "login_locked_out")

    assert_error(auth_client(teacher).get("/api/v1/admin/login-locks/"), 403)
    listed = auth_client(admin_user).get("/api/v1/admin/login-locks/")
    assert listed.status_code == 200
    locks = listed.json()["results"]
    assert [(lock["kind"], lock["subject"]) for lock in locks] == [("account", teacher.email)]
    assert locks[0]["failures"] == 3 and locks[0]["lifted_at"] is None

    # the lock is visible in Django admin too
    root = Client()
    root.force_login(admin_user)
    page = root.get("/django-admin/accounts/loginlock/")
    assert page.status_code == 200 and teacher.email.encode() in page.content

    lifted = auth_client(admin_user).delete(f"/api/v1/admin/login-locks/{locks[0]['id']}/")
    assert lifted.status_code == 200 and lifted.json()["lifted_by"] == admin_user.pk
    assert auth_client(admin_user).get("/api/v1/admin/login-locks/").json()["results"] == []
    assert_error(auth_client(admin_user).delete(f"/api/v1/admin/login-locks/{locks[0]['id']}/"), 404)

    client, response = _editor_login(teacher.email, DEFAULT_PASSWORD)
    assert response.status_code == 302 and "_auth_user_id" in client.session
    # the failure count started over: one more failure does not lock again
    assert _editor_login(teacher.email, WRONG)[1].status_code == 200

    locked = AuditEntry.objects.get(event="auth.locked_out")
    assert locked.remote_addr == "203.0.113.50" and locked.user_agent == "lock-test"
    assert locked.additional_data["subject"] == teacher.email
    lift = AuditEntry.objects.get(event="auth.lock_lifted")
    assert lift.actor_id == admin_user.pk and lift.remote_addr == "127.0.0.1"
    assert AuditEntry.objects.filter(event="auth.login_failed").count() >= 4


def test_an_admin_lists_and_revokes_every_session_of_a_user(teacher, admin_user, auth_client):
    api = APIClient()
    sessions = [
        api.post(
            "/api/v1/auth/login/", {"email": teacher.email, "password": DEFAULT_PASSWORD}, format="json"
        ).json()
        for _ in range(2)
    ]
    editor, response = _editor_login(teacher.email, DEFAULT_PASSWORD, ip="198.51.100.20")
    assert response.status_code == 302 and editor.get("/admin/").status_code == 200

    assert_error(auth_client(teacher).get(f"/api/v1/admin/users/{teacher.pk}/sessions/"), 403)
    listed = auth_client(admin_user).get(f"/api/v1/admin/users/{teacher.pk}/sessions/")
    assert listed.status_code == 200, listed.content
    body = listed.json()
    assert len(body["refresh_tokens"]) == 3  # the two logins and auth_client(teacher)'s
    assert [(s["ip"], s["user_agent"]) for s in body["editor_sessions"]] == [("198.51.100.20", "lock-test")]
    assert_error(auth_client(admin_user).get("/api/v1/admin/users/999999/sessions/"), 404)

    revoked = auth_client(admin_user).post(f"/api/v1/admin/users/{teacher.pk}/sessions/revoke/")
    assert revoked.status_code == 200 and revoked.json() == {"refresh_tokens_blacklisted": 3}

    for session in sessions:  # logged out everywhere: access and refresh tokens refused ...
        me = APIClient(HTTP_AUTHORIZATION=f"Bearer {session['access']}").get("/api/v1/auth/me/")
        assert_error(me, 401, "token_revoked")
        assert_error(
            APIClient().post("/api/v1/auth/refresh/", {"refresh": session["refresh"]}, format="json"), 401
        )
    # ... and the editor session is gone
    response = editor.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    after = auth_client(admin_user).get(f"/api/v1/admin/users/{teacher.pk}/sessions/").json()
    assert after == {"refresh_tokens": [], "editor_sessions": []}

    entry = AuditEntry.objects.get(event="auth.sessions_revoked_all")
    assert entry.actor_id == admin_user.pk and entry.object_pk == str(teacher.pk)
    assert entry.additional_data == {"reason": "admin_revoke", "refresh_tokens": 3, "editor_sessions": 1}
    assert entry.remote_addr == "127.0.0.1" and entry.cid
