"""Forwarding analytics events to a Learning Record Store as xAPI 1.0.3 statements
(learning/analytics/xapi, docs/analytics.md#forwarding-to-a-learning-record-store-xapi).
Off unless ANALYTICS_XAPI_ENDPOINT is set. Credentials may come from files
(ANALYTICS_XAPI_PASSWORD_FILE=/run/secrets/lrs: the shared reader's *_FILE rule)."""

from django.core.exceptions import ImproperlyConfigured

from .env import env

# The LRS's xAPI root, e.g. "http://127.0.0.1:8100/xAPI" (Ralph) or
# "https://lrs.example.org/data/xAPI" (Learning Locker); statements go to <root>/statements.
ANALYTICS_XAPI_ENDPOINT = env("ANALYTICS_XAPI_ENDPOINT", default="").rstrip("/")
ANALYTICS_XAPI_USERNAME = env("ANALYTICS_XAPI_USERNAME", default="")
ANALYTICS_XAPI_PASSWORD = env("ANALYTICS_XAPI_PASSWORD", default="")
# The actor's account homePage (its name is the pseudonymous actor id) and the root of
# the activity IRIs (<base>/<object_type>/<object_id>).
ANALYTICS_XAPI_ACCOUNT_HOMEPAGE = env("ANALYTICS_XAPI_ACCOUNT_HOMEPAGE", default="https://mrict.dev").rstrip(
    "/"
)
ANALYTICS_XAPI_ACTIVITY_BASE = env(
    "ANALYTICS_XAPI_ACTIVITY_BASE", default="https://mrict.dev/xapi/activities"
).rstrip("/")
# Statements per POST; the LRS's own limit may be lower (Learning Locker: 100s are fine).
ANALYTICS_XAPI_BATCH_SIZE = env.int("ANALYTICS_XAPI_BATCH_SIZE", default=100)
# Tries of one POST on a network error, a 5xx or a 429, the waits doubling from the backoff.
ANALYTICS_XAPI_MAX_ATTEMPTS = env.int("ANALYTICS_XAPI_MAX_ATTEMPTS", default=4)
ANALYTICS_XAPI_RETRY_BACKOFF_SECONDS = env.float("ANALYTICS_XAPI_RETRY_BACKOFF_SECONDS", default=2.0)
ANALYTICS_XAPI_TIMEOUT = env.float("ANALYTICS_XAPI_TIMEOUT", default=10.0)
# Events stored less than this long ago wait for the next run, so a bulk insert still
# committing is never overtaken by the cursor.
ANALYTICS_XAPI_SETTLE_SECONDS = env.int("ANALYTICS_XAPI_SETTLE_SECONDS", default=30)
# One run (the every-minute job) stops starting new batches after this long; it also
# bounds the lease that keeps two runs from sending the same events.
ANALYTICS_XAPI_RUN_SECONDS = env.int("ANALYTICS_XAPI_RUN_SECONDS", default=50)

for _name in ("ANALYTICS_XAPI_BATCH_SIZE", "ANALYTICS_XAPI_MAX_ATTEMPTS", "ANALYTICS_XAPI_RUN_SECONDS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1.")
if (
    ANALYTICS_XAPI_TIMEOUT <= 0
    or ANALYTICS_XAPI_RETRY_BACKOFF_SECONDS < 0
    or ANALYTICS_XAPI_SETTLE_SECONDS < 0
):
    raise ImproperlyConfigured(
        "ANALYTICS_XAPI_TIMEOUT must be above 0; ANALYTICS_XAPI_RETRY_BACKOFF_SECONDS and "
        "ANALYTICS_XAPI_SETTLE_SECONDS must not be negative."
    )
if ANALYTICS_XAPI_ENDPOINT and not ANALYTICS_XAPI_ENDPOINT.startswith(("http://", "https://")):
    raise ImproperlyConfigured("ANALYTICS_XAPI_ENDPOINT must be an http:// or https:// URL.")
