from django.db import models


class WorkerHeartbeat(models.Model):
    """Last time a job worker proved it is alive by running the heartbeat job.

    Kept in the database rather than the cache because the embedded default's
    local-memory cache is per process: the web process could never see it.
    """

    name = models.CharField(max_length=100, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at.isoformat()}"
