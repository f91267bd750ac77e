"""Versions of the tutor's search index.

The index itself (a FAISS file and its passages) lives in the default storage under
`<TUTOR_INDEX_STORAGE_PREFIX>/<version>/`; this table says which versions exist and
which one is active. A build writes a new version completely, then switches
`is_active` in one transaction, so a reader sees the old index or the new one, never
half of one. Every process compares the active version with the one it has loaded
(tutor.retrieval) and reloads when they differ."""

from django.db import models


class IndexVersion(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", "Full build from published content"
        INCREMENTAL = "incremental", "Update after a content change"
        FILE = "file", "Built from a curriculum file"

    version = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    base = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_active = models.BooleanField(default=False)
    chunk_count = models.PositiveIntegerField(default=0)
    course_ids = models.JSONField(default=list)
    embedding_model = models.CharField(max_length=100)
    embedded_count = models.PositiveIntegerField(
        default=0, help_text="Chunks embedded for this version (the others reused from the base)."
    )
    build_seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="tutor_one_active_index"
            )
        ]

    def __str__(self):
        return f"{self.version}{' (active)' if self.is_active else ''}"
