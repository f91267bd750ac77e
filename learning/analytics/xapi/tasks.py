"""django-q2 jobs of the xAPI forwarder: thin, they call services."""


def xapi_forward() -> dict:
    """Every minute (setup_schedules); does nothing unless ANALYTICS_XAPI_ENDPOINT is set."""
    from django.conf import settings

    from .services import xapi_forward as forward

    return forward(max_seconds=settings.ANALYTICS_XAPI_RUN_SECONDS).as_dict()
