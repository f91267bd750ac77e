"""OpenAPI: our JWT authentication class as the bearer scheme, and the 401 error shape
with every code it can carry (set as drf-standardized-errors' 401 schema in
site_config/settings/auth.py). The 429 shape is project-wide: site_config/api/schema.py."""

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
