"""Project-wide jobs. Thin: each calls one function."""

from django.utils import timezone

from .models import WorkerHeartbeat

HEARTBEAT_NAME = "qcluster"


def heartbeat() -> str:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(name=HEARTBEAT_NAME, defaults={"seen_at": now})
    return now.isoformat()


def on_cluster_process_spawn(sender=None, proc_name=None, **kwargs) -> None:
    heartbeat()
