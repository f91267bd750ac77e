"""Analytics rollups and dashboards (learning/analytics/rollups, docs/analytics.md#rollups)."""

from .env import env

# Minutes between two runs of the rollup job (setup_schedules.py): it recomputes the
# days the ingest marked dirty.
ANALYTICS_ROLLUP_EVERY_MINUTES = env.int("ANALYTICS_ROLLUP_EVERY_MINUTES", default=5)
# Dirty days one run recomputes at most (the oldest first; the rest wait for the next run).
ANALYTICS_ROLLUP_MAX_DAYS_PER_RUN = env.int("ANALYTICS_ROLLUP_MAX_DAYS_PER_RUN", default=62)
# Retention cohorts are followed for weeks 0..N after the signup week.
ANALYTICS_RETENTION_WEEKS = env.int("ANALYTICS_RETENTION_WEEKS", default=12)
# Longest date range (days, inclusive) one dashboard request may ask for (400 beyond).
ANALYTICS_DASHBOARD_MAX_DAYS = env.int("ANALYTICS_DASHBOARD_MAX_DAYS", default=731)
# The range a dashboard request gets without `from` (days up to `to`, today by default).
ANALYTICS_DASHBOARD_DEFAULT_DAYS = env.int("ANALYTICS_DASHBOARD_DEFAULT_DAYS", default=30)
