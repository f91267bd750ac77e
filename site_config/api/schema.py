"""OpenAPI schema glue: only the public API is documented, and every operation lists
the error shapes it can answer with (drf-standardized-errors does 400-500; we add the
413 of ApiBodyLimitMiddleware to body-carrying operations, and a 409 serializer that
views returning conflicts declare with `extend_schema(responses={409: ConflictErrorResponse})`)."""

from django.db import models
from drf_spectacular.plumbing import force_instance
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ParseErrorResponseSerializer
from rest_framework import serializers
from rest_framework.settings import api_settings

from .serializers import CODES as UNKNOWN_FIELD_CODES
from .serializers import StrictInput


class _Error(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ClientErrorResponse(serializers.Serializer):
    """Any 4xx: `{"type": "client_error", "errors": [{"code", "detail", "attr"}]}`."""

    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = _Error(many=True)


class ConflictErrorResponse(ClientErrorResponse):
    """409: the object changed since the client read it; `errors[0].detail` says what
    to do next, and views may add fields such as `current_version`."""


class PayloadTooLargeErrorResponse(ClientErrorResponse):
    """413: the request body is larger than API_MAX_BODY_BYTES / API_MAX_UPLOAD_BYTES."""


class ParseErrorCode(models.TextChoices):
    PARSE_ERROR = "parse_error"  # malformed JSON or multipart
    TOO_DEEP = "too_deep"  # JSON nested deeper than API_MAX_JSON_DEPTH
    INVALID_UNICODE = "invalid_unicode"  # NUL or a lone surrogate in the body or query string


def coded_error_response(*, name: str, item_name: str, codes: type[models.TextChoices], doc: str):
    """The one error shape with `code` limited to `codes`, as the schema components
    `name` (the response) and `item_name` (one error), for a status whose codes a client
    should be able to switch on."""
    item = type(
        item_name,
        (serializers.Serializer,),
        {
            "__module__": __name__,
            "code": serializers.ChoiceField(choices=codes.choices),
            "detail": serializers.CharField(),
            "attr": serializers.CharField(allow_null=True),
        },
    )
    return type(
        name,
        (serializers.Serializer,),
        {
            "__module__": __name__,
            "__doc__": doc,
            "type": serializers.ChoiceField(choices=ClientErrorEnum.choices),
            "errors": item(many=True),
        },
    )


class ErrorCode429Enum(models.TextChoices):
    """Every code a 429 of this API can carry (all with `Retry-After`): DRF's throttles,
    and each TryLater (site_config/api/errors.py) of the apps."""

    THROTTLED = "throttled"
    LOGIN_LOCKED_OUT = "login_locked_out"  # accounts: the login lockout
    AVATAR_BUSY = "avatar_busy"  # accounts: avatar decode slots full
    SANDBOX_BUSY = "sandbox_busy"  # coding: no run slot within the wait
    SANDBOX_CRASH_LIMIT = "sandbox_crash_limit"  # coding: the account's runs keep crashing workers
    TUTOR_DAILY_LIMIT = "tutor_daily_limit"  # tutor: TUTOR_DAILY_LIMIT questions today
    QUIZ_COOLDOWN = "quiz_cooldown"  # assessments: the wait between two attempts of a quiz
    SMS_DAILY_CAP = "sms_daily_cap"  # notifications: SMS_DAILY_CAP SMS in the last 24 hours
    TOO_MANY_REPORTS = "too_many_reports"  # moderation: MODERATION_REPORTS_PER_HOUR reports an hour
    TOO_MANY_EXPORTS = "too_many_exports"  # analytics: ANALYTICS_EXPORT_MAX_ACTIVE_PER_USER on their way


ErrorResponse429Serializer = coded_error_response(
    name="ErrorResponse429Serializer", item_name="Error429Serializer", codes=ErrorCode429Enum, doc=""
)


ParseErrorResponse = coded_error_response(
    name="ParseErrorResponse",
    item_name="ParseError",
    codes=ParseErrorCode,
    doc="400 from the request parsers (site_config.api.parsers) or the query-string text rule.",
)


class AutoSchema(StandardizedErrorsAutoSchema):
    def _get_validation_error_codes_by_field(self, data_fields):
        # Every object of a strict request body can answer `unknown_field` and
        # `read_only_field` on its non-field key (site_config.api.serializers).
        codes = super()._get_validation_error_codes_by_field(data_fields)
        if self.method in ("POST", "PUT", "PATCH") and isinstance(
            force_instance(self.get_request_serializer()), StrictInput
        ):
            codes[api_settings.NON_FIELD_ERRORS_KEY].update(UNKNOWN_FIELD_CODES)
            for name in list(codes):
                if name.endswith(f".{api_settings.NON_FIELD_ERRORS_KEY}"):
                    codes[name].update(UNKNOWN_FIELD_CODES)
        return codes

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        # Our serializers refuse keys they do not take (site_config.api.serializers).
        if direction == "request" and isinstance(force_instance(serializer), StrictInput):
            schema["additionalProperties"] = False
        return schema

    def _get_allowed_error_status_codes(self) -> list[str]:
        codes = super()._get_allowed_error_status_codes()
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("413")
        return codes

    def _should_add_parse_error_response(self) -> bool:
        # Every /api/ operation can answer the parse-error 400: the query-string text
        # rule (ApiQueryTextMiddleware) applies to all of them, whatever their parsers.
        return True

    def _get_http400_serializer(self):
        proxy = super()._get_http400_serializer()
        for key, serializer in list(proxy.serializers.items()):
            if serializer is ParseErrorResponseSerializer:
                proxy.serializers[key] = ParseErrorResponse
        return proxy

    def _get_error_response_serializer(self, status_code: str):
        if status_code == "413":
            return PayloadTooLargeErrorResponse
        return super()._get_error_response_serializer(status_code)


def only_public_api(endpoints):
    """Preprocessing hook: the schema documents /api/ only, not the Wagtail admin's
    internal API under /admin/api/."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
