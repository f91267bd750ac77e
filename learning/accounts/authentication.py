"""The API's JWT authentication: simplejwt's, plus session revocation.

Every token carries the user's `token_generation` (claim "gen") from the moment it
was issued. "Log out everywhere", a password change and a password reset bump the
user's counter, so access tokens issued before stop working at once instead of
living out their lifetime. The check costs nothing extra: simplejwt loads the user
row anyway. Tokens without the claim count as generation 0.
"""

from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken

GENERATION_CLAIM = "gen"


class JWTAuthentication(SimpleJWTAuthentication):
    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        if validated_token.get(GENERATION_CLAIM, 0) != user.token_generation:
            raise InvalidToken(
                {"detail": "This session was signed out. Log in again.", "code": "token_revoked"}
            )
        return user
