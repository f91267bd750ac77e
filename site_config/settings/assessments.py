"""Quizzes and assessments: timing grace and answer limits (docs/assessments.md)."""

from .env import env

# Answers saved (and a submission's answers counted) up to this long after an attempt's
# deadline: network latency, not extra time.
QUIZ_LATE_GRACE_SECONDS = env.int("QUIZ_LATE_GRACE_SECONDS", default=30)
# One saved answer's size (JSON text); code answers have their own limit.
QUIZ_MAX_ANSWER_BYTES = env.int("QUIZ_MAX_ANSWER_BYTES", default=4000)
QUIZ_MAX_CODE_ANSWER_BYTES = env.int("QUIZ_MAX_CODE_ANSWER_BYTES", default=20000)
# Answers in one save request (a quiz's questions are at most this many too).
QUIZ_MAX_ANSWERS_PER_SAVE = env.int("QUIZ_MAX_ANSWERS_PER_SAVE", default=200)
