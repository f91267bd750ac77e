"""Issuing JWTs for a user: the one place login, signup, tests and tools get tokens from."""

from rest_framework_simplejwt.tokens import RefreshToken

from .authentication import GENERATION_CLAIM


def tokens_for_user(user) -> dict[str, str]:
    """A fresh refresh token (recorded as outstanding, so it can be blacklisted) and its
    access token, both stamped with the user's current token generation."""
    refresh = RefreshToken.for_user(user)
    refresh[GENERATION_CLAIM] = user.token_generation
    return {"access": str(refresh.access_token), "refresh": str(refresh)}
