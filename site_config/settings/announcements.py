"""Announcements (learning/notifications/announcements, docs/announcements.md)."""

from .env import env

# Recipients per fan-out batch: one transaction, a fixed number of queries.
ANNOUNCEMENT_BATCH_SIZE = env.int("ANNOUNCEMENT_BATCH_SIZE", default=1000)
# Batches one fan-out job runs before it queues its continuation (keeps a job well
# inside Q_TIMEOUT whatever the audience).
ANNOUNCEMENT_BATCHES_PER_JOB = env.int("ANNOUNCEMENT_BATCHES_PER_JOB", default=20)
ANNOUNCEMENT_BODY_MAX_CHARS = env.int("ANNOUNCEMENT_BODY_MAX_CHARS", default=5000)
# Furthest ahead an announcement may be scheduled, days.
ANNOUNCEMENT_MAX_SCHEDULE_DAYS = env.int("ANNOUNCEMENT_MAX_SCHEDULE_DAYS", default=365)
