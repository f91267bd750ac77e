"""The public verification's throttle: per client IP (site_config.client_ip), the rate
read at request time (CERTIFICATE_VERIFY_RATE). A 429 is in the one error shape with
Retry-After. Together with unguessable codes (192 bits) and one 404 for every unknown
code, this keeps the endpoint from being used to enumerate certificates."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from site_config.client_ip import ClientIPThrottleMixin


class VerifyThrottle(ClientIPThrottleMixin, SimpleRateThrottle):
    scope = "certificate_verify"

    def get_rate(self):
        return settings.CERTIFICATE_VERIFY_RATE or None

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
