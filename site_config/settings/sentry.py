"""Sentry, only when SENTRY_DSN is set (site_config/sentry.py: what is sent and what is
scrubbed; docs/operations.md#monitoring-and-alerting)."""

from .env import env

SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
# The release: SENTRY_RELEASE, else the git commit baked into the image (GIT_SHA, a
# build argument of docker/Dockerfile), else the SDK's guess (git, in a checkout).
SENTRY_RELEASE = env("SENTRY_RELEASE", default="") or env("GIT_SHA", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    from site_config import sentry as _sentry

    _sentry.init(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        release=SENTRY_RELEASE,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )
