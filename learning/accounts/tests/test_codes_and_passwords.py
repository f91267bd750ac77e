"""Email one-time codes (verification, reset) and password change, through the API."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from learning.accounts.models import OneTimeCode

from .factories import DEFAULT_PASSWORD, UserFactory
from .helpers import assert_error, last_code

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup/"
LOGIN = "/api/v1/auth/login/"
REFRESH = "/api/v1/auth/refresh/"
ME = "/api/v1/auth/me/"
VERIFY = "/api/v1/auth/verify-email/"
RESEND = "/api/v1/auth/verify-email/resend/"
RESET = "/api/v1/auth/password/reset/"
RESET_CONFIRM = "/api/v1/auth/password/reset/confirm/"
CHANGE = "/api/v1/auth/password/change/"
NEW_PASSWORD = "quartz-Lantern-meadow-64"
EMAIL = "learner@example.test"


@pytest.fixture
def signed_up(api):
    response = api.post(SIGNUP, {"email": EMAIL, "password": "plum-Tractor-galaxy-81"})
    assert response.status_code == 201
    return response.json()


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_codes_are_stored_hashed_with_the_configured_lifetime(signed_up, settings):
    code = last_code(EMAIL)
    otp = OneTimeCode.objects.get()
    assert code not in otp.code_hash and len(otp.code_hash) == 64
    assert (
        otp.expires_at - otp.sent_at == timedelta(minutes=settings.OTP_TTL_MINUTES) == timedelta(minutes=10)
    )


def test_verify_email_with_the_mailed_code(api, signed_up):
    response = api.post(VERIFY, {"email": EMAIL.upper(), "code": last_code(EMAIL)})
    assert response.status_code == 200 and response.json()["email_verified"] is True
    assert api.bearer(signed_up["access"]).get(ME).json()["email_verified"] is True


def test_a_code_works_once(api, signed_up):
    code = last_code(EMAIL)
    assert api.post(VERIFY, {"email": EMAIL, "code": code}).status_code == 200
    assert_error(api.post(VERIFY, {"email": EMAIL, "code": code}), 400, "otp_invalid", "code")


def test_an_expired_code_is_refused(api, signed_up):
    code = last_code(EMAIL)
    OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))  # the clock moved on
    assert_error(api.post(VERIFY, {"email": EMAIL, "code": code}), 400, "otp_invalid", "code")
    assert get_user_model().objects.get(email=EMAIL).email_verified is False


def test_five_wrong_codes_kill_the_code(api, signed_up):
    code = last_code(EMAIL)
    for attempt in range(5):
        assert_error(api.post(VERIFY, {"email": EMAIL, "code": _wrong(code)}), 400, "otp_invalid")
        assert OneTimeCode.objects.get().failed_attempts == attempt + 1
    assert_error(api.post(VERIFY, {"email": EMAIL, "code": code}), 400, "otp_invalid")
    assert get_user_model().objects.get(email=EMAIL).email_verified is False


def test_four_wrong_codes_then_the_right_one_works(api, signed_up):
    code = last_code(EMAIL)
    for _ in range(4):
        api.post(VERIFY, {"email": EMAIL, "code": _wrong(code)})
    assert api.post(VERIFY, {"email": EMAIL, "code": code}).status_code == 200


def test_resend_mails_a_new_code_and_the_old_one_dies(api, signed_up, mailoutbox):
    old = last_code(EMAIL)
    response = api.post(RESEND, {"email": EMAIL})
    assert response.status_code == 202
    new = last_code(EMAIL)
    assert len(mailoutbox) == 2
    if new != old:
        assert_error(api.post(VERIFY, {"email": EMAIL, "code": old}), 400, "otp_invalid")
    assert api.post(VERIFY, {"email": EMAIL, "code": new}).status_code == 200


def test_resend_answers_the_same_for_unknown_and_verified_addresses(api, student, mailoutbox):
    answers = [api.post(RESEND, {"email": e}) for e in ("ghost@example.test", student.email)]
    assert {r.status_code for r in answers} == {202}
    assert answers[0].json() == answers[1].json()
    assert mailoutbox == []


def test_resend_is_throttled_per_address_with_retry_after(make_api, signed_up, settings):
    settings.AUTH_THROTTLE_RATES = {**settings.AUTH_THROTTLE_RATES, "otp_send_email": "2/hour"}
    for ip in ("10.0.0.1", "10.0.0.2"):
        assert make_api(REMOTE_ADDR=ip).post(RESEND, {"email": EMAIL}).status_code == 202
    response = make_api(REMOTE_ADDR="10.0.0.3").post(RESEND, {"email": EMAIL.upper()})
    assert_error(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 3600
    # another address from the same places is not affected
    assert make_api(REMOTE_ADDR="10.0.0.3").post(RESEND, {"email": "other@example.test"}).status_code == 202


def test_resend_is_throttled_per_ip(make_api, settings):
    settings.AUTH_THROTTLE_RATES = {**settings.AUTH_THROTTLE_RATES, "otp_send": "3/hour"}
    client = make_api(REMOTE_ADDR="10.0.0.9")
    for n in range(3):
        assert client.post(RESEND, {"email": f"a{n}@example.test"}).status_code == 202
    assert_error(client.post(RESEND, {"email": "a9@example.test"}), 429, "throttled")
    assert make_api(REMOTE_ADDR="10.0.0.10").post(RESEND, {"email": "a9@example.test"}).status_code == 202


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 456", None, 123456])
def test_malformed_codes_are_400(api, signed_up, code):
    assert_error(api.post(VERIFY, {"email": EMAIL, "code": code}, format="json"), 400, attr="code")


def test_verify_for_an_unknown_address_looks_like_a_wrong_code(api):
    body = assert_error(
        api.post(VERIFY, {"email": "ghost@example.test", "code": "123456"}), 400, "otp_invalid"
    )
    assert body["errors"][0]["attr"] == "code"


# --- password reset ---


def _comparable(response):
    headers = {k: v for k, v in response.headers.items() if k not in {"X-Request-ID"}}
    return response.status_code, response.content, headers


def test_reset_for_unknown_email_answers_exactly_like_a_known_one(make_api, student, mailoutbox):
    known = make_api(REMOTE_ADDR="10.1.0.1").post(RESET, {"email": student.email})
    unknown = make_api(REMOTE_ADDR="10.1.0.2").post(RESET, {"email": "nobody@example.test"})
    assert known.status_code == 202
    assert _comparable(known) == _comparable(unknown)
    assert [m.to for m in mailoutbox] == [[student.email]]


@pytest.fixture
def queued(monkeypatch):
    """Jobs go to the real broker instead of running inside the request (the test
    settings run them synchronously); yields the task of every enqueue (django-q2's
    pre_enqueue signal)."""
    from django_q.brokers import get_broker
    from django_q.conf import Conf
    from django_q.signals import pre_enqueue

    monkeypatch.setattr(Conf, "SYNC", False)
    tasks = []

    def record(sender, task, **kwargs):
        tasks.append(task)

    pre_enqueue.connect(record, dispatch_uid="test-queued")
    yield tasks
    pre_enqueue.disconnect(dispatch_uid="test-queued")
    get_broker().purge_queue()


def _statements(queries) -> list[str]:
    """SQL with its literals blanked: the shape of the work, not its values."""
    return [re.sub(r"'(?:[^']|'')*'|\bs\d+_x\d+\b|\b\d+\b", "?", q["sql"]) for q in queries]


@pytest.mark.parametrize(
    ("url", "known_user"),
    [
        (RESET, lambda: UserFactory(email="known@example.test")),
        (RESEND, lambda: UserFactory(email="known@example.test", email_verified=False)),
    ],
    ids=["reset", "resend"],
)
def test_code_requests_do_the_same_work_for_known_and_unknown_addresses(make_api, queued, url, known_user):
    """No timing: the request for an address with an account runs the same SQL and
    queues the same job as for one without; no code is made or hashed in the request."""
    user = known_user()
    work = {}
    for label, email in (("known", user.email), ("unknown", "nobody@example.test")):
        codes_before = OneTimeCode.objects.count()
        with CaptureQueriesContext(connection) as queries:
            response = make_api(REMOTE_ADDR=f"10.9.0.{len(work) + 1}").post(url, {"email": email})
        assert response.status_code == 202
        assert OneTimeCode.objects.count() == codes_before
        work[label] = _statements(queries.captured_queries)
    assert work["known"] == work["unknown"]
    assert [(t["func"], t["args"]) for t in queued] == [
        (queued[0]["func"], (user.email,)),
        (queued[0]["func"], ("nobody@example.test",)),
    ]
    assert queued[0]["func"].startswith("learning.accounts.tasks.")


@pytest.mark.parametrize(("url", "ask"), [(VERIFY, RESEND), (RESET_CONFIRM, RESET)], ids=["verify", "reset"])
def test_wrong_codes_do_the_same_work_for_known_and_unknown_addresses(make_api, mailoutbox, url, ask):
    """An address with a live code and an unknown one fail alike, in the same SQL: the
    same lookup, locking SELECT and one UPDATE (the code's counter, or no row)."""
    user = UserFactory(email="known@example.test", email_verified=False)
    assert make_api().post(ask, {"email": user.email}).status_code == 202
    extra = {"new_password": NEW_PASSWORD} if url == RESET_CONFIRM else {}
    work = {}
    for label, email, code in (
        ("known", user.email, _wrong(last_code(user.email))),
        ("unknown", "nobody@example.test", "123456"),
    ):
        with CaptureQueriesContext(connection) as queries:
            response = make_api(REMOTE_ADDR=f"10.8.0.{len(work) + 1}").post(
                url, {"email": email, "code": code, **extra}
            )
        assert_error(response, 400, "otp_invalid", "code")
        work[label] = _statements(queries.captured_queries)
    assert work["known"] == work["unknown"]
    assert OneTimeCode.objects.get(user=user).failed_attempts == 1


def test_reset_request_is_throttled_per_address(make_api, student, settings):
    settings.AUTH_THROTTLE_RATES = {**settings.AUTH_THROTTLE_RATES, "otp_send_email": "1/hour"}
    assert make_api(REMOTE_ADDR="10.2.0.1").post(RESET, {"email": student.email}).status_code == 202
    assert_error(make_api(REMOTE_ADDR="10.2.0.2").post(RESET, {"email": student.email}), 429, "throttled")
    # and unknown addresses are throttled the same way (no enumeration through 429s)
    assert make_api(REMOTE_ADDR="10.2.0.1").post(RESET, {"email": "x@example.test"}).status_code == 202
    assert_error(make_api(REMOTE_ADDR="10.2.0.2").post(RESET, {"email": "x@example.test"}), 429, "throttled")


def _login(api, email, password):
    return api.post(LOGIN, {"email": email, "password": password})


def test_reset_confirm_sets_the_password_and_signs_out_everywhere(api, make_api, student):
    old_session = _login(make_api(), student.email, DEFAULT_PASSWORD).json()
    assert api.post(RESET, {"email": student.email}).status_code == 202
    code = last_code(student.email)
    response = api.post(RESET_CONFIRM, {"email": student.email, "code": code, "new_password": NEW_PASSWORD})
    assert response.status_code == 204
    assert_error(_login(make_api(), student.email, DEFAULT_PASSWORD), 401, "invalid_credentials")
    assert _login(make_api(), student.email, NEW_PASSWORD).status_code == 200
    assert_error(make_api().post(REFRESH, {"refresh": old_session["refresh"]}), 401)
    assert_error(make_api().bearer(old_session["access"]).get(ME), 401, "token_revoked")
    # the code is spent
    again = api.post(
        RESET_CONFIRM, {"email": student.email, "code": code, "new_password": "another-Good-pass-77"}
    )
    assert_error(again, 400, "otp_invalid")


def test_reset_confirm_validates_the_new_password_without_spending_the_code(api, student):
    api.post(RESET, {"email": student.email})
    code = last_code(student.email)
    weak = api.post(RESET_CONFIRM, {"email": student.email, "code": code, "new_password": "123"})
    assert_error(weak, 400, "password_too_short", "new_password")
    ok = api.post(RESET_CONFIRM, {"email": student.email, "code": code, "new_password": NEW_PASSWORD})
    assert ok.status_code == 204


def test_reset_confirm_with_unknown_email_or_wrong_code_look_alike(api, student):
    api.post(RESET, {"email": student.email})
    code = last_code(student.email)
    wrong = api.post(
        RESET_CONFIRM, {"email": student.email, "code": _wrong(code), "new_password": NEW_PASSWORD}
    )
    ghost = api.post(
        RESET_CONFIRM, {"email": "ghost@example.test", "code": code, "new_password": NEW_PASSWORD}
    )
    assert assert_error(wrong, 400, "otp_invalid") == assert_error(ghost, 400, "otp_invalid")


def test_a_verification_code_cannot_reset_a_password(api, signed_up):
    code = last_code(EMAIL)
    response = api.post(RESET_CONFIRM, {"email": EMAIL, "code": code, "new_password": NEW_PASSWORD})
    assert_error(response, 400, "otp_invalid")


def test_reset_marks_the_email_verified(api):
    user = UserFactory(email_verified=False)
    api.post(RESET, {"email": user.email})
    api.post(
        RESET_CONFIRM, {"email": user.email, "code": last_code(user.email), "new_password": NEW_PASSWORD}
    )
    user.refresh_from_db()
    assert user.email_verified


def test_disabled_accounts_get_no_reset_mail(api, mailoutbox):
    user = UserFactory(is_active=False)
    assert api.post(RESET, {"email": user.email}).status_code == 202
    assert mailoutbox == []


# --- password change ---


def test_password_change_needs_the_current_password(api, student):
    api.login_as(student)
    response = api.post(CHANGE, {"current_password": "not-it-at-all", "new_password": NEW_PASSWORD})
    assert_error(response, 400, "wrong_password", "current_password")
    student.refresh_from_db()
    assert student.check_password(DEFAULT_PASSWORD)


def test_password_change_applies_validators(api, student):
    api.login_as(student)
    response = api.post(CHANGE, {"current_password": DEFAULT_PASSWORD, "new_password": "password"})
    assert_error(response, 400, "password_too_common", "new_password")


def test_password_change_invalidates_other_refresh_tokens(api, make_api, student):
    here = _login(make_api(), student.email, DEFAULT_PASSWORD).json()
    elsewhere = _login(make_api(), student.email, DEFAULT_PASSWORD).json()
    response = api.bearer(here["access"]).post(
        CHANGE, {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 200
    fresh = response.json()
    for old in (here, elsewhere):
        assert_error(make_api().post(REFRESH, {"refresh": old["refresh"]}), 401, "token_not_valid")
        assert_error(make_api().bearer(old["access"]).get(ME), 401, "token_revoked")
    # this session continues with the pair it got back
    assert make_api().bearer(fresh["access"]).get(ME).status_code == 200
    assert make_api().post(REFRESH, {"refresh": fresh["refresh"]}).status_code == 200
    assert _login(make_api(), student.email, NEW_PASSWORD).status_code == 200


def test_password_change_needs_login(api):
    assert_error(api.post(CHANGE, {"current_password": "x", "new_password": NEW_PASSWORD}), 401)


def test_password_change_is_throttled_per_user(api, student, settings):
    settings.AUTH_THROTTLE_RATES = {**settings.AUTH_THROTTLE_RATES, "password_change": "2/hour"}
    api.login_as(student)
    for _ in range(2):
        api.post(CHANGE, {"current_password": "wrong-guess-123", "new_password": NEW_PASSWORD})
    response = api.post(CHANGE, {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD})
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
