"""The public verify endpoint's throttle: OPENBADGES_THROTTLE_VERIFY per client address
(site_config.client_ip: X-Forwarded-For only from TRUSTED_PROXIES), cache-backed."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from site_config.client_ip import ClientIPThrottleMixin


class VerifyThrottle(ClientIPThrottleMixin, SimpleRateThrottle):
    scope = "openbadges_verify"

    def get_rate(self):
        return settings.OPENBADGES_THROTTLE_VERIFY

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
