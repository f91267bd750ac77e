"""Learning analytics (docs/analytics.md)."""

from .env import env

# The key of the pseudonymous actor id (learning/analytics/pseudonym.py); SECRET_KEY
# when empty. Changing it starts new pseudonyms.
ANALYTICS_PSEUDONYM_KEY = env("ANALYTICS_PSEUDONYM_KEY", default="")

# --- ingest: POST /api/v1/analytics/events/ (docs/analytics.md#event-pipeline) ---
# Events per request (1..N); more is a 400 for the whole body.
ANALYTICS_INGEST_MAX_EVENTS = env.int("ANALYTICS_INGEST_MAX_EVENTS", default=500)
# The request body of one batch (413 above); 500 events of a few hundred bytes each fit.
ANALYTICS_INGEST_MAX_BYTES = env.int("ANALYTICS_INGEST_MAX_BYTES", default=1_048_576)
# Requests per user (DRF throttle scope `analytics_ingest`); empty turns the throttle off.
ANALYTICS_INGEST_RATE = env("ANALYTICS_INGEST_RATE", default="120/min")
# An event's timestamp may be at most this far in the future (client clocks drift) ...
ANALYTICS_CLOCK_SKEW_SECONDS = env.int("ANALYTICS_CLOCK_SKEW_SECONDS", default=300)
# ... and at most this old (an offline client's backlog).
ANALYTICS_MAX_EVENT_AGE_DAYS = env.int("ANALYTICS_MAX_EVENT_AGE_DAYS", default=30)

# --- the write queue and its drain job (learning/analytics/queue.py, tasks.drain) ---
# At most one drain job is enqueued per this many seconds (the minute schedule is the
# safety net for anything queued after the last one).
ANALYTICS_DRAIN_DEBOUNCE_SECONDS = env.int("ANALYTICS_DRAIN_DEBOUNCE_SECONDS", default=2)
# Rows per bulk insert, and chunks per drain job run (the rest waits for the next run).
ANALYTICS_DRAIN_CHUNK = env.int("ANALYTICS_DRAIN_CHUNK", default=5000)
ANALYTICS_DRAIN_MAX_CHUNKS = env.int("ANALYTICS_DRAIN_MAX_CHUNKS", default=100)
