"""Staff need a second factor to use the Wagtail editor (/admin/) and Django admin
(/django-admin/): a session that passed the password but not yet a TOTP or recovery
code is sent to the verification page (or, without a device, to enrolment) for every
other URL of theirs. django-otp's OTPMiddleware, before this one, tells
(`request.user.is_verified()`). ADMIN_2FA_REQUIRED turns it off (the test settings do,
for the suite's many editor tests that log in with force_login; the second-factor
tests turn it on)."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseForbidden, HttpResponseRedirect

PROTECTED = ("/admin/", "/django-admin/")
# The password step, logout, password reset and the second-factor pages themselves.
OPEN = (
    "/admin/login/",
    "/admin/logout/",
    "/admin/password_reset/",
    "/admin/2fa/",
    "/django-admin/login/",
    "/django-admin/logout/",
)


def second_factor_missing(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return not user.is_verified()


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if (
            settings.ADMIN_2FA_REQUIRED
            and path.startswith(PROTECTED)
            and not path.startswith(OPEN)
            and second_factor_missing(request)
        ):
            from .services import confirmed_totp

            if request.method not in ("GET", "HEAD") or request.headers.get("X-Requested-With"):
                return HttpResponseForbidden("A second factor is required: open /admin/2fa/verify/.")
            step = "verify" if confirmed_totp(request.user) else "setup"
            return HttpResponseRedirect(f"/admin/2fa/{step}/?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
