"""The analytics store (docs/analytics.md).

`Event` is one xAPI-shaped statement (actor, verb, object, result, context), written
append-only in bulk by a job, never updated. Its primary key is the event id: a client
generates one per event (ingest is idempotent by it), a server event derives one from
the domain event, so a replayed job inserts nothing twice.

`Actor` is what analytics knows about a pseudonymous actor without knowing who it is:
when it signed up (retention cohorts) and its organisation (reports scoped to one).
There is no link back to the user; deleting an account leaves only pseudonymous rows.
"""

from django.db import models


class Source(models.TextChoices):
    CLIENT = "client", "Client (front end)"
    SERVER = "server", "Server (domain event)"


class Event(models.Model):
    id = models.UUIDField(primary_key=True)
    type = models.CharField(max_length=64, help_text="The registered event type (registry.py).")
    source = models.CharField(max_length=8, choices=Source.choices)
    actor = models.CharField(max_length=32, help_text="The pseudonymous actor id (pseudonym.py).")
    verb = models.CharField(max_length=200, help_text="The xAPI verb IRI.")
    object_type = models.CharField(max_length=32, help_text="lesson, course, challenge, quiz, recording, ...")
    object_id = models.CharField(max_length=64, blank=True)
    # Context ids, denormalised for rollups (each may be null: not every event has one).
    course_id = models.BigIntegerField(null=True, blank=True)
    module_id = models.BigIntegerField(null=True, blank=True)
    lesson_id = models.BigIntegerField(null=True, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    timestamp = models.DateTimeField(help_text="When it happened (xAPI timestamp).")
    stored = models.DateTimeField(help_text="When the store accepted it (xAPI stored).")
    result = models.JSONField(
        default=dict, blank=True, help_text="xAPI result: score, success, completion, duration."
    )
    extensions = models.JSONField(
        default=dict, blank=True, help_text="The type's payload, valid against its schema."
    )

    class Meta:
        indexes = [
            models.Index(fields=["timestamp"], name="analytics_event_ts"),
            models.Index(fields=["type", "timestamp"], name="analytics_event_type_ts"),
            models.Index(fields=["course_id", "timestamp"], name="analytics_event_course_ts"),
            # store order: the xAPI forwarder's cursor (xapi/services.py)
            models.Index(fields=["stored", "id"], name="analytics_event_stored"),
        ]

    def __str__(self):
        return f"{self.type} {self.actor} {self.timestamp:%Y-%m-%d %H:%M:%S}"


class Actor(models.Model):
    id = models.CharField(max_length=32, primary_key=True, help_text="The pseudonymous actor id.")
    signed_up_on = models.DateField(null=True, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    first_seen = models.DateTimeField()

    def __str__(self):
        return self.id


class DirtyDay(models.Model):
    """A UTC day whose raw events changed since its rollups were last computed: the
    drain job marks the days of the events it inserts, the rollup job recomputes exactly
    these days and clears them (rollups are incremental)."""

    day = models.DateField(primary_key=True)
    marked_at = models.DateTimeField()

    def __str__(self):
        return self.day.isoformat()


class IngestBatch(models.Model):
    """Staging for the embedded default (no Redis): the validated rows of one ingest
    request or one server event, as a JSON list, until the drain job bulk-inserts them
    into Event and deletes the batch in the same transaction (learning/analytics/queue.py).
    With Redis the rows wait on a Redis list instead and this table stays empty."""

    id = models.BigAutoField(primary_key=True)
    rows = models.JSONField()
    count = models.PositiveIntegerField(
        help_text="len(rows), so a drain sizes its chunk without reading rows."
    )
    created_at = models.DateTimeField()

    def __str__(self):
        return f"ingest batch {self.pk} ({len(self.rows)} rows)"


# Forwarding to a Learning Record Store (learning/analytics/xapi).
# The rollup tables the dashboards read (rollups/models.py).
from .rollups.models import Period, Rollup, RollupLesson  # noqa: E402,F401
from .xapi.models import DeadLetter, ForwardingCursor  # noqa: E402,F401
