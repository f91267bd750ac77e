"""The editor's and Django admin's second factor, through real HTTP (Django's test
client): password login, then enrolment (QR + first code, recovery codes) or
verification, with the codes computed from the device's key as an authenticator app
does (RFC 6238, django-otp's own implementation). docs/admin-security.md."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from learning.audit.models import AuditEntry

from .factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

EDITOR = "/admin/"
DJANGO_ADMIN = "/django-admin/"


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.ADMIN_2FA_REQUIRED = True


def _password_login(user, ip="198.51.100.7") -> Client:
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT="pytest-browser/1.0")
    response = client.post("/admin/login/", {"username": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def _code(device: TOTPDevice, offset_steps: int = 0) -> str:
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time() + offset_steps * device.step
    return f"{generator.token():0{device.digits}d}"


def _confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_staff_without_a_second_factor_reach_neither_admin_and_enrol(admin_user, settings):
    # django-otp's throttle (a wrong code delays the next try: next test) off here
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = _password_login(admin_user)
    for url in (EDITOR, DJANGO_ADMIN, "/admin/pages/", "/django-admin/accounts/user/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/2fa/setup/?next="), response["Location"]
    # a write without the second factor is refused outright
    assert client.post("/django-admin/accounts/user/add/", {}).status_code == 403

    page = client.get("/admin/2fa/setup/?next=/django-admin/")
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    secret = re.search(rb"<code>([A-Z2-7]+)</code>", page.content).group(1).decode()
    import base64

    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key  # the key shown by hand

    wrong = client.post("/admin/2fa/setup/", {"token": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert client.get(EDITOR).status_code == 302  # still not verified

    done = client.post("/admin/2fa/setup/", {"token": _code(device), "next": "/django-admin/"})
    assert done.status_code == 200
    codes = re.findall(rb"<li><code>([^<]+)</code></li>", done.content)
    assert len(codes) == 10 and StaticDevice.objects.get(user=admin_user).token_set.count() == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(EDITOR).status_code == 200
    assert client.get(DJANGO_ADMIN).status_code == 200

    events = list(
        AuditEntry.objects.filter(object_pk=str(admin_user.pk), event__startswith="auth.2fa").values_list(
            "event", "actor_id", "remote_addr", "user_agent"
        )
    )
    assert ("auth.2fa_failed", admin_user.pk, "198.51.100.7", "pytest-browser/1.0") in events
    assert ("auth.2fa_enrolled", admin_user.pk, "198.51.100.7", "pytest-browser/1.0") in events


def test_a_valid_totp_opens_both_admins_and_a_wrong_one_does_not(admin_user, settings):
    device = _confirmed_device(admin_user)
    client = _password_login(admin_user)
    response = client.get("/admin/pages/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/2fa/verify/")
    # with a device, enrolment is closed until the session is verified (a password alone
    # must not add a second device)
    assert client.get("/admin/2fa/setup/")["Location"].startswith("/admin/2fa/verify/")

    # after a wrong code django-otp makes the next try wait (1 s by default, doubling):
    # even the right code is refused at once (an hour here: a slow machine must not
    # outlast the wait between the two posts)
    settings.OTP_TOTP_THROTTLE_FACTOR = 3600
    assert client.post("/admin/2fa/verify/", {"token": _code(device, offset_steps=10)}).status_code == 400
    assert client.get(EDITOR).status_code == 302
    assert client.post("/admin/2fa/verify/", {"token": _code(device)}).status_code == 400
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # as if the wait were over

    ok = client.post("/admin/2fa/verify/", {"token": _code(device), "next": "/admin/pages/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/pages/"
    assert client.get(EDITOR).status_code == 200
    assert client.get(DJANGO_ADMIN).status_code == 200

    # an off-site `next` is not followed
    other = _password_login(admin_user)
    recovery_device = StaticDevice.objects.create(user=admin_user, name="r", confirmed=True)
    recovery_device.token_set.create(token="abcd1234")
    gone = other.post("/admin/2fa/verify/", {"token": "abcd1234", "next": "https://evil.example/"})
    assert gone.status_code == 302 and gone["Location"] == "/admin/"

    entry = AuditEntry.objects.filter(event="auth.2fa_verified", actor=admin_user).get()
    assert entry.remote_addr == "198.51.100.7" and entry.cid


def test_a_recovery_code_works_once(teacher):
    _confirmed_device(teacher)
    static = StaticDevice.objects.create(user=teacher, name="Recovery codes", confirmed=True)
    static.token_set.create(token="k3y5ecret")
    first = _password_login(teacher)
    assert first.post("/admin/2fa/verify/", {"token": "k3y5ecret"}).status_code == 302
    assert first.get(EDITOR).status_code == 200  # teachers reach the editor only with it too

    second = _password_login(teacher)
    assert second.post("/admin/2fa/verify/", {"token": "k3y5ecret"}).status_code == 400
    assert second.get(EDITOR).status_code == 302
    used = AuditEntry.objects.get(event="auth.2fa_recovery_used", actor=teacher)
    assert used.additional_data == {"codes_left": 0}


def test_students_get_no_second_factor_pages(student):
    client = Client()
    client.force_login(student)
    assert client.get("/admin/2fa/setup/").status_code == 403
    assert client.get("/admin/2fa/verify/").status_code == 403
    assert not TOTPDevice.objects.filter(user=student).exists()
    anonymous = Client().get("/admin/2fa/verify/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")


def test_admin_sessions_expire_after_inactivity(settings, admin_user):
    settings.ADMIN_2FA_REQUIRED = False
    idle = settings.ADMIN_SESSION_IDLE_MINUTES
    assert idle * 60 == settings.SESSION_COOKIE_AGE and settings.SESSION_SAVE_EVERY_REQUEST
    client = _password_login(admin_user)
    assert client.get(EDITOR).status_code == 200
    key = client.cookies["sessionid"].value
    expires = Session.objects.get(session_key=key).expire_date
    assert abs((expires - timezone.now()) - timedelta(minutes=idle)) < timedelta(seconds=30)
    # the session was idle longer than allowed: the server-side row says so
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(EDITOR)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_admin_removes_a_lost_second_factor(admin_user, teacher, auth_client):
    _confirmed_device(teacher)
    StaticDevice.objects.create(user=teacher, name="Recovery codes", confirmed=True)
    assert auth_client(teacher).delete(f"/api/v1/admin/users/{teacher.pk}/second-factor/").status_code == 403
    response = auth_client(admin_user).delete(f"/api/v1/admin/users/{teacher.pk}/second-factor/")
    assert response.status_code == 204
    assert not TOTPDevice.objects.filter(user=teacher).exists()
    assert not StaticDevice.objects.filter(user=teacher).exists()
    entry = AuditEntry.objects.get(event="auth.2fa_reset")
    assert entry.actor_id == admin_user.pk and entry.object_pk == str(teacher.pk)
    assert entry.remote_addr == "127.0.0.1"
    client = _password_login(teacher)
    assert client.get(EDITOR)["Location"].startswith("/admin/2fa/setup/")
