"""The daily accounts housekeeping job: expired refresh-token records (with their
blacklist rows) and dead one-time codes go; everything still usable stays."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from learning.accounts import tasks
from learning.accounts.models import OneTimeCode

pytestmark = pytest.mark.django_db


def _token(user, jti: str, expires_in: timedelta, *, blacklisted=False) -> OutstandingToken:
    now = timezone.now()
    token = OutstandingToken.objects.create(
        user=user,
        jti=jti,
        token=f"token-{jti}",
        created_at=now - timedelta(days=8),
        expires_at=now + expires_in,
    )
    if blacklisted:
        BlacklistedToken.objects.create(token=token)
    return token


def _code(user, **fields) -> OneTimeCode:
    now = timezone.now()
    values = {
        "purpose": "verify_email",
        "code_hash": "x" * 20,
        "created_at": now,
        "expires_at": now + timedelta(minutes=10),
    }
    values.update(fields)
    code = OneTimeCode.objects.create(user=user, **{k: v for k, v in values.items() if k != "created_at"})
    OneTimeCode.objects.filter(pk=code.pk).update(created_at=values["created_at"])
    return code


def test_housekeeping_removes_exactly_what_is_expired(student, caplog):
    now = timezone.now()
    expired = _token(student, "a", -timedelta(seconds=1))
    expired_blacklisted = _token(student, "b", -timedelta(hours=1), blacklisted=True)
    valid = _token(student, "c", timedelta(days=1))
    valid_blacklisted = _token(student, "d", timedelta(days=1), blacklisted=True)

    dead = [
        _code(student, expires_at=now - timedelta(days=2)),  # expired over a day ago
        _code(student, used_at=now - timedelta(days=2)),  # used over a day ago
        _code(student, code_hash="", created_at=now - timedelta(days=2), expires_at=None),  # never sent
    ]
    alive = [
        _code(student),  # still valid
        _code(student, expires_at=now - timedelta(hours=1)),  # expired within the day: kept for now
        _code(student, used_at=now - timedelta(hours=1)),
        _code(student, code_hash="", expires_at=None),  # being sent
    ]

    with caplog.at_level(logging.INFO, logger="mrict.accounts"):
        removed = tasks.housekeeping()
    assert removed == {"tokens": 2, "blacklisted": 1, "codes": 3}
    assert set(OutstandingToken.objects.values_list("pk", flat=True)) == {valid.pk, valid_blacklisted.pk}
    assert list(BlacklistedToken.objects.values_list("token_id", flat=True)) == [valid_blacklisted.pk]
    assert not OutstandingToken.objects.filter(pk__in=[expired.pk, expired_blacklisted.pk]).exists()
    assert set(OneTimeCode.objects.values_list("pk", flat=True)) == {c.pk for c in alive}
    assert not OneTimeCode.objects.filter(pk__in=[c.pk for c in dead]).exists()
    (record,) = [r for r in caplog.records if r.getMessage() == "accounts housekeeping"]
    assert (record.tokens, record.blacklisted, record.codes) == (2, 1, 3)

    # safe to run twice: nothing more goes
    assert tasks.housekeeping() == {"tokens": 0, "blacklisted": 0, "codes": 0}
    assert OneTimeCode.objects.count() == len(alive) and OutstandingToken.objects.count() == 2
