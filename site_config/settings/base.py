"""Settings shared by every environment. Everything a deployment changes is an
environment variable with a default (see the README's env table); per-integration
settings live in the sibling modules imported at the bottom."""

import ipaddress

from django.core.exceptions import ImproperlyConfigured

from .env import BASE_DIR, check_required, env

SECRET_KEY = env("SECRET_KEY", default="dev-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Reverse proxies (addresses or CIDR networks, comma-separated) whose forwarding headers
# (X-Forwarded-For, -Proto, -Host) are believed; from any other peer they are dropped
# (site_config/client_ip.py). Default none: the TCP peer is the client.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network (e.g. 10.0.0.0/8)."
        ) from None
# Per-IP limits (throttles, login lockout) group IPv6 clients by this prefix length.
THROTTLE_IPV6_PREFIX = env.int("THROTTLE_IPV6_PREFIX", default=64)

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "wagtail_headless_preview",
    "modelcluster",
    "taggit",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc as static files (no CDN)
    "django_ace",  # the Ace editor's static files, for cms.code_editor (no CDN)
    "drf_standardized_errors",
    "django_filters",
    "corsheaders",
    "guardian",
    "django_q",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_prometheus",  # request metrics for /metrics (site_config/metrics.py)
]
LOCAL_APPS = [
    "site_config",
    "learning.accounts",
    "cms",
    "learning.progress",
    "learning.coding",
    "learning.projects",
    "learning.assessments",
    "learning.assessments.analysis",
    "learning.dashboard",
    "learning.recordings",
    "learning.rewards",
    "learning.rewards.certificates",
    "learning.notifications",
    "learning.notifications.sms",
    "learning.notifications.announcements",
    "learning.audit",
    "learning.moderation",
    "learning.analytics",
    "learning.analytics.exports",
    "tutor",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # First and last: request counts and latencies for /metrics (site_config/metrics.py).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "site_config.middleware.ForwardedHeadersMiddleware",
    "site_config.middleware.RequestLogMiddleware",
    # With PROJECT_PREVIEW_ORIGIN, that host serves learners' previews and nothing else.
    "learning.projects.preview.PreviewHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from the app itself, hashed and compressed in prod (settings/storage.py).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "site_config.middleware.ApiBodyLimitMiddleware",
    "site_config.middleware.ApiQueryTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # With SENTRY_DSN: events carry the caller's user id, nothing else (site_config/sentry.py).
    "site_config.sentry.SentryUserMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "site_config.middleware.AuditlogMiddleware",
    # The editor and Django admin need the second factor (learning/accounts/second_factor).
    "learning.accounts.second_factor.middleware.SecondFactorMiddleware",
    # One content-events scope per write request: one event per course, not per page (cms/events.py).
    "cms.events.ContentChangesMiddleware",
    # A teacher's editor URLs that name another teacher's page are a 404 (cms/editor_scope.py).
    "cms.editor_scope.EditorScopeMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Turns a login refused by the lockout into its answer (learning/accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "site_config.urls"
WSGI_APPLICATION = "site_config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "site_config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite file by default (embedded), PostgreSQL with DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the job worker share the file.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory by default, Redis with REDIS_URL (also used by throttles).
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="mrict"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = env("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Request bodies: Django's own limit for form/multipart, and the same limit applied to
# every /api/ body (JSON included) by ApiBodyLimitMiddleware.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=DATA_UPLOAD_MAX_MEMORY_SIZE)
API_MAX_UPLOAD_BYTES = env.int("API_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)

# Wagtail
WAGTAIL_SITE_NAME = "Mr ICT"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = env.list(
    "WAGTAILDOCS_EXTENSIONS", default=["pdf", "zip", "txt", "md", "html", "css", "js", "json", "png", "jpg"]
)

# Email: console backend by default; EMAIL_URL (smtp://user:pass@host:port) for real mail.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Mr ICT <no-reply@mrict.local>")

# Demo content: printed passwords only where DEBUG is on (dev), see load_demo. The
# default is public (it is in the README): prod.py ignores it and load_demo then refuses.
DEMO_PASSWORD_PUBLIC_DEFAULT = "demo-pass-1234"
DEMO_PASSWORD = env("DEMO_PASSWORD", default=DEMO_PASSWORD_PUBLIC_DEFAULT)

from .analytics import *  # noqa: E402,F403
from .analytics_exports import *  # noqa: E402,F403
from .analytics_rollups import *  # noqa: E402,F403
from .analytics_xapi import *  # noqa: E402,F403
from .announcements import *  # noqa: E402,F403
from .api import *  # noqa: E402,F403
from .assessments import *  # noqa: E402,F403
from .assessments_analysis import *  # noqa: E402,F403
from .audit import *  # noqa: E402,F403
from .auth import *  # noqa: E402,F403
from .certificates import *  # noqa: E402,F403
from .coding import *  # noqa: E402,F403
from .content import *  # noqa: E402,F403
from .cors import *  # noqa: E402,F403
from .health import *  # noqa: E402,F403
from .jobs import *  # noqa: E402,F403
from .llm import *  # noqa: E402,F403
from .logging import *  # noqa: E402,F403
from .mail import *  # noqa: E402,F403
from .maintenance import *  # noqa: E402,F403
from .metrics import *  # noqa: E402,F403
from .moderation import *  # noqa: E402,F403
from .notifications import *  # noqa: E402,F403
from .openbadges import *  # noqa: E402,F403
from .progress import *  # noqa: E402,F403
from .projects import *  # noqa: E402,F403
from .recording_snapshots import *  # noqa: E402,F403
from .recordings import *  # noqa: E402,F403
from .rewards import *  # noqa: E402,F403
from .sentry import *  # noqa: E402,F403
from .sms import *  # noqa: E402,F403
from .storage import *  # noqa: E402,F403
from .tutor import *  # noqa: E402,F403

# Every variable a module above asked for with `required()` and did not get, at once
# (prod.py defers this to its own end).
check_required()

# Demo content builders run in order by `manage.py load_demo`; each app adds its own.
DEMO_LOADERS = [
    "site_config.demo.load_site",
    "learning.accounts.demo.load",
    "cms.demo.load",
    "learning.coding.demo.load",
    "learning.recordings.demo.load",
    "learning.recordings.demo_snapshots.load",  # the demo recording's code timeline
    "learning.assessments.demo.load",
    "learning.rewards.demo.load",
    "learning.rewards.certificates.demo.load",
]
