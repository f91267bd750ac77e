"""The tutor's answers: the LLM endpoint (any OpenAI-compatible server, optional) and
the limits and guardrails of the tutor API (docs/tutor.md)."""

from .env import env

LLM_BASE_URL = env("LLM_BASE_URL", default="")
LLM_MODEL = env("LLM_MODEL", default="")
LLM_API_KEY = env("LLM_API_KEY", default="")
LLM_TIMEOUT = env.float("LLM_TIMEOUT", default=30.0)
LLM_MAX_TOKENS = env.int("LLM_MAX_TOKENS", default=512)
LLM_RETRIES = env.int("LLM_RETRIES", default=1)
LLM_TEMPERATURE = env.float("LLM_TEMPERATURE", default=0.2)

# --- the tutor API ---------------------------------------------------------------------
TUTOR_THROTTLE = env("TUTOR_THROTTLE", default="20/min")
TUTOR_READ_THROTTLE = env("TUTOR_READ_THROTTLE", default="120/min")
TUTOR_DAILY_LIMIT = env.int("TUTOR_DAILY_LIMIT", default=100)
TUTOR_MAX_QUESTION_CHARS = env.int("TUTOR_MAX_QUESTION_CHARS", default=2000)
TUTOR_MAX_CODE_BYTES = env.int("TUTOR_MAX_CODE_BYTES", default=65536)
TUTOR_MAX_RESULT_CHARS = env.int("TUTOR_MAX_RESULT_CHARS", default=8000)
TUTOR_MAX_TURNS = env.int("TUTOR_MAX_TURNS", default=200)
TUTOR_HISTORY_TURNS = env.int("TUTOR_HISTORY_TURNS", default=6)
TUTOR_PASSAGES = env.int("TUTOR_PASSAGES", default=4)
TUTOR_SOLUTION_SIMILARITY = env.float("TUTOR_SOLUTION_SIMILARITY", default=0.5)
TUTOR_SCOPE_MIN_SCORE = env.float("TUTOR_SCOPE_MIN_SCORE", default=0.35)
