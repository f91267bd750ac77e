"""Issuing JWTs for a user: the one place login, tests and tools get tokens from."""

from rest_framework_simplejwt.tokens import RefreshToken


def tokens_for_user(user) -> dict[str, str]:
    """A fresh refresh token (tracked as outstanding, so it can be blacklisted) and
    its access token."""
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}
