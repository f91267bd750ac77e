"""Unsubscribe tokens: signed (django.core.signing, keyed by SECRET_KEY and a salt of
their own) so a link works without login and cannot be forged or widened: the token
names the user, the type (or "*" for every type) and the channel it turns off."""

from django.core import signing

from .models import ALL_TYPES

SALT = "mrict.notifications.unsubscribe"


def unsubscribe_token(*, user_id: int, type: str = ALL_TYPES, channel: str = "email") -> str:  # noqa: A002
    return signing.dumps({"u": user_id, "t": type, "c": channel}, salt=SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str, str] | None:
    """(user id, type, channel) of a genuine token, None for anything else."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, type_, channel = data.get("u"), data.get("t"), data.get("c")
    if not isinstance(user_id, int) or not isinstance(type_, str) or not isinstance(channel, str):
        return None
    return user_id, type_, channel
