"""django-q2: the ORM broker by default, Redis when REDIS_URL is set."""

from .env import env

_redis_url = env("REDIS_URL", default="")

Q_CLUSTER = {
    "name": "mrict",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": env.int("Q_TIMEOUT", default=300),
    "retry": env.int("Q_TIMEOUT", default=300) + 60,
    "max_attempts": 3,
    "queue_limit": 50,
    "bulk": 10,
    "catch_up": False,
    "save_limit": 500,
    "label": "Jobs",
}
if _redis_url:
    Q_CLUSTER["redis"] = _redis_url
else:
    Q_CLUSTER["orm"] = "default"

# Readiness: the worker writes a heartbeat every minute (see setup_schedules); the
# job check fails when none was seen for this many seconds.
JOBS_HEARTBEAT_MAX_AGE = env.int("JOBS_HEARTBEAT_MAX_AGE", default=180)
JOBS_REQUIRED = env.bool("JOBS_REQUIRED", default=True)
