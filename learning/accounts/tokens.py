"""Issuing JWTs for a user: the one place login, signup, tests and tools get tokens from."""

import uuid

from rest_framework_simplejwt.tokens import RefreshToken

from .authentication import GENERATION_CLAIM, SESSION_CLAIM


def tokens_for_user(user) -> dict[str, str]:
    """A fresh refresh token (recorded as outstanding, so it can be blacklisted) and its
    access token, both stamped with the user's current token generation and a new
    session id (kept by every rotation of the refresh token)."""
    refresh = RefreshToken.for_user(user)
    refresh[GENERATION_CLAIM] = user.token_generation
    refresh[SESSION_CLAIM] = uuid.uuid4().hex
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


class RotatingRefreshToken(RefreshToken):
    """A refresh token checked for signature, expiry and type but not the blacklist:
    services.session_refresh checks that itself, under a row lock, to tell a reuse of a
    rotated token (which revokes its whole session) from any other bad token."""

    def check_blacklist(self) -> None:
        return None
