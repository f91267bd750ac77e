"""Look-alike addresses (learning/accounts/emails.py): `ſtudent@…` (long s),
`kımi@…` (dotless i), `\u212aimi@…` (Kelvin sign) and friends are refused everywhere an
address is typed, never reach another account (PostgreSQL's case-insensitive compare
folds them into ASCII), and count against the per-address throttle of what they look
like. Runs on SQLite and on PostgreSQL."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from learning.accounts.emails import email_key, email_normalize

from .factories import DEFAULT_PASSWORD, UserFactory
from .helpers import assert_error

pytestmark = pytest.mark.django_db
User = get_user_model()

REAL = "kimi.student@mrict.local"
LOOKALIKES = [
    "kımi.student@mrict.local",  # dotless i
    "kimi.\u017ftudent@mrict.local",  # long s
    "\u212aimi.student@mrict.local",  # Kelvin sign
    "kimi.student@mr\u0131ct.local",  # dotless i in the domain
    "K\u0130M\u0130.STUDENT@MRICT.LOCAL",  # dotted capital I
]


@pytest.fixture
def kimi(db):
    return UserFactory(email=REAL, role="student")


@pytest.mark.parametrize("address", LOOKALIKES)
def test_a_lookalike_with_the_right_password_does_not_log_in(api, kimi, address):
    response = api.post("/api/v1/auth/login/", {"email": address, "password": DEFAULT_PASSWORD})
    assert_error(response, 400, "email_not_ascii", "email")


def test_the_real_address_in_any_case_still_logs_in(api, kimi):
    response = api.post("/api/v1/auth/login/", {"email": REAL.upper(), "password": DEFAULT_PASSWORD})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("address", LOOKALIKES)
def test_lookalikes_count_against_the_real_address_throttle(api, kimi, settings, address):
    settings.AUTH_THROTTLE_RATES = {**settings.AUTH_THROTTLE_RATES, "login_email": "2/hour"}
    clients = [api.__class__(REMOTE_ADDR=f"10.5.0.{n}") for n in range(3)]
    for client in clients[:2]:
        client.post("/api/v1/auth/login/", {"email": address, "password": "guess-123456"})
    response = clients[2].post("/api/v1/auth/login/", {"email": REAL, "password": DEFAULT_PASSWORD})
    assert_error(response, 429, "throttled")


@pytest.mark.parametrize("address", LOOKALIKES)
def test_signup_refuses_a_lookalike_and_creates_nothing(api, kimi, address):
    response = api.post("/api/v1/auth/signup/", {"email": address, "password": "plum-Tractor-galaxy-81"})
    assert_error(response, 400, "email_not_ascii", "email")
    assert User.objects.count() == 1


@pytest.mark.parametrize("path", ["/api/v1/auth/verify-email/resend/", "/api/v1/auth/password/reset/"])
def test_code_mails_are_not_sent_for_a_lookalike(api, kimi, path):
    kimi.email_verified = False
    kimi.save(update_fields=["email_verified"])
    response = api.post(path, {"email": LOOKALIKES[1]})
    assert_error(response, 400, "email_not_ascii", "email")
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/api/v1/auth/verify-email/", {}),
        ("/api/v1/auth/password/reset/confirm/", {"new_password": "plum-Tractor-galaxy-81"}),
    ],
)
def test_code_checks_refuse_a_lookalike(api, kimi, path, extra):
    response = api.post(path, {"email": LOOKALIKES[0], "code": "123456", **extra})
    assert_error(response, 400, "email_not_ascii", "email")


@pytest.mark.parametrize("form", ["/admin/login/", "/django-admin/login/"])
def test_editor_logins_refuse_a_lookalike_of_an_admin(form):
    UserFactory(email="kim.admin@mrict.local", role="admin")
    client = Client()
    response = client.post(form, {"username": "kım.admin@mrict.local", "password": DEFAULT_PASSWORD})
    assert response.status_code == 200  # the form again
    assert "_auth_user_id" not in client.session


def test_createsuperuser_refuses_a_lookalike(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "root-Password-1234")
    with pytest.raises(CommandError, match="ASCII"):
        call_command(
            "createsuperuser", "--email", "\u017froot@example.test", "--noinput", stdout=io.StringIO()
        )
    assert not User.objects.exists()


def test_django_admin_user_form_refuses_a_lookalike(kimi):
    root = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(root)
    response = client.post(
        "/django-admin/accounts/user/add/",
        {
            "email": LOOKALIKES[0],
            "password1": "plum-Tractor-galaxy-81",
            "password2": "plum-Tractor-galaxy-81",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200 and b"ASCII" in response.content
    assert User.objects.count() == 2


def test_wagtail_user_form_refuses_a_lookalike(kimi):
    root = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(root)
    response = client.post(
        "/admin/users/new/",
        {
            "email": LOOKALIKES[0],
            "first_name": "Look",
            "last_name": "Alike",
            "password1": "plum-Tractor-galaxy-81",
            "password2": "plum-Tractor-galaxy-81",
        },
    )
    assert response.status_code == 200 and b"ASCII" in response.content
    assert User.objects.count() == 2


def test_the_rule():
    assert email_normalize("  Bob.Smith@Example.TEST ") == "Bob.Smith@example.test"
    assert email_key("\u017ftudent@X.test") == email_key("STUDENT@x.TEST") == "student@x.test"
    assert email_key("\uff53tudent@x.test") == "student@x.test"  # fullwidth s (NFKC)
    assert {email_key(address) for address in LOOKALIKES} == {REAL}
    for address in LOOKALIKES:
        with pytest.raises(Exception, match="ASCII"):
            email_normalize(address)
