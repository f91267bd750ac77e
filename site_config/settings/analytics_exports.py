"""Exportable analytics reports (docs/analytics.md#exports)."""

from .env import env

# How long a signed download link of a finished export works.
ANALYTICS_EXPORT_LINK_SECONDS = env.int("ANALYTICS_EXPORT_LINK_SECONDS", default=300)
# Exports one person may have queued or running at once; more answer 429 `too_many_exports`.
ANALYTICS_EXPORT_MAX_ACTIVE_PER_USER = env.int("ANALYTICS_EXPORT_MAX_ACTIVE_PER_USER", default=2)
# Most rows in one export: a larger report fails with an error saying so (narrow the scope).
ANALYTICS_EXPORT_MAX_ROWS = env.int("ANALYTICS_EXPORT_MAX_ROWS", default=500_000)
# Hours a finished export's file is kept; the hourly purge deletes older exports and files.
ANALYTICS_EXPORT_RETENTION_HOURS = env.int("ANALYTICS_EXPORT_RETENTION_HOURS", default=72)
