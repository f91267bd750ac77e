"""Setups for the accounts admin rows of tests/permission_matrix/rows_admin.py."""


def login_lock(callers) -> dict:
    """A current lock on "other"'s account (as the lockout records one)."""
    from datetime import timedelta

    from django.utils import timezone

    from learning.accounts.models import LoginLock

    lock = LoginLock.objects.create(
        kind=LoginLock.Kind.ACCOUNT,
        subject=callers["other"].email,
        digest="0" * 32,
        failures=10,
        locked_until=timezone.now() + timedelta(minutes=15),
    )
    return {"login_lock": lock.pk}
