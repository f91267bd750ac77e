"""One login lockout for the three password doors (learning/accounts/lockout.py): the
API's /auth/login/, Wagtail's /admin/login/ and Django admin's /django-admin/login/.
Failures through any door count per account and per client network; a locked account
is refused at every door, whatever the password, with an answer that says when to
retry. The editor and the admin refuse accounts that may not use them with exactly
the wrong-password answer. Runs on SQLite + local memory and PostgreSQL + Redis."""

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from .factories import DEFAULT_PASSWORD, UserFactory
from .helpers import assert_error

pytestmark = pytest.mark.django_db
LOGIN = "/api/v1/auth/login/"
FORMS = ["/admin/login/", "/django-admin/login/"]
WRONG = "guess-123456"


@pytest.fixture(autouse=True)
def _roomy_api_throttles(settings):
    """The API's own per-IP and per-address throttles are tested elsewhere; here they
    must not answer before the lockout does."""
    settings.AUTH_THROTTLE_RATES = {
        **settings.AUTH_THROTTLE_RATES,
        "login": "1000/min",
        "login_email": "1000/hour",
    }


def _form_login(form, email, password, ip="203.0.113.50"):
    client = Client(REMOTE_ADDR=ip)
    response = client.post(form, {"username": email, "password": password})
    return client, response


def _api_login(email, password, ip="203.0.113.60"):
    return APIClient(REMOTE_ADDR=ip).post(LOGIN, {"email": email, "password": password}, format="json")


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("form", FORMS)
def test_guessing_an_admin_password_on_a_login_form_locks_the_account(form, admin_user, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        _, response = _form_login(form, admin_user.email, WRONG)
        assert response.status_code == 200
    _, response = _form_login(form, admin_user.email, WRONG)
    assert response.status_code == 429
    # The right password no longer helps, from any address, until the cool-off has passed.
    client, response = _form_login(form, admin_user.email, DEFAULT_PASSWORD, ip="198.51.100.77")
    assert response.status_code == 429 and not _logged_in(client)
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= settings.LOGIN_COOLOFF_MINUTES * 60
    assert re.search(rb"Try again in \d+ minutes?", response.content)


def test_the_api_login_obeys_a_lockout_earned_on_the_forms(admin_user, settings):
    half = settings.LOGIN_FAILURE_LIMIT // 2
    for n in range(settings.LOGIN_FAILURE_LIMIT - half):
        _form_login(FORMS[n % 2], admin_user.email, WRONG, ip=f"203.0.113.{n}")
    for n in range(half):
        _api_login(admin_user.email, WRONG, ip=f"198.51.100.{n}")
    response = _api_login(admin_user.email.upper(), DEFAULT_PASSWORD, ip="192.0.2.1")
    body = assert_error(response, 429, "login_locked_out")
    assert "Try again in" in body["errors"][0]["detail"]
    assert 0 < int(response["Retry-After"]) <= settings.LOGIN_COOLOFF_MINUTES * 60
    client, response = _form_login(FORMS[0], admin_user.email, DEFAULT_PASSWORD, ip="192.0.2.2")
    assert response.status_code == 429 and not _logged_in(client)


def test_api_failures_lock_the_editor_login_too(teacher, settings):
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        _api_login(teacher.email, WRONG, ip=f"198.51.100.{n}")
    client, response = _form_login(FORMS[0], teacher.email, DEFAULT_PASSWORD)
    assert response.status_code == 429 and not _logged_in(client)


def test_a_locked_account_does_not_lock_another_one(student, teacher, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _api_login(student.email, WRONG)
    assert _api_login(teacher.email, DEFAULT_PASSWORD, ip="198.51.100.5").status_code == 200


def test_one_network_guessing_many_accounts_is_locked_out(student, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 5
    for n in range(5):
        _form_login(FORMS[1], f"someone{n}@example.test", WRONG, ip="203.0.113.99")
    # A new account from the same network is refused; from elsewhere, the student logs in.
    assert_error(_api_login(student.email, DEFAULT_PASSWORD, ip="203.0.113.99"), 429, "login_locked_out")
    assert _api_login(student.email, DEFAULT_PASSWORD, ip="203.0.113.100").status_code == 200


def test_rotating_x_forwarded_for_does_not_dodge_the_network_lockout(settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 3
    for n in range(3):
        Client(REMOTE_ADDR="203.0.113.98").post(
            FORMS[0],
            {"username": f"someone{n}@example.test", "password": WRONG},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    response = Client(REMOTE_ADDR="203.0.113.98").post(
        FORMS[0], {"username": "other@example.test", "password": WRONG}, HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert response.status_code == 429


def test_lookalike_addresses_count_against_the_account_they_imitate(settings):
    kim = UserFactory(email="kim.admin@mrict.local", role="admin")
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        address = "kım.admin@mrict.local" if n % 2 else "KIM.ADMIN@MRICT.LOCAL"
        _form_login(FORMS[0], address, WRONG, ip=f"203.0.113.{n}")
    client, response = _form_login(FORMS[0], kim.email, DEFAULT_PASSWORD, ip="192.0.2.9")
    assert response.status_code == 429 and not _logged_in(client)


def _form_errors(response) -> list[str]:
    return [str(e) for e in response.context["form"].non_field_errors()]


@pytest.mark.parametrize("form", FORMS)
def test_a_student_gets_the_same_answer_with_the_right_and_a_wrong_password(form, student):
    right_client, right = _form_login(form, student.email, DEFAULT_PASSWORD)
    wrong_client, wrong = _form_login(form, student.email, WRONG)
    assert right.status_code == wrong.status_code == 200
    assert _form_errors(right) == _form_errors(wrong) and _form_errors(right)
    assert not _logged_in(right_client) and not _logged_in(wrong_client)


@pytest.mark.parametrize("form", FORMS)
def test_a_students_right_password_counts_as_a_failure_on_the_editor_forms(form, student, settings):
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        password = DEFAULT_PASSWORD if n % 2 else WRONG
        _form_login(form, student.email, password, ip=f"203.0.113.{n}")
    # Both kinds of attempt counted: the account is now locked, as after wrong ones only.
    assert_error(_api_login(student.email, DEFAULT_PASSWORD), 429, "login_locked_out")


def test_teacher_still_opens_the_editor_but_not_django_admin(teacher):
    client, response = _form_login(FORMS[0], teacher.email, DEFAULT_PASSWORD)
    assert response.status_code == 302 and _logged_in(client)
    client, response = _form_login(FORMS[1], teacher.email, DEFAULT_PASSWORD)
    assert response.status_code == 200 and not _logged_in(client)


def test_api_login_still_works_and_wrong_passwords_stay_401(student):
    assert_error(_api_login(student.email, WRONG), 401, "invalid_credentials")
    assert _api_login(student.email, DEFAULT_PASSWORD).status_code == 200


def test_the_lockout_is_in_the_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    enum = schema["components"]["schemas"]["ErrorCode429Enum"]["enum"]
    assert {"throttled", "login_locked_out"} <= set(enum)
    assert "429" in schema["paths"]["/api/v1/auth/login/"]["post"]["responses"]
