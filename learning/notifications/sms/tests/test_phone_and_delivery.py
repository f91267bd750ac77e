"""SMS end to end: the API queues a django-q2 job, the job talks to a local HTTP server
speaking Twilio's Messages API (twilio_server.py). A phone number is verified by the
code texted to it before anything else is sent there; provider failures are retried
with backoff through django-q2's scheduler; the daily cap holds."""

import re
from datetime import timedelta

import pytest
from django.test import TestCase
from django.utils import timezone
from django_q.models import Schedule
from django_q.scheduler import scheduler

from learning.accounts.tests.helpers import assert_error
from learning.notifications.models import Delivery, NotificationPreference
from learning.notifications.services.delivery import deliveries_retry_due
from learning.notifications.services.notify import notify

from ..models import PhoneNumber, SmsMessage
from .twilio_server import SENDER

pytestmark = pytest.mark.django_db

PHONE = "/api/v1/notifications/phone/"
VERIFY = "/api/v1/notifications/phone/verify/"
NUMBER = "+447911123456"


def _code(body: str) -> str:
    return re.search(r"\b(\d{6})\b", body).group(1)


def _run_due_retries() -> None:
    """What qcluster's scheduler does once a retry is due: make it due, run the scheduler
    (jobs run inline in tests)."""
    Schedule.objects.filter(func="learning.notifications.sms.tasks.sms_send").update(
        next_run=timezone.now() - timedelta(seconds=1)
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        scheduler()


def test_a_number_is_verified_by_the_code_texted_to_it(api, student, twilio):
    api.login_as(student)
    assert api.get(PHONE).json() == {"number": None, "verified": False, "verified_at": None}

    response = api.put(PHONE, {"number": "+44 7911 123456"})
    assert response.status_code == 202, response.content
    assert response.json() | {"verified_at": None} == {
        "number": NUMBER,
        "verified": False,
        "verified_at": None,
        "code_sent": True,
    }
    [message] = twilio.messages
    assert message["To"] == NUMBER and message["From"] == SENDER
    code = _code(message["Body"])
    sms = SmsMessage.objects.get()
    assert (sms.kind, sms.status, sms.provider, sms.body) == ("code", "sent", "twilio", "")
    assert sms.provider_message_id.startswith("SM")

    wrong = "000000" if code != "000000" else "111111"
    assert_error(api.post(VERIFY, {"code": wrong}), 400, "otp_invalid", "code")
    assert_error(api.post(VERIFY, {"code": "12ab56"}), 400, attr="code")
    verified = api.post(VERIFY, {"code": code})
    assert verified.status_code == 200 and verified.json()["verified"] is True
    assert api.get(PHONE).json()["number"] == NUMBER
    assert_error(api.post(VERIFY, {"code": code}), 400, "otp_invalid")  # used

    # the same number again: nothing to verify, nothing sent
    again = api.put(PHONE, {"number": NUMBER})
    assert again.status_code == 200 and again.json()["code_sent"] is False
    assert len(twilio.messages) == 1
    assert api.delete(PHONE).status_code == 204
    assert not PhoneNumber.objects.exists()


def test_a_code_only_verifies_the_number_it_went_to(api, student, twilio):
    api.login_as(student)
    api.put(PHONE, {"number": NUMBER})
    first_code = _code(twilio.messages[0]["Body"])
    api.put(PHONE, {"number": "+33612345678"})
    assert_error(api.post(VERIFY, {"code": first_code}), 400, "otp_invalid")
    assert api.post(VERIFY, {"code": _code(twilio.bodies_to("+33612345678")[0])}).status_code == 200


def test_wrong_codes_kill_the_code(api, student, twilio, settings):
    settings.OTP_MAX_ATTEMPTS = 2
    api.login_as(student)
    api.put(PHONE, {"number": NUMBER})
    code = _code(twilio.messages[0]["Body"])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(2):
        assert_error(api.post(VERIFY, {"code": wrong}), 400, "otp_invalid")
    assert_error(api.post(VERIFY, {"code": code}), 400, "otp_invalid")
    assert PhoneNumber.objects.get().verified_at is None


@pytest.mark.parametrize(
    "number",
    ["12345", "+1 555 0100", "+999 123456789", "not a number", "+44 7911 123456 ext 99999999999999999999"],
)
def test_invalid_numbers_are_refused_and_nothing_is_sent(api, student, twilio, number):
    assert_error(api.login_as(student).put(PHONE, {"number": number}), 400, "invalid_phone_number", "number")
    assert not PhoneNumber.objects.exists() and twilio.requests == 0


def test_a_national_number_takes_the_default_region(api, student, twilio, settings):
    assert_error(api.login_as(student).put(PHONE, {"number": "07911 123456"}), 400, "invalid_phone_number")
    settings.PHONE_DEFAULT_REGION = "GB"
    assert api.put(PHONE, {"number": "07911 123456"}).json()["number"] == NUMBER


def test_provider_failure_is_retried_with_backoff_then_sent(api, student, twilio, settings):
    settings.SMS_RETRY_BACKOFF_SECONDS = 30
    twilio.failures = [503, 429]
    api.login_as(student)
    before = timezone.now()
    assert api.put(PHONE, {"number": NUMBER}).status_code == 202
    sms = SmsMessage.objects.get()
    assert (sms.status, sms.attempts) == ("queued", 1) and "503" in sms.error
    assert sms.next_attempt_at >= before + timedelta(seconds=30)
    assert not twilio.messages

    _run_due_retries()  # second try: 429, retried again, after twice the wait
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == ("queued", 2) and "429" in sms.error
    assert sms.next_attempt_at >= timezone.now() + timedelta(seconds=55)

    _run_due_retries()  # third try: accepted
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.error) == ("sent", 3, "")
    assert twilio.requests == 3 and len(twilio.messages) == 1
    assert api.post(VERIFY, {"code": _code(twilio.messages[0]["Body"])}).status_code == 200


