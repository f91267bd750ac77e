"""Moderation of learner content (learning/moderation, docs/moderation.md)."""

from .env import env

# Reports one account may file in a rolling hour (429 `too_many_reports` beyond).
MODERATION_REPORTS_PER_HOUR = env.int("MODERATION_REPORTS_PER_HOUR", default=10)
# Longest free-text comment of a report, and of an admin's decision.
MODERATION_COMMENT_MAX_CHARS = env.int("MODERATION_COMMENT_MAX_CHARS", default=1000)
# Reports shown on one case's detail (newest first).
MODERATION_CASE_REPORTS_SHOWN = env.int("MODERATION_CASE_REPORTS_SHOWN", default=100)
