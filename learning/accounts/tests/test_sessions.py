"""Signup, login, refresh rotation, logout, me: end to end through the HTTP API."""

import re

import jwt
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.accounts.tokens import tokens_for_user

from .factories import DEFAULT_PASSWORD, UserFactory
from .helpers import assert_error

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup/"
LOGIN = "/api/v1/auth/login/"
REFRESH = "/api/v1/auth/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/auth/me/"
GOOD_PASSWORD = "plum-Tractor-galaxy-81"


def _login(api, user, password=DEFAULT_PASSWORD):
    response = api.post(LOGIN, {"email": user.email, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def test_signup_creates_an_unverified_student_signed_in_and_mails_a_code(api, mailoutbox):
    response = api.post(
        SIGNUP, {"email": "Ann@Example.TEST", "password": GOOD_PASSWORD, "display_name": "Ann"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"]["email"] == "Ann@example.test"  # domain lower-cased, local part kept
    assert body["user"]["email_verified"] is False
    assert body["user"]["roles"] == ["student"]
    assert body["user"]["display_name"] == "Ann"
    assert api.bearer(body["access"]).get(ME).json()["id"] == body["user"]["id"]
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["Ann@example.test"]
    user = get_user_model().objects.get(pk=body["user"]["id"])
    assert user.check_password(GOOD_PASSWORD) and user.is_active


def test_signup_email_is_unique_without_regard_to_case(api, student):
    response = api.post(SIGNUP, {"email": student.email.upper(), "password": GOOD_PASSWORD})
    assert_error(response, 400, "email_taken", "email")
    assert get_user_model().objects.count() == 1


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short1", "password_too_short"),
        ("password123", "password_too_common"),
        ("83920174628", "password_entirely_numeric"),
    ],
)
def test_signup_applies_django_password_validators(api, password, code):
    assert_error(api.post(SIGNUP, {"email": "x@example.test", "password": password}), 400, code, "password")
    assert not get_user_model().objects.exists()


def test_signup_password_similar_to_email_is_refused(api):
    response = api.post(
        SIGNUP, {"email": "marmaduke.pemberton@example.test", "password": "marmaduke.pemberton"}
    )
    assert_error(response, 400, "password_too_similar", "password")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "nope", "password": GOOD_PASSWORD},
        {"email": ["a@b.c"], "password": GOOD_PASSWORD},
        [1, 2],
    ],
)
def test_signup_bad_bodies_are_400(api, body):
    assert_error(api.post(SIGNUP, body, format="json"), 400)
    assert not get_user_model().objects.exists()


def test_login_returns_tokens_profile_and_roles(api, teacher):
    body = _login(api, teacher)
    assert set(body) == {"access", "refresh", "user"}
    assert body["user"]["roles"] == ["teacher"] and body["user"]["email_verified"] is True
    claims = jwt.decode(body["access"], options={"verify_signature": False})
    assert (
        claims["exp"] - claims["iat"]
        == 15 * 60
        == settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()
    )
    assert claims["token_type"] == "access"


def test_login_email_is_case_insensitive(api, student):
    response = api.post(LOGIN, {"email": student.email.upper(), "password": DEFAULT_PASSWORD})
    assert response.status_code == 200


def test_wrong_password_unknown_email_and_disabled_account_look_alike(api, student):
    disabled = UserFactory(is_active=False)
    answers = [
        api.post(LOGIN, {"email": student.email, "password": "wrong-password-1"}),
        api.post(LOGIN, {"email": "nobody@example.test", "password": DEFAULT_PASSWORD}),
        api.post(LOGIN, {"email": disabled.email, "password": DEFAULT_PASSWORD}),
    ]
    bodies = {str(assert_error(r, 401, "invalid_credentials")) for r in answers}
    assert len(bodies) == 1
    assert all(r["WWW-Authenticate"].startswith("Bearer") for r in answers)


def test_refresh_rotates_and_a_rotated_token_is_rejected(api, student):
    first = _login(api, student)
    second = api.post(REFRESH, {"refresh": first["refresh"]})
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh"] != first["refresh"]
    assert api.bearer(rotated["access"]).get(ME).status_code == 200
    # the new one works, once
    newer = api.post(REFRESH, {"refresh": rotated["refresh"]})
    assert newer.status_code == 200
    assert_error(api.post(REFRESH, {"refresh": rotated["refresh"]}), 401, "token_reused")