def test_a_permanent_failure_is_not_retried_and_keeps_its_reason(api, student, twilio):
    twilio.failures = [400]
    api.login_as(student).put(PHONE, {"number": NUMBER})
    sms = SmsMessage.objects.get()
    assert sms.status == "failed" and "21211" in sms.error
    assert not Schedule.objects.filter(func="learning.notifications.sms.tasks.sms_send").exists()


def test_retries_stop_at_the_attempt_limit(api, student, twilio, settings):
    settings.SMS_MAX_ATTEMPTS = 2
    twilio.failures = [500, 500, 500]
    api.login_as(student).put(PHONE, {"number": NUMBER})
    _run_due_retries()
    sms = SmsMessage.objects.get()
    assert (sms.status, sms.attempts) == ("failed", 2) and "500" in sms.error
    _run_due_retries()  # nothing left to run
    assert twilio.requests == 2


def test_an_unreachable_provider_is_a_temporary_failure(api, student, settings):
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.SMS_FROM = "ACx", "t", SENDER
    settings.TWILIO_API_BASE_URL = "http://127.0.0.1:9"  # discard port: connection refused
    settings.SMS_TIMEOUT = 2
    assert api.login_as(student).put(PHONE, {"number": NUMBER}).status_code == 202
    sms = SmsMessage.objects.get()
    assert sms.status == "queued" and "unreachable" in sms.error


def _sms_on(user) -> None:
    NotificationPreference.objects.create(user=user, type="announcement", channel="sms", enabled=True)


