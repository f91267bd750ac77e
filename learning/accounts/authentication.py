"""The API's JWT authentication: simplejwt's, plus session revocation and the one
error shape.

Every token carries the user's `token_generation` (claim "gen") from the moment it
was issued. "Log out everywhere", a password change and a password reset bump the
user's counter, so access tokens issued before stop working at once instead of
living out their lifetime. The check costs nothing extra: the user row is loaded
anyway. Tokens without the claim count as generation 0.

One session (a login) is revoked alone the same way: its tokens carry a session id
(claim "sid"), and logout or the reuse of a rotated refresh token records that id on
the user row (`revoked_sessions`) for as long as its tokens could live.

The row comes through user_cache (shared cache, dropped on every write to the user),
not a query per request.

A token's signature is checked once per process: the claims of a token whose HMAC
verified are kept (by the exact token bytes, at most VERIFIED_TOKENS_KEPT, then
forgotten all at once), and a later request with the same bytes skips recomputing the
HMAC and decoding. Everything that can change is still checked on every request: the
expiry (an expired token falls back to the full check and its error), the user row
(active, password, generation, revoked sessions). The same bytes verify the same way
for as long as the signing key is the same: a new key means a new process (a settings
change in process, as tests make, forgets every token).

simplejwt raises errors whose detail is a dict (detail, code, messages); they are
re-raised as plain AuthenticationFailed so the client sees one error with one code.
"""

import time

from django.core.signals import setting_changed
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken
from rest_framework_simplejwt.utils import aware_utcnow, get_md5_hash_password

from .user_cache import user_get

GENERATION_CLAIM = "gen"
# One login = one session id, carried by its refresh token, every rotation of it and
# every access token they mint: logout and refresh-token reuse revoke it as a whole.
SESSION_CLAIM = "sid"


def session_revoked(user, session_id) -> bool:
    """Whether tokens of this session are refused (see services.session_revoke)."""
    return bool(session_id) and session_id in (user.revoked_sessions or {})


def token_error(message: str = "The token is invalid or expired.", code: str = "token_not_valid"):
    return AuthenticationFailed(message, code=code)


# Tokens whose signature verified in this process: raw bytes -> claims. A learner keeps
# one access token for its lifetime (15 min by default), so a few thousand cover every
# active learner of a worker; past that the dict is emptied (cheaper than an LRU).
VERIFIED_TOKENS_KEPT = 4096
_verified: dict[bytes, dict] = {}


def _forget_verified(setting, **kwargs) -> None:
    """A new signing key (tests change settings in process) forgets every token."""
    if setting in ("SIMPLE_JWT", "SECRET_KEY"):
        _verified.clear()


setting_changed.connect(_forget_verified, dispatch_uid="accounts_forget_verified_tokens")


class JWTAuthentication(SimpleJWTAuthentication):
    def get_validated_token(self, raw_token: bytes):
        payload = _verified.get(raw_token)
        if payload is not None:
            leeway = api_settings.LEEWAY
            leeway = leeway.total_seconds() if hasattr(leeway, "total_seconds") else leeway
            if payload["exp"] + leeway > time.time():
                token = AccessToken.__new__(AccessToken)
                token.token, token.current_time, token.payload = raw_token, aware_utcnow(), dict(payload)
                return token
            _verified.pop(raw_token, None)  # expired: the full check below gives its error
        token = super().get_validated_token(raw_token)
        if type(token) is AccessToken:
            if len(_verified) >= VERIFIED_TOKENS_KEPT:
                _verified.clear()
            _verified[raw_token] = dict(token.payload)
        return token

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
        """simplejwt's checks (id claim, user exists, is active, the optional password
        hash claim), on the cached row, then the session generation."""
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError:
            raise InvalidToken("Token contained no recognizable user identification") from None
        try:
            user = user_get(user_id)
        except (self.user_model.DoesNotExist, ValueError, TypeError):
            raise token_error("User not found", "user_not_found") from None
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise token_error("User is inactive", "user_inactive")
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise token_error("The user's password has been changed.", "password_changed")
        if validated_token.get(GENERATION_CLAIM, 0) != user.token_generation:
            raise token_error("This session was signed out. Log in again.", "token_revoked")
        if session_revoked(user, validated_token.get(SESSION_CLAIM)):
            raise token_error("This session was signed out. Log in again.", "token_revoked")
        return user
