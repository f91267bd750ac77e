"""Accounts: JWT sessions, email one-time codes, throttles, avatars.

Every value is an environment variable with a default (README env table)."""

from datetime import timedelta

from .api import REST_FRAMEWORK
from .env import env

# JWT (djangorestframework-simplejwt) is the API's one auth scheme. Our subclass of its
# authentication class also rejects access tokens of revoked sessions (see
# learning/accounts/authentication.py).
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = ["learning.accounts.authentication.JWTAuthentication"]

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,  # login updates last_login itself
    "ALGORITHM": "HS256",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "LEEWAY": 0,
}
# Tokens are signed with SECRET_KEY unless JWT_SIGNING_KEY is set (rotate them apart).
if env("JWT_SIGNING_KEY", default=""):
    SIMPLE_JWT["SIGNING_KEY"] = env("JWT_SIGNING_KEY")

# Seconds the user row behind an access token stays cached in Redis (0 = off; without
# REDIS_URL there is no cache: learning/accounts/user_cache.py). Every write to a user
# drops its entry, so revocation stays immediate.
AUTH_USER_CACHE_SECONDS = env.int("AUTH_USER_CACHE_SECONDS", default=60)

# Sessions revoked one at a time (logout, refresh-token reuse) are listed on the user row
# while their tokens could live; past this many at once the user is signed out everywhere.
AUTH_REVOKED_SESSIONS_MAX = env.int("AUTH_REVOKED_SESSIONS_MAX", default=50)
# Addresses the organisation snippet's "Add members" takes in one save.
ORGANISATION_ADD_MEMBERS_MAX = env.int("ORGANISATION_ADD_MEMBERS_MAX", default=5000)

# Email one-time codes (signup verification and password reset).
OTP_TTL_MINUTES = env.int("OTP_TTL_MINUTES", default=10)
OTP_MAX_ATTEMPTS = env.int("OTP_MAX_ATTEMPTS", default=5)

# Throttles on the anonymous auth endpoints, cache-backed (Redis when REDIS_URL is set).
# "per IP" scopes key on the client address, "per address" scopes on the email in the body.
AUTH_THROTTLE_RATES = {
    "login": env("AUTH_THROTTLE_LOGIN", default="10/min"),  # per IP
    "login_email": env("AUTH_THROTTLE_LOGIN_EMAIL", default="20/hour"),  # per address
    "signup": env("AUTH_THROTTLE_SIGNUP", default="10/hour"),  # per IP
    "otp_verify": env("AUTH_THROTTLE_OTP_VERIFY", default="10/min"),  # per IP
    "otp_verify_email": env("AUTH_THROTTLE_OTP_VERIFY_EMAIL", default="20/hour"),  # per address
    "otp_send": env("AUTH_THROTTLE_OTP_SEND", default="10/hour"),  # per IP
    "otp_send_email": env("AUTH_THROTTLE_OTP_SEND_EMAIL", default="3/hour"),  # per address
    "password_change": env("AUTH_THROTTLE_PASSWORD_CHANGE", default="10/hour"),  # per user
    "refresh": env("AUTH_THROTTLE_REFRESH", default="60/min"),  # per IP
    "avatar": env("AUTH_THROTTLE_AVATAR", default="10/hour"),  # avatar uploads per user
}

# Login lockout (django-axes with our handler, learning/accounts/lockout.py): one for
# the API login, the Wagtail editor's and Django admin's. Failed logins are counted per
# account and per client network; at the limit that account or network is refused,
# without a password check, for the cool-off. The counts live in the default cache.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)  # per account
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=50)  # per client IP (IPv6: /64)
LOGIN_COOLOFF_MINUTES = env.int("LOGIN_COOLOFF_MINUTES", default=15)
AXES_ENABLED = True
AXES_HANDLER = "learning.accounts.lockout.LoginLockoutHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "site_config.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "learning.accounts.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "learning.accounts.lockout.lockout_response"
AXES_ENABLE_ADMIN = False  # axes' own tables stay empty with our cache-backed handler
AXES_VERBOSE = False
# Editor and admin logins: accounts that may not use the site get the wrong-password
# answer (learning/accounts/forms.py).
WAGTAILADMIN_USER_LOGIN_FORM = "learning.accounts.forms.EditorLoginForm"

# Avatars: checked by decoding (never by extension), then stored only as a square
# re-encoded rendition without metadata.
AVATAR_MAX_BYTES = env.int("AVATAR_MAX_BYTES", default=2 * 1024 * 1024)
AVATAR_MAX_PIXELS = env.int("AVATAR_MAX_PIXELS", default=25_000_000)
# Memory one avatar may take to decode and square, estimated from its header before any
# pixel is decoded (pixels x bytes per pixel of its mode and of the copies made of it).
AVATAR_MAX_DECODED_BYTES = env.int("AVATAR_MAX_DECODED_BYTES", default=64 * 1024 * 1024)
# Avatars decoded at once per web process, and how long an upload waits for a slot
# before a 429 with Retry-After.
AVATAR_MAX_CONCURRENT_DECODES = env.int("AVATAR_MAX_CONCURRENT_DECODES", default=2)
AVATAR_DECODE_WAIT_MS = env.int("AVATAR_DECODE_WAIT_MS", default=2000)
AVATAR_SIZE = env.int("AVATAR_SIZE", default=256)
AVATAR_FORMATS = env.list("AVATAR_FORMATS", default=["JPEG", "PNG", "WEBP", "GIF"])

# django-guardian: object-level grants (a teacher on one course). No anonymous user row:
# the API needs authentication anyway, and a fake "AnonymousUser" account would sit in
# the users table with a non-email login.
ANONYMOUS_USER_NAME = None

# The 401 error shape lists our token codes (token_not_valid, token_revoked,
# invalid_credentials) besides DRF's; see learning/accounts/schema.py. The 429 shape
# lists every app's code (site_config/api/schema.py).
from .api import DRF_STANDARDIZED_ERRORS, SPECTACULAR_SETTINGS  # noqa: E402

DRF_STANDARDIZED_ERRORS["ERROR_SCHEMAS"] = {
    "401": "learning.accounts.schema.ErrorResponse401Serializer",
    "429": "site_config.api.schema.ErrorResponse429Serializer",
}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["ErrorCode401Enum"] = (
    "learning.accounts.schema.ErrorCode401Enum.choices"
)
