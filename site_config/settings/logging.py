"""JSON logs on stdout: one line per request from RequestLogMiddleware, every
record carrying the request id of the request that produced it."""

from .env import env

LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOG_FORMAT = env("LOG_FORMAT", default="json")  # json | text

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "site_config.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Our request log replaces Django's; errors are logged by us with traceback.
        "django.request": {"level": "CRITICAL", "propagate": True},
        "django.server": {"level": "WARNING", "propagate": True},
        "django_tasks": {"level": "WARNING", "propagate": True},
        # The tutor's libraries announce every load at INFO (which CPU kernel, which model).
        "faiss": {"level": "WARNING", "propagate": True},
        "sentence_transformers": {"level": "WARNING", "propagate": True},
        "haystack": {"level": "WARNING", "propagate": True},
        # WeasyPrint (certificates) logs each render step at INFO.
        "weasyprint": {"level": "WARNING", "propagate": True},
        "fontTools": {"level": "WARNING", "propagate": True},
    },
}