def test_reusing_a_rotated_refresh_token_revokes_every_token_of_its_session(api, make_api, student):
    """Family revocation: a rotated token coming back means two parties hold the
    session. Both the thief's newer tokens and the victim's stop working; the user's
    other sessions do not."""
    victim = _login(make_api(), student)
    laptop = _login(make_api(), student)
    thief = make_api().post(REFRESH, {"refresh": victim["refresh"]}).json()
    thief_next = make_api().post(REFRESH, {"refresh": thief["refresh"]}).json()
    body = assert_error(make_api().post(REFRESH, {"refresh": victim["refresh"]}), 401, "token_reused")
    assert "Log in again" in body["errors"][0]["detail"]
    for tokens in (victim, thief, thief_next):
        assert_error(make_api().bearer(tokens["access"]).get(ME), 401, "token_revoked")
    assert_error(make_api().post(REFRESH, {"refresh": thief_next["refresh"]}), 401, "token_not_valid")
    assert make_api().bearer(laptop["access"]).get(ME).status_code == 200
    assert make_api().post(REFRESH, {"refresh": laptop["refresh"]}).status_code == 200
    assert make_api().bearer(_login(api, student)["access"]).get(ME).status_code == 200


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "x" * 4000])
def test_refresh_with_junk_is_401_or_400(api, token):
    response = api.post(REFRESH, {"refresh": token})
    assert_error(response, 400 if token == "" else 401)


def test_an_access_token_is_not_a_refresh_token(api, student):
    tokens = _login(api, student)
    assert_error(api.post(REFRESH, {"refresh": tokens["access"]}), 401, "token_not_valid")
    assert_error(api.bearer(tokens["refresh"]).get(ME), 401, "token_not_valid")


def test_logout_then_refresh_is_rejected(api, student):
    tokens = _login(api, student)
    assert api.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 204
    assert_error(api.post(REFRESH, {"refresh": tokens["refresh"]}), 401, "token_not_valid")
    assert_error(api.post(LOGOUT, {"refresh": tokens["refresh"]}), 401, "token_not_valid")


@pytest.mark.parametrize(
    "cached",
    [
        pytest.param(True, marks=pytest.mark.skipif(not settings.REDIS_URL, reason="the cache needs Redis")),
        False,
    ],
)
def test_logout_revokes_the_access_tokens_of_its_session_at_once(make_api, student, settings, cached):
    settings.AUTH_USER_CACHE_SECONDS = 60 if cached else 0
    phone, laptop = _login(make_api(), student), _login(make_api(), student)
    rotated = make_api().post(REFRESH, {"refresh": phone["refresh"]}).json()
    for tokens in (phone, rotated, laptop):
        assert make_api().bearer(tokens["access"]).get(ME).status_code == 200  # cached, if on
    assert make_api().post(LOGOUT, {"refresh": rotated["refresh"]}).status_code == 204
    for tokens in (phone, rotated):
        assert_error(make_api().bearer(tokens["access"]).get(ME), 401, "token_revoked")
    assert make_api().bearer(laptop["access"]).get(ME).status_code == 200


