"""Cache-backed throttles of the auth endpoints (Redis when REDIS_URL is set, so all
web replicas share the counts). Rates come from settings.AUTH_THROTTLE_RATES at
request time; a 429 carries `Retry-After` (seconds). "Per IP" means per client
address as site_config.client_ip tells it (X-Forwarded-For only from TRUSTED_PROXIES)."""

import hashlib

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from site_config.client_ip import ClientIPThrottleMixin

from ..emails import email_key


class _AuthThrottle(ClientIPThrottleMixin, SimpleRateThrottle):
    scope = ""

    def get_rate(self):
        return settings.AUTH_THROTTLE_RATES.get(self.scope)


class _PerIP(_AuthThrottle):
    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _PerAddress(_AuthThrottle):
    """Keyed on the email in the body, by the one comparison key of accounts/emails.py
    (so `ſtudent@…` and `STUDENT@…` count with `student@…`), hashed: cache keys are
    not a place for addresses. Bodies without a usable email are left to the per-IP
    throttle."""

    def get_cache_key(self, request, view):
        try:
            email = request.data.get("email")
        except AttributeError:
            return None
        if not isinstance(email, str) or not email.strip():
            return None
        digest = hashlib.sha256(email_key(email).encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": digest}


class _PerUser(_AuthThrottle):
    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginIPThrottle(_PerIP):
    scope = "login"


class LoginAddressThrottle(_PerAddress):
    scope = "login_email"


class SignupThrottle(_PerIP):
    scope = "signup"


class OtpVerifyIPThrottle(_PerIP):
    scope = "otp_verify"


class OtpVerifyAddressThrottle(_PerAddress):
    scope = "otp_verify_email"


class OtpSendIPThrottle(_PerIP):
    scope = "otp_send"


class OtpSendAddressThrottle(_PerAddress):
    scope = "otp_send_email"


class PasswordChangeThrottle(_PerUser):
    scope = "password_change"


class RefreshThrottle(_PerIP):
    scope = "refresh"


class AvatarUploadThrottle(_PerUser):
    scope = "avatar"


LOGIN = [LoginIPThrottle, LoginAddressThrottle]
SIGNUP = [SignupThrottle]
OTP_VERIFY = [OtpVerifyIPThrottle, OtpVerifyAddressThrottle]
OTP_SEND = [OtpSendIPThrottle, OtpSendAddressThrottle]
