"""Throttles of the coding API (cache-backed: Redis when REDIS_URL is set, so every web
replica shares the counts). The rate is read from settings at request time; a 429 is in
the one error shape (`throttled`) and carries `Retry-After` (seconds)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class SubmissionThrottle(SimpleRateThrottle):
    """Challenge submissions per user (CHALLENGE_SUBMIT_RATE): each one runs every
    test in the sandbox and stores a row, so one account cannot fill the disk."""

    scope = "challenge_submit"

    def get_rate(self):
        return settings.CHALLENGE_SUBMIT_RATE or None

    def get_cache_key(self, request, view):
        # permissions run first: the caller is an authenticated, verified user
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
