"""Throttle of the tutor's answering endpoints (cache-backed: Redis when REDIS_URL is set)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class TutorThrottle(SimpleRateThrottle):
    """Questions and code updates per user (TUTOR_THROTTLE): each one runs retrieval and
    maybe an LLM call. The daily cap (TUTOR_DAILY_LIMIT) is counted in the database."""

    scope = "tutor"

    def get_rate(self):
        return settings.TUTOR_THROTTLE or None

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class TutorReadThrottle(TutorThrottle):
    """Reads of conversations per user (TUTOR_READ_THROTTLE)."""

    scope = "tutor_read"

    def get_rate(self):
        return settings.TUTOR_READ_THROTTLE or None
