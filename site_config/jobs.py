"""Job queues and project-wide jobs (docs/operations.md, "Jobs and queues").

Every job is queued through `enqueue(func, *args, queue=...)`: `light` (the default:
mail, notifications, event handlers) or `heavy` (transcoding, index builds, PDF
rendering, analyses, exports). Each queue is a django-q2 cluster of its own
(settings.JOB_QUEUES), so a long transcode never delays a password-reset mail.
"""

from django.conf import settings
from django.utils import timezone

from .models import WorkerHeartbeat

LIGHT = "light"
HEAVY = "heavy"
# The light queue's heartbeat row (the name the single-queue days used for "the worker").
HEARTBEAT_NAME = LIGHT


class UnknownQueue(ValueError):
    pass


def queue_names() -> list[str]:
    return list(settings.JOB_QUEUES)


def cluster_of(queue: str) -> str:
    """The django-q2 cluster (its broker's queue name) that runs `queue`."""
    try:
        return settings.JOB_QUEUES[queue]
    except KeyError:
        raise UnknownQueue(f"no job queue {queue!r} (known: {', '.join(settings.JOB_QUEUES)})") from None


def queue_of_cluster(cluster_name: str | None) -> str:
    for queue, cluster in settings.JOB_QUEUES.items():
        if cluster == cluster_name:
            return queue
    return LIGHT


def queue_conf(queue: str) -> dict:
    """The effective django-q2 settings of a queue's cluster (the light cluster's,
    overridden by its ALT_CLUSTERS entry)."""
    cluster = cluster_of(queue)
    conf = {k: v for k, v in settings.Q_CLUSTER.items() if k != "ALT_CLUSTERS"}
    if cluster != settings.Q_CLUSTER["name"]:
        conf |= settings.Q_CLUSTER.get("ALT_CLUSTERS", {}).get(cluster, {})
    return conf


def enqueue(func: str, *args, queue: str = LIGHT, **kwargs) -> str | None:
    """Queue `func` (a dotted path; ids as arguments, never instances) on `queue`.
    Keyword arguments are django-q2's (`task_name`, `save`, `hook`, ...) and the job's."""
    from django_q.tasks import async_task

    cluster = cluster_of(queue)
    if queue != LIGHT:
        kwargs["cluster"] = cluster
    return async_task(func, *args, **kwargs)


# --- jobs ---------------------------------------------------------------------------


def heartbeat(queue: str | None = None) -> str:
    """A queue's worker proves it is alive (one schedule per queue: setup_schedules).
    Without a queue, every queue's row (a one-off from a shell or a test)."""
    now = timezone.now()
    for name in [queue] if queue else queue_names():
        cluster_of(name)  # an unknown queue fails the job, visibly
        WorkerHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": now})
    return now.isoformat()


def on_cluster_process_spawn(sender=None, proc_name=None, **kwargs) -> None:
    from django_q.conf import Conf

    heartbeat(queue_of_cluster(Conf.CLUSTER_NAME))
