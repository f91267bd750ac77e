"""Notifications (learning/notifications, docs/notifications.md). Every number is an
environment variable."""

from .env import env

# notify(): recipients handled per batch (a fixed number of queries per batch).
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=1000)
# Deliveries per send job (one SMTP connection per job).
NOTIFICATIONS_DELIVERY_CHUNK = env.int("NOTIFICATIONS_DELIVERY_CHUNK", default=100)
# Tries per delivery before it is `failed`; the wait after the n-th failed try is
# BACKOFF * 2^(n-1) seconds, at most BACKOFF_MAX.
NOTIFICATIONS_DELIVERY_MAX_ATTEMPTS = env.int("NOTIFICATIONS_DELIVERY_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_RETRY_BACKOFF_SECONDS = env.int("NOTIFICATIONS_RETRY_BACKOFF_SECONDS", default=60)
NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS = env.int("NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS", default=3600)
# A send job holds its deliveries this long; past it the retry sweep may queue them again.
NOTIFICATIONS_DELIVERY_LEASE_SECONDS = env.int("NOTIFICATIONS_DELIVERY_LEASE_SECONDS", default=600)
NOTIFICATIONS_RETRY_SWEEP_LIMIT = env.int("NOTIFICATIONS_RETRY_SWEEP_LIMIT", default=5000)
# Inbox page size (cursor pagination): default and upper bound of ?page_size=.
NOTIFICATIONS_PAGE_SIZE = env.int("NOTIFICATIONS_PAGE_SIZE", default=20)
NOTIFICATIONS_MAX_PAGE_SIZE = env.int("NOTIFICATIONS_MAX_PAGE_SIZE", default=100)
# The admin API's send: at most this many recipients per request (broadcasts to more
# go through announcements).
NOTIFICATIONS_ADMIN_MAX_RECIPIENTS = env.int("NOTIFICATIONS_ADMIN_MAX_RECIPIENTS", default=1000)
# Preference changes per PATCH.
NOTIFICATIONS_MAX_PREFERENCE_CHANGES = env.int("NOTIFICATIONS_MAX_PREFERENCE_CHANGES", default=100)
# Absolute URL of the unsubscribe endpoint ({token} is replaced): the mails' body
# links and List-Unsubscribe header. Point it at the front end's page if it has one
# (the page then POSTs the token to the API).
NOTIFICATIONS_UNSUBSCRIBE_URL = env(
    "NOTIFICATIONS_UNSUBSCRIBE_URL",
    default=env("WAGTAILADMIN_BASE_URL", default="http://localhost:8000").rstrip("/")
    + "/api/v1/notifications/unsubscribe/{token}/",
)
# The "Open Mr ICT" link of the mails.
NOTIFICATIONS_SITE_URL = env(
    "NOTIFICATIONS_SITE_URL", default=env("FRONTEND_BASE_URL", default="http://localhost:3000")
)
