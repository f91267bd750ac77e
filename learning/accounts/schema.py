"""OpenAPI: our JWT authentication class as the bearer scheme, and the 401 and 429
error shapes with every code they can carry (set as drf-standardized-errors' 401 and
429 schemas in site_config/settings/auth.py)."""

from django.db import models
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme

from site_config.api.schema import coded_error_response


class RevocableJWTScheme(SimpleJWTScheme):
    target_class = "learning.accounts.authentication.JWTAuthentication"


class ErrorCode401Enum(models.TextChoices):
    """Every code a 401 of this API can carry: DRF's own, simplejwt's for bad tokens,
    ours for signed-out sessions and wrong credentials at login."""

    AUTHENTICATION_FAILED = "authentication_failed"
    NOT_AUTHENTICATED = "not_authenticated"
    TOKEN_NOT_VALID = "token_not_valid"  # noqa: S105 (an error code)
    TOKEN_REVOKED = "token_revoked"  # noqa: S105 (an error code)
    TOKEN_REUSED = "token_reused"  # noqa: S105 (an error code)
    INVALID_CREDENTIALS = "invalid_credentials"


ErrorResponse401Serializer = coded_error_response(
    name="ErrorResponse401Serializer", item_name="Error401Serializer", codes=ErrorCode401Enum, doc=""
)


class ErrorCode429Enum(models.TextChoices):
    """Every code a 429 of this API can carry: a throttle's, and the login lockout's."""

    THROTTLED = "throttled"
    LOGIN_LOCKED_OUT = "login_locked_out"


ErrorResponse429Serializer = coded_error_response(
    name="ErrorResponse429Serializer", item_name="Error429Serializer", codes=ErrorCode429Enum, doc=""
)