def test_the_revocation_check_reads_nothing_more_than_the_user_row(make_api, student, settings):
    """Embedded default (no cache): a request with revoked sessions on record still
    reads the user row once and nothing else about sessions."""
    settings.AUTH_USER_CACHE_SECONDS = 0
    signed_out, live = _login(make_api(), student), _login(make_api(), student)
    assert make_api().post(LOGOUT, {"refresh": signed_out["refresh"]}).status_code == 204
    client = make_api().bearer(live["access"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ME).status_code == 200
    tables = [re.findall(r'FROM "(\w+)"', q["sql"]) for q in queries.captured_queries]
    assert tables == [["accounts_user"], ["auth_group"]], tables  # the user, its roles (`me`)


def test_too_many_revoked_sessions_at_once_sign_the_user_out_everywhere(make_api, student, settings):
    settings.AUTH_REVOKED_SESSIONS_MAX = 2
    sessions = [_login(make_api(), student) for _ in range(4)]
    for tokens in sessions[:2]:
        assert make_api().post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 204
    assert make_api().bearer(sessions[3]["access"]).get(ME).status_code == 200
    assert make_api().post(LOGOUT, {"refresh": sessions[2]["refresh"]}).status_code == 204
    assert_error(make_api().bearer(sessions[3]["access"]).get(ME), 401, "token_revoked")
    assert_error(make_api().post(REFRESH, {"refresh": sessions[3]["refresh"]}), 401, "token_not_valid")
    student.refresh_from_db()
    assert student.revoked_sessions == {}


def test_logout_keeps_other_sessions(api, make_api, student):
    phone, laptop = _login(api, student), _login(make_api(), student)
    assert api.post(LOGOUT, {"refresh": phone["refresh"]}).status_code == 204
    assert api.post(REFRESH, {"refresh": laptop["refresh"]}).status_code == 200


def test_logout_everywhere_kills_every_refresh_and_access_token(api, make_api, student, teacher):
    phone, laptop, tablet = (_login(make_api(), student) for _ in range(3))
    rotated = api.post(REFRESH, {"refresh": tablet["refresh"]}).json()
    other_user = _login(make_api(), teacher)
    assert api.post(LOGOUT, {"refresh": phone["refresh"], "everywhere": True}).status_code == 204
    for session in (phone, laptop, rotated):
        assert_error(make_api().post(REFRESH, {"refresh": session["refresh"]}), 401, "token_not_valid")
        assert_error(make_api().bearer(session["access"]).get(ME), 401, "token_revoked")
    # another user's sessions are untouched
    assert make_api().bearer(other_user["access"]).get(ME).status_code == 200
    assert make_api().post(REFRESH, {"refresh": other_user["refresh"]}).status_code == 200
    # logging in again works
    assert make_api().bearer(_login(api, student)["access"]).get(ME).status_code == 200


def test_disabled_account_cannot_refresh(api, student):
    tokens = _login(api, student)
    student.is_active = False
    student.save()
    assert_error(api.post(REFRESH, {"refresh": tokens["refresh"]}), 401, "token_not_valid")


def test_deleted_account_token_is_401_not_500(api, student):
    tokens = _login(api, student)
    student.delete()
    assert_error(api.post(REFRESH, {"refresh": tokens["refresh"]}), 401)
    assert_error(api.bearer(tokens["access"]).get(ME), 401)


def test_me_needs_a_token(api):
    assert_error(api.get(ME), 401, "not_authenticated")
    assert_error(api.bearer("not-a-jwt").get(ME), 401, "token_not_valid")


def test_a_stale_bearer_header_does_not_block_login(api, student):
    api.bearer("expired-or-garbage")
    assert api.post(LOGIN, {"email": student.email, "password": DEFAULT_PASSWORD}).status_code == 200


def test_tokens_signed_with_another_key_are_rejected(api, student):
    forged = jwt.encode(
        {"token_type": "access", "user_id": str(student.pk), "exp": 4102444800, "iat": 1, "jti": "x"},
        "not-the-key-but-long-enough-for-hs256-0123456789",
        algorithm="HS256",
    )
    assert_error(api.bearer(forged).get(ME), 401, "token_not_valid")


@pytest.mark.parametrize(
    "cached",
    [
        pytest.param(True, marks=pytest.mark.skipif(not settings.REDIS_URL, reason="the cache needs Redis")),
        False,
    ],
)
def test_simplejwt_password_claim_is_checked_when_turned_on(make_api, student, settings, monkeypatch, cached):
    """Authentication reads the user itself (cached or not), so it keeps simplejwt's
    optional CHECK_REVOKE_TOKEN check instead of silently dropping it. (simplejwt
    rebinds its settings object when SIMPLE_JWT changes, which modules that imported it
    never see: the switch is set on the object they share.)"""
    from rest_framework_simplejwt.settings import api_settings

    monkeypatch.setattr(api_settings, "CHECK_REVOKE_TOKEN", True)
    settings.AUTH_USER_CACHE_SECONDS = 60 if cached else 0
    client = make_api().bearer(tokens_for_user(student)["access"])
    assert client.get(ME).status_code == 200
    student.set_password("an-entirely-new-Passphrase-42")
    student.save()
    assert_error(client.get(ME), 401, "password_changed")


def test_a_token_seen_before_is_refused_once_it_expires(make_api, student):
    """Each process remembers the tokens whose signature it verified (authentication.py):
    that must never stretch a token's life. The same bytes, accepted a moment ago, are
    refused the moment they expire, with the error a fresh check gives."""
    import time

    from rest_framework_simplejwt.tokens import AccessToken

    from learning.accounts.authentication import GENERATION_CLAIM

    token = AccessToken.for_user(student)
    token[GENERATION_CLAIM] = student.token_generation
    token["exp"] = int(time.time()) + 5  # at least 4 s for the two reads before it expires
    raw = str(token)
    client = make_api().bearer(raw)
    assert client.get(ME).status_code == 200
    assert client.get(ME).status_code == 200  # remembered now
    time.sleep(max(0.0, token["exp"] - time.time()) + 0.2)
    assert_error(client.get(ME), 401, "token_not_valid")
    assert_error(make_api().bearer(raw).get(ME), 401, "token_not_valid")


def test_a_remembered_token_with_its_signature_changed_is_refused(make_api, student):
    """Remembered by the exact bytes: the same claims under another signature are a
    different token and get the full check."""
    raw = tokens_for_user(student)["access"]
    assert make_api().bearer(raw).get(ME).status_code == 200
    header, payload, signature = raw.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    assert_error(make_api().bearer(tampered).get(ME), 401, "token_not_valid")
