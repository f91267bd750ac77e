"""Learner progress: batch size and clock-skew limits of the event ingest API."""

from .env import env

PROGRESS_MAX_BATCH = env.int("PROGRESS_MAX_BATCH", default=500)
PROGRESS_MAX_CLOCK_SKEW_SECONDS = env.int("PROGRESS_MAX_CLOCK_SKEW_SECONDS", default=300)
PROGRESS_MAX_POSITION_BYTES = env.int("PROGRESS_MAX_POSITION_BYTES", default=1024)
