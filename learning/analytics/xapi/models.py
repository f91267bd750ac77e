"""The state of forwarding to the LRS (imported by learning/analytics/models.py).

`ForwardingCursor` is one row: the position in store order, (stored, event id), of
the last event handled (delivered or dead-lettered), so each event is sent once on
success; the lease that keeps two runs from sending the same batch; and what an
operator needs to see (last success, last error, totals).

`DeadLetter` is a statement the LRS refused (a 4xx other than auth/endpoint errors,
narrowed to the one statement by bisecting its batch). An admin's "retry" queues it;
the next run sends it again and marks it delivered, or refused once more.
"""

from django.db import models


class ForwardingCursor(models.Model):
    name = models.CharField(max_length=32, primary_key=True, default="lrs")
    stored = models.DateTimeField(null=True, blank=True, help_text="`stored` of the last event handled.")
    event_id = models.UUIDField(null=True, blank=True, help_text="Id of the last event handled.")
    lease_token = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_total = models.BigIntegerField(default=0)
    dead_lettered_total = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "xAPI forwarding cursor"

    def __str__(self):
        return f"{self.name} at {self.stored:%Y-%m-%d %H:%M:%S}" if self.stored else f"{self.name} (start)"


class DeadLetterStatus(models.TextChoices):
    REFUSED = "refused", "Refused by the LRS"
    QUEUED = "queued", "Queued for a retry"
    DELIVERED = "delivered", "Delivered on a retry"


class DeadLetter(models.Model):
    event = models.OneToOneField("analytics.Event", on_delete=models.CASCADE, related_name="xapi_dead_letter")
    status = models.CharField(
        max_length=12, choices=DeadLetterStatus.choices, default=DeadLetterStatus.REFUSED
    )
    attempts = models.PositiveIntegerField(default=1, help_text="Times the LRS was sent this statement.")
    last_status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The LRS's HTTP status.")
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "xAPI dead letter"
        indexes = [models.Index(fields=["status", "created_at"], name="analytics_xapi_dl_status")]

    def __str__(self):
        return f"{self.event_id} ({self.status})"
