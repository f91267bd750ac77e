"""Django REST framework, the schema and the one error shape."""

from .env import env

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "site_config.api.parsers.JSONParser",
        "site_config.api.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "site_config.api.pagination.BoundedPageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "site_config.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_RATES": {},
    # Our throttles key on site_config.client_ip (ClientIPThrottleMixin); 0 makes any
    # other DRF throttle use REMOTE_ADDR rather than believe X-Forwarded-For.
    "NUM_PROXIES": 0,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

API_MAX_PAGE_SIZE = 100
# Deepest nesting of arrays/objects a JSON body may have (400 above); the deepest
# legitimate payload (the demo course import document) nests 8 levels.
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=32)

DRF_STANDARDIZED_ERRORS = {
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
    # Documented on every operation where they apply; 409 is declared per view and
    # 413 added to body-carrying operations by site_config.api.schema.AutoSchema.
    "ALLOWED_ERROR_STATUS_CODES": ["400", "401", "403", "404", "405", "406", "415", "429", "500"],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Mr ICT API",
    "DESCRIPTION": "Headless API of the Mr ICT coding-education platform. "
    "Authenticate with `Authorization: Bearer <access JWT>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files (pinned in
    # requirements.txt), never a CDN: the docs work offline and do not change under us.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # validatorUrl None: no badge image fetched from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CourseLevelEnum": "cms.models.CourseLevel.choices",
        # two `language` choice sets: the starter files' (cms.blocks) and what the sandbox runs
        "SandboxLanguageEnum": "learning.coding.sandbox.protocol.SUPPORTED_LANGUAGES",
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
        "ErrorCode401Enum": "drf_standardized_errors.openapi_serializers.ErrorCode401Enum.choices",
        "ErrorCode403Enum": "drf_standardized_errors.openapi_serializers.ErrorCode403Enum.choices",
        "ErrorCode404Enum": "drf_standardized_errors.openapi_serializers.ErrorCode404Enum.choices",
        "ErrorCode405Enum": "drf_standardized_errors.openapi_serializers.ErrorCode405Enum.choices",
        "ErrorCode406Enum": "drf_standardized_errors.openapi_serializers.ErrorCode406Enum.choices",
        "ErrorCode415Enum": "drf_standardized_errors.openapi_serializers.ErrorCode415Enum.choices",
        "ErrorCode429Enum": "site_config.api.schema.ErrorCode429Enum.choices",
        "ErrorCode500Enum": "drf_standardized_errors.openapi_serializers.ErrorCode500Enum.choices",
        "ParseErrorCodeEnum": "site_config.api.schema.ParseErrorCode.choices",
        "RunStatusEnum": "learning.coding.sandbox.protocol.STATUSES",
        "TestOutcomeEnum": "learning.coding.rules.TEST_OUTCOMES",
        "AttemptStateEnum": "learning.assessments.api.serializers.ATTEMPT_STATES",
        "CertificateStatusEnum": "learning.rewards.certificates.models.CertificateStatus.choices",
        "NotificationChannelEnum": "learning.notifications.models.Channel.choices",
        "NotificationLinkKindEnum": "learning.notifications.models.TargetKind.choices",
        # a user's roles (accounts) and an announcement's target role: one choice set
        "RolesEnum": "learning.accounts.roles.Role.choices",
        # moderation (learning/moderation)
        "ModerationReasonEnum": "learning.moderation.models.Reason.choices",
        "ModerationReportStatusEnum": "learning.moderation.models.ReportStatus.choices",
        "ModerationCaseStateEnum": "learning.moderation.models.CaseState.choices",
        "ModerationQueueStatusEnum": "learning.moderation.selectors.QUEUE_STATUSES",
        # analytics report exports (learning/analytics/exports)
        "ReportExportKindEnum": "learning.analytics.exports.models.Kind.choices",
        "ReportExportFormatEnum": "learning.analytics.exports.models.Format.choices",
        "ReportExportScopeEnum": "learning.analytics.exports.models.Scope.choices",
        "ReportExportStatusEnum": "learning.analytics.exports.models.Status.choices",
    },
    # The `<id:...>` path converter (site_config.api.ids): ids are integers 1..2^63-1.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    "PREPROCESSING_HOOKS": ["site_config.api.schema.only_public_api"],
    "POSTPROCESSING_HOOKS": ["drf_standardized_errors.openapi_hooks.postprocess_schema_enums"],
}