def _notify(user, title: str, body: str = ""):
    """A notification through the notification core, on the SMS channel only; its
    delivery job runs when the transaction commits (inline in tests)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return notify(recipients=[user], type="announcement", title=title, body=body, channels=["sms"])


def _verify(api, twilio, number=NUMBER) -> None:
    assert api.put(PHONE, {"number": number}).status_code == 202
    assert api.post(VERIFY, {"code": _code(twilio.bodies_to(number)[-1])}).status_code == 200


def test_notifications_go_out_by_sms_to_a_verified_number_only(api, student, twilio):
    _sms_on(student)
    result = _notify(student, "Before verifying")
    assert result.deliveries == {"sms": 0} and not twilio.messages  # no verified number: no delivery
    api.login_as(student).put(PHONE, {"number": NUMBER})
    assert _notify(student, "Still unverified").deliveries == {"sms": 0}
    assert len(twilio.messages) == 1  # the code only

    api.post(VERIFY, {"code": _code(twilio.messages[0]["Body"])})
    assert _notify(student, "Lesson 3 is out", "Open it now.").deliveries == {"sms": 1}
    assert twilio.bodies_to(NUMBER)[-1] == "Mr ICT: Lesson 3 is out\nOpen it now."
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.provider_message_id[:2]) == ("sent", "SM")
    sms = SmsMessage.objects.get(kind="notification")
    assert (sms.status, sms.source) == ("sent", f"delivery:{delivery.pk}")


def test_sms_preferences_are_respected(api, student, twilio):
    _verify(api.login_as(student), twilio)
    assert _notify(student, "Off by default").deliveries == {"sms": 0}
    _sms_on(student)
    assert _notify(student, "On").deliveries == {"sms": 1}
    NotificationPreference.objects.filter(user=student).update(enabled=False)
    assert _notify(student, "Off again").deliveries == {"sms": 0}
    assert [m["Body"] for m in twilio.messages[1:]] == ["Mr ICT: On"]


def test_a_notification_sms_is_retried_by_the_delivery_job(api, student, twilio):
    _sms_on(student)
    _verify(api.login_as(student), twilio)
    twilio.failures = [503]
    _notify(student, "Retried")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("queued", 1) and "503" in delivery.last_error
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    with TestCase.captureOnCommitCallbacks(execute=True):
        deliveries_retry_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    sms = SmsMessage.objects.get(kind="notification")
    assert (sms.status, sms.attempts) == ("sent", 2)  # one message, tried twice
    assert twilio.bodies_to(NUMBER)[-1] == "Mr ICT: Retried" and len(twilio.messages) == 2


def test_a_refused_notification_sms_fails_its_delivery(api, student, twilio):
    _sms_on(student)
    _verify(api.login_as(student), twilio)
    twilio.failures = [400]
    _notify(student, "Refused")
    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and "21211" in delivery.last_error
    assert SmsMessage.objects.get(kind="notification").status == "failed"


def test_the_daily_cap_stops_codes_and_notifications(api, student, twilio, settings):
    settings.SMS_DAILY_CAP = 2
    _sms_on(student)
    _verify(api.login_as(student), twilio)  # 1: the code
    assert _notify(student, "Lesson 3 is out").deliveries == {"sms": 1}  # 2
    assert twilio.bodies_to(NUMBER)[-1] == "Mr ICT: Lesson 3 is out"

    capped = api.put(PHONE, {"number": "+33612345678"})
    assert_error(capped, 429, "sms_daily_cap")
    assert 0 < int(capped["Retry-After"]) <= 24 * 3600
    assert PhoneNumber.objects.get().number == NUMBER and PhoneNumber.objects.get().verified_at
    _notify(student, "One too many")
    over = Delivery.objects.order_by("pk").last()
    assert (over.status, over.last_error) == ("failed", "daily SMS cap reached")
    assert len(twilio.messages) == 2

    # a day later the cap frees itself
    SmsMessage.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert api.put(PHONE, {"number": "+33612345678"}).status_code == 202


def test_the_console_provider_sends_nothing_out(api, student, caplog):
    with caplog.at_level("WARNING", logger="mrict.sms"):
        assert api.login_as(student).put(PHONE, {"number": NUMBER}).status_code == 202
    sms = SmsMessage.objects.get()
    assert (sms.status, sms.provider) == ("sent", "console") and sms.provider_message_id.startswith(
        "console-"
    )
    assert "verification code" in caplog.text


def test_phone_endpoints_are_throttled_per_user(api, student, twilio, settings):
    settings.SMS_THROTTLE_PHONE = "2/hour"
    api.login_as(student)
    for number in (NUMBER, "+33612345678"):
        assert api.put(PHONE, {"number": number}).status_code == 202
    assert_error(api.put(PHONE, {"number": NUMBER}), 429, "throttled")
    assert api.get(PHONE).status_code == 200  # reads are not counted
