"""OpenAPI: our JWT authentication class as the bearer scheme, and the 401 and 429
error shapes with every code they can carry (set as drf-standardized-errors' 401 and
429 schemas in site_config/settings/auth.py)."""

from django.db import models
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import serializers


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


class Error401Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode401Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse401Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error401Serializer(many=True)


class ErrorCode429Enum(models.TextChoices):
    """Every code a 429 of this API can carry: a throttle's, and the login lockout's."""

    THROTTLED = "throttled"
    LOGIN_LOCKED_OUT = "login_locked_out"


class Error429Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode429Enum.choices)
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse429Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = Error429Serializer(many=True)
