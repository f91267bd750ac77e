"""Malformed bodies on every accounts endpoint: a 4xx in the one error shape, never a
500, never a write."""

import pytest
from django.contrib.auth import get_user_model

from learning.accounts.models import OneTimeCode

from .helpers import assert_error

pytestmark = pytest.mark.django_db

POSTS = [
    "/api/v1/auth/signup/",
    "/api/v1/auth/login/",
    "/api/v1/auth/refresh/",
    "/api/v1/auth/logout/",
    "/api/v1/auth/verify-email/",
    "/api/v1/auth/verify-email/resend/",
    "/api/v1/auth/password/reset/",
    "/api/v1/auth/password/reset/confirm/",
    "/api/v1/auth/password/change/",
]
BAD_BODIES = [
    ("{not json", "application/json", 400),
    ("[1, 2, 3]", "application/json", 400),
    ("null", "application/json", 400),
    ('"just a string"', "application/json", 400),
    (
        '{"email": {"$ne": null}, "password": ["a"], "refresh": [1], "code": [], "new_password": {}}',
        "application/json",
        400,
    ),
    (
        '{"email": "a\\u0000@example.test", "password": "x\\u0000y", '
        '"refresh": "\\u0000", "code": "12\\u00003456"}',
        "application/json",
        400,
    ),
    ("email=a@example.test", "text/plain", 415),
]


@pytest.mark.parametrize("url", POSTS)
@pytest.mark.parametrize(("body", "content_type", "status"), BAD_BODIES)
def test_malformed_bodies_are_clean_4xx(api, student, url, body, content_type, status):
    api.login_as(student)
    users_before = get_user_model().objects.count()
    response = api.generic("POST", url, body, content_type=content_type)
    assert_error(response, status)
    assert get_user_model().objects.count() == users_before
    assert not OneTimeCode.objects.exists()


@pytest.mark.parametrize("url", POSTS)
def test_oversized_fields_are_refused_before_any_work(api, student, url):
    api.login_as(student)
    huge = "x" * 50_000
    body = {"email": f"{huge}@example.test", "password": huge, "refresh": huge, "code": huge}
    body |= {"current_password": huge, "new_password": huge}
    assert_error(api.post(url, body, format="json"), 400)


@pytest.mark.parametrize(
    "body",
    ["{broken", '{"bio": 5, "locale": null, "time_zone": 7}', '{"display_name": {"a": 1}}', "[]"],
)
def test_malformed_profile_edits(api, student, body):
    api.login_as(student)
    before = api.get("/api/v1/auth/me/").json()
    assert_error(api.generic("PATCH", "/api/v1/auth/me/", body, content_type="application/json"), 400)
    assert api.get("/api/v1/auth/me/").json() == before
