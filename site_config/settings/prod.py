"""Production: refuses to start without a real SECRET_KEY and ALLOWED_HOSTS or with a
weak key of ours, and turns on every check --deploy hardening. Behaviour switches stay
env-driven."""

from .env import defer_required_check

defer_required_check()  # every missing variable, base's and ours, in one message below

from .base import *  # noqa: E402,F403
from .env import check_required, env, required  # noqa: E402

DEBUG = False

# Problems other than a missing variable (a weak key), reported with the missing ones.
_problems: list[str] = []


def _check_strong(name: str, value: str) -> None:
    """The one strength rule for every secret this project generates and checks itself
    (Django's own check_deploy rule, plus the dev defaults): at least 50 characters, at
    least 5 distinct ones, no dev/insecure prefix."""
    if len(value) < 50 or len(set(value)) < 5 or value.startswith(("dev-", "django-insecure")):
        _problems.append(
            f"{name} is too weak for production: use at least 50 random characters, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(64))'."
        )


SECRET_KEY = required("SECRET_KEY", when="in production")
# Our own secrets: SECRET_KEY always; the others when set (JWT_SIGNING_KEY falls back to
# SECRET_KEY, SANDBOX_TOKEN is needed only with SANDBOX_URL). Credentials issued by a
# third party (LLM_API_KEY, AWS_*, ANYMAIL_*, EMAIL_URL) have the provider's format.
OWN_SECRETS = ("SECRET_KEY", "JWT_SIGNING_KEY", "SANDBOX_TOKEN", "METRICS_TOKEN")
if SANDBOX_URL:  # noqa: F405
    required("SANDBOX_TOKEN", when="with SANDBOX_URL")
for _name in OWN_SECRETS:
    _value = env(_name, default="")
    if _value:
        _check_strong(_name, _value)

# Demo users (load_demo) get DEMO_PASSWORD, one of them a superuser: production has no
# default and never takes the public one; load_demo refuses without a password of your own.
DEMO_PASSWORD = env("DEMO_PASSWORD", default="")
if DEMO_PASSWORD == DEMO_PASSWORD_PUBLIC_DEFAULT:  # noqa: F405
    DEMO_PASSWORD = ""

required("ALLOWED_HOSTS", when="in production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

# Believed only from TRUSTED_PROXIES: ForwardedHeadersMiddleware drops the header
# from any other peer.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
# Hashed names (cached for a year by WhiteNoise, settings/storage.py) and gzip (and with
# STATIC_BROTLI, brotli) copies made once by collectstatic.
STORAGES["staticfiles"] = {"BACKEND": "site_config.staticfiles.CompressedStaticFilesStorage"}  # noqa: F405

# Every missing variable and weak key at once, in one message.
check_required(_problems, final=True)

# Open Badges keys (docs/open-badges.md): optional, but a key that is set and cannot
# sign or verify stops the process here, naming the setting, not at the first export.
if OPENBADGES_SIGNING_KEY or OPENBADGES_RETIRED_KEYS:  # noqa: F405
    from learning.rewards.openbadges.keys import build_keyset

    build_keyset(OPENBADGES_SIGNING_KEY, OPENBADGES_RETIRED_KEYS)  # noqa: F405
