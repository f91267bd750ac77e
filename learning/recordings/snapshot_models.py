"""The snapshot timeline of a recording (docs/recordings.md, "Snapshots"). Imported by
models.py, so Django finds it; kept apart from the Recording model it hangs off."""

from django.db import models


class SnapshotKind(models.TextChoices):
    EDIT = "edit"
    RUN = "run"
    CONSOLE = "console"


class Snapshot(models.Model):
    """What the teacher's editor held at `t_ms` into the video.

    `seq` is the snapshot's place in its recording (0, 1, 2... in ingestion order, which
    is also `t_ms` order: ingestion refuses a `t_ms` before the last one). `diff` turns
    the state of snapshot `seq - 1` into this one's (learning/recordings/snapshot_format.py);
    a keyframe also stores the whole state in `files`, and every snapshot names its
    keyframe in `keyframe_seq`, so a state read fetches that keyframe and the diffs
    after it (fewer than RECORDING_KEYFRAME_EVERY) in one query. Rows are written once
    and never updated: the timeline only grows."""

    recording = models.ForeignKey("recordings.Recording", on_delete=models.CASCADE, related_name="snapshots")
    seq = models.PositiveIntegerField()
    client_id = models.CharField(max_length=64, help_text="The client's id: the idempotency key.")
    t_ms = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=SnapshotKind.choices, default=SnapshotKind.EDIT)
    keyframe_seq = models.PositiveIntegerField()
    diff = models.JSONField(default=dict, blank=True)
    files = models.JSONField(null=True, blank=True)  # keyframes only
    cursor = models.JSONField(null=True, blank=True)
    console = models.TextField(blank=True)

    class Meta:
        ordering = ["recording_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["recording", "seq"], name="recordings_snapshot_seq"),
            models.UniqueConstraint(fields=["recording", "client_id"], name="recordings_snapshot_client_id"),
        ]
        indexes = [models.Index(fields=["recording", "t_ms", "seq"], name="recordings_snapshot_time")]

    def __str__(self):
        return f"snapshot {self.seq} of recording {self.recording_id} at {self.t_ms} ms"

    @property
    def is_keyframe(self) -> bool:
        return self.files is not None
