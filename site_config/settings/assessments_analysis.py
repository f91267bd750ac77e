"""Quizzes, part 2: item analysis, question bank import (docs/assessments.md)."""

from .env import env

# Share of attempts in each of the top and bottom groups of the distractor analysis.
ITEM_ANALYSIS_GROUP_SHARE = env.float("ITEM_ANALYSIS_GROUP_SHARE", default=0.27)
# Most responses (attempts x questions) one analysis loads; above, the job fails with a message.
ITEM_ANALYSIS_MAX_RESPONSES = env.int("ITEM_ANALYSIS_MAX_RESPONSES", default=2_000_000)

# Moodle XML / GIFT import of a question bank: limits of one file.
QUESTION_IMPORT_MAX_BYTES = env.int("QUESTION_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
QUESTION_IMPORT_MAX_QUESTIONS = env.int("QUESTION_IMPORT_MAX_QUESTIONS", default=500)
QUESTION_IMPORT_MAX_OPTIONS = env.int("QUESTION_IMPORT_MAX_OPTIONS", default=50)
QUESTION_IMPORT_MAX_TEXT_CHARS = env.int("QUESTION_IMPORT_MAX_TEXT_CHARS", default=20_000)
QUESTION_IMPORT_MAX_XML_ELEMENTS = env.int("QUESTION_IMPORT_MAX_XML_ELEMENTS", default=200_000)
