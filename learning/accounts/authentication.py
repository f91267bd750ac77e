"""The API's JWT authentication: simplejwt's, plus session revocation and the one
error shape.

Every token carries the user's `token_generation` (claim "gen") from the moment it
was issued. "Log out everywhere", a password change and a password reset bump the
user's counter, so access tokens issued before stop working at once instead of
living out their lifetime. The check costs nothing extra: simplejwt loads the user
row anyway. Tokens without the claim count as generation 0.

simplejwt raises errors whose detail is a dict (detail, code, messages); they are
re-raised as plain AuthenticationFailed so the client sees one error with one code.
"""

from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication

GENERATION_CLAIM = "gen"


def token_error(message: str = "The token is invalid or expired.", code: str = "token_not_valid"):
    return AuthenticationFailed(message, code=code)


class JWTAuthentication(SimpleJWTAuthentication):
    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except AuthenticationFailed as exc:
            detail = exc.detail
            if isinstance(detail, dict):
                message = str(detail.get("detail") or "The token is invalid or expired.")
                code = str(detail.get("code") or "token_not_valid")
                raise token_error(message, code) from None
            raise

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        if validated_token.get(GENERATION_CLAIM, 0) != user.token_generation:
            raise token_error("This session was signed out. Log in again.", "token_revoked")
        return user
