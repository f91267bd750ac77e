"""The one client-IP rule: forwarding headers count only from TRUSTED_PROXIES, and
every per-IP consumer (throttles, request log, audit log) agrees on the answer."""

import logging

import pytest
from django.test import Client
from rest_framework.test import APIClient

from learning.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from learning.accounts.tests.helpers import assert_error

pytestmark = pytest.mark.django_db
LOGIN = "/api/v1/auth/login/"
SIGNUP = "/api/v1/auth/signup/"


WRONG = "guess-123456"


def _login(client, email, xff=None, password=WRONG):
    extra = {"HTTP_X_FORWARDED_FOR": xff} if xff else {}
    return client.post(LOGIN, {"email": email, "password": password}, format="json", **extra)


def test_a_new_x_forwarded_for_per_request_does_not_dodge_the_login_throttle(student, settings):
    settings.AUTH_THROTTLE_RATES = {**settings.AUTH_THROTTLE_RATES, "login": "3/min"}
    attacker = APIClient(REMOTE_ADDR="203.0.113.7")
    for n in range(3):
        assert _login(attacker, f"nobody{n}@example.test", xff=f"198.51.100.{n}").status_code == 401
    response = _login(attacker, "nobody9@example.test", xff="198.51.100.99")
    assert_error(response, 429, "throttled")


def test_a_new_x_forwarded_for_per_request_does_not_dodge_the_signup_throttle(settings):
    settings.AUTH_THROTTLE_RATES = {**settings.AUTH_THROTTLE_RATES, "signup": "2/hour"}
    attacker = APIClient(REMOTE_ADDR="203.0.113.8")
    for n in range(2):
        attacker.post(
            SIGNUP,
            {"email": f"probe{n}@example.test", "password": "plum-Tractor-galaxy-81"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    response = attacker.post(
        SIGNUP,
        {"email": "probe9@example.test", "password": "plum-Tractor-galaxy-81"},
        format="json",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert_error(response, 429, "throttled")


def test_behind_a_trusted_proxy_each_client_has_its_own_count(student, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.AUTH_THROTTLE_RATES = {**settings.AUTH_THROTTLE_RATES, "login": "2/min"}
    proxy = APIClient(REMOTE_ADDR="10.1.2.3")
    # The client wrote a fake left part; the proxy appended the real peer 198.51.100.5.
    for fake in ("1.1.1.1", "2.2.2.2"):
        assert _login(proxy, "nobody@example.test", xff=f"{fake}, 198.51.100.5").status_code == 401
    assert_error(_login(proxy, "nobody@example.test", xff="3.3.3.3, 198.51.100.5"), 429, "throttled")
    # Another client behind the same proxy is not affected.
    ok = _login(proxy, student.email, xff="198.51.100.6", password=DEFAULT_PASSWORD)
    assert ok.status_code == 200, ok.content


def test_request_log_and_audit_log_record_the_peer_not_the_header(settings, caplog):
    from learning.audit.models import AuditEntry as LogEntry

    root = UserFactory(is_superuser=True, is_staff=True)
    target = UserFactory(role="student")
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.force_login(root)
    with caplog.at_level(logging.INFO, logger="mrict.request"):
        response = client.post(
            f"/django-admin/accounts/user/{target.pk}/change/",
            {
                "email": target.email,
                "display_name": "Renamed by admin",
                "locale": "en",
                "time_zone": "UTC",
                "is_active": "on",
                "last_login_0": "",
                "last_login_1": "",
                "date_joined_0": "2025-01-01",
                "date_joined_1": "00:00:00",
                "groups": [g.pk for g in target.groups.all()],
            },
            HTTP_X_FORWARDED_FOR="6.6.6.6",
            HTTP_X_FORWARDED_PORT="4444",
        )
    assert response.status_code == 302, response.content[:2000]
    entry = (
        LogEntry.objects.get_for_object(target).filter(event="model.update").order_by("-timestamp").first()
    )
    assert entry is not None and "display_name" in entry.changes_dict
    assert entry.remote_addr == "203.0.113.9"
    assert entry.remote_port is None
    lines = [r for r in caplog.records if r.name == "mrict.request"]
    assert lines and lines[-1].client_ip == "203.0.113.9"


def test_forwarded_proto_from_an_untrusted_peer_does_not_make_a_request_secure(settings):
    from django.http import HttpRequest

    from site_config.middleware import ForwardedHeadersMiddleware

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    seen = {}

    def view(request: HttpRequest):
        seen["secure"] = request.is_secure()
        seen["xff"] = request.META.get("HTTP_X_FORWARDED_FOR")

    def make(peer):
        request = HttpRequest()
        request.META = {
            "REMOTE_ADDR": peer,
            "HTTP_X_FORWARDED_PROTO": "https",
            "HTTP_X_FORWARDED_FOR": "6.6.6.6",
        }
        return request

    ForwardedHeadersMiddleware(view)(make("203.0.113.10"))
    assert seen == {"secure": False, "xff": None}
    settings.TRUSTED_PROXIES = ["203.0.113.10"]
    ForwardedHeadersMiddleware(view)(make("203.0.113.10"))
    assert seen == {"secure": True, "xff": "6.6.6.6"}


@pytest.mark.parametrize(
    ("trusted", "peer", "xff", "expected"),
    [
        ([], "203.0.113.1", "6.6.6.6", "203.0.113.1"),  # no proxies: header ignored
        (["10.0.0.1"], "10.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # right-most untrusted
        (["10.0.0.0/8"], "10.0.0.1", "198.51.100.1, 10.0.0.2", "198.51.100.1"),  # two proxy hops
        (["10.0.0.0/8"], "10.0.0.1", "10.0.0.3, 10.0.0.2", "10.0.0.3"),  # all trusted: left-most
        (["10.0.0.0/8"], "10.0.0.1", "junk, 10.0.0.2", "10.0.0.2"),  # broken chain: last vouched
        (["10.0.0.0/8"], "10.0.0.1", "", "10.0.0.1"),  # proxy sent no header
        (["10.0.0.0/8"], "10.0.0.1", "198.51.100.1:5555", "198.51.100.1"),  # v4 with port
        (["10.0.0.0/8"], "10.0.0.1", "[2001:db8::1]:443", "2001:db8::1"),  # v6 with port
        ([], "::ffff:203.0.113.4", None, "203.0.113.4"),  # v4-mapped peer
    ],
)
def test_client_ip_rule(settings, trusted, peer, xff, expected):
    from django.http import HttpRequest

    from site_config.client_ip import client_ip

    settings.TRUSTED_PROXIES = trusted
    request = HttpRequest()
    request.META = {"REMOTE_ADDR": peer}
    if xff is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = xff
    assert client_ip(request) == expected


def test_ipv6_clients_share_a_throttle_key_per_prefix(settings):
    from django.http import HttpRequest

    from site_config.client_ip import client_ip_key

    def key(peer):
        request = HttpRequest()
        request.META = {"REMOTE_ADDR": peer}
        return client_ip_key(request)

    assert key("2001:db8:1:2::1") == key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert key("2001:db8:1:3::1") != key("2001:db8:1:2::1")
    assert key("203.0.113.1") == "203.0.113.1"
