"""django-q2: the ORM broker by default, Redis when REDIS_URL is set.

Two queues, each its own django-q2 cluster (docs/operations.md, "Jobs and queues"):

- `light` (the default cluster, named `mrict`): mail, notifications, event handlers,
  schedules; short timeout, several workers, so a password-reset mail is never behind
  a transcode.
- `heavy` (`ALT_CLUSTERS["heavy"]`, started with `Q_CLUSTER_NAME=heavy manage.py
  qcluster`): transcoding, index builds, PDF rendering, analyses and exports; few
  workers, a long timeout.

django-q2 re-queues a job whose worker has not acknowledged it after `retry` seconds,
so `retry` must exceed `timeout` in every cluster, or a job still running is started a
second time (checked here, and by tests/test_jobs_queues.py).
"""

from django.core.exceptions import ImproperlyConfigured

from .env import env

_redis_url = env("REDIS_URL", default="")

_light_timeout = env.int("Q_TIMEOUT", default=300)
_heavy_timeout = env.int("Q_HEAVY_TIMEOUT", default=1800)

Q_CLUSTER = {
    "name": "mrict",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": _light_timeout,
    "retry": env.int("Q_RETRY", default=_light_timeout + 60),
    "max_attempts": env.int("Q_MAX_ATTEMPTS", default=3),
    "queue_limit": 50,
    "bulk": 10,
    "catch_up": False,
    "save_limit": 500,
    "label": "Jobs",
    "ALT_CLUSTERS": {
        "heavy": {
            "workers": env.int("Q_HEAVY_WORKERS", default=1),
            "timeout": _heavy_timeout,
            "retry": env.int("Q_HEAVY_RETRY", default=_heavy_timeout + 300),
            "max_attempts": env.int("Q_HEAVY_MAX_ATTEMPTS", default=2),
            "queue_limit": 4,
            "bulk": 1,
        },
    },
}
if _redis_url:
    Q_CLUSTER["redis"] = _redis_url
else:
    Q_CLUSTER["orm"] = "default"

for _name, _conf in [("light", Q_CLUSTER), *Q_CLUSTER["ALT_CLUSTERS"].items()]:
    if not 0 < _conf["timeout"] < _conf["retry"]:
        raise ImproperlyConfigured(
            f"job queue {_name}: timeout ({_conf['timeout']} s) must be positive and below "
            f"retry ({_conf['retry']} s), or a running job is started again"
        )

# The queues, light first: name -> django-q2 cluster name (site_config/jobs.py).
JOB_QUEUES = {"light": Q_CLUSTER["name"], "heavy": "heavy"}

# Readiness: each queue's worker writes a heartbeat every minute (a schedule per queue,
# setup_schedules) and when its processes start; the queue's check fails when none was
# seen for this many seconds. A heavy worker busy with a long job cannot beat, hence
# its own, longer limit.
JOBS_HEARTBEAT_MAX_AGE = env.int("JOBS_HEARTBEAT_MAX_AGE", default=180)
JOBS_HEAVY_HEARTBEAT_MAX_AGE = env.int("JOBS_HEAVY_HEARTBEAT_MAX_AGE", default=_heavy_timeout + 180)
JOBS_REQUIRED = env.bool("JOBS_REQUIRED", default=True)
