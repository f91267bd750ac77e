"""Versions of the tutor's search index.

The index itself (a FAISS file and its passages) lives in the default storage under
`<TUTOR_INDEX_STORAGE_PREFIX>/<version>/`; this table says which versions exist and
which one is active. A build writes a new version completely, then switches
`is_active` in one transaction, so a reader sees the old index or the new one, never
half of one. Every process compares the active version with the one it has loaded
(tutor.retrieval) and reloads when they differ.

Conversations, their messages and the learners' places on the hint ladders are the
tutor's answers (tutor/services.py, docs/tutor.md#answering)."""

from django.conf import settings
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


class Conversation(models.Model):
    """A learner's thread with the tutor. Its course (from the first lesson or challenge
    asked about) decides which teachers may read it; a conversation asked outside any
    course is the learner's alone."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tutor_conversations"
    )
    course = models.ForeignKey(
        "cms.CoursePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="tutor_conversations"
    )
    title = models.CharField(max_length=200)
    turn_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-updated_at"], name="tutor_conv_user_recent"),
            models.Index(fields=["course", "-updated_at"], name="tutor_conv_course_recent"),
        ]

    def __str__(self):
        return f"{self.title} ({self.user_id})"


class TutorMessage(models.Model):
    """One message of a conversation: the learner's (a question or a code update) or
    the tutor's reply, with how it was made (`mode`), the hint it gave and what it cites."""

    class Role(models.TextChoices):
        LEARNER = "learner", "Learner"
        TUTOR = "tutor", "Tutor"

    class Kind(models.TextChoices):
        ASK = "ask", "Question"
        CODE_UPDATE = "code_update", "Code update"

    class Mode(models.TextChoices):
        LLM = "llm", "LLM"
        BUILT_IN = "built_in", "Built-in answerer"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=10, choices=Role.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ASK)
    text = models.TextField()
    code = models.TextField(blank=True, help_text="The learner's code sent with a code update.")
    lesson = models.ForeignKey(
        "cms.LessonPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    challenge = models.ForeignKey(
        "coding.Challenge", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mode = models.CharField(max_length=10, choices=Mode.choices, blank=True)
    hint_level = models.PositiveSmallIntegerField(null=True, blank=True)
    citations = models.JSONField(default=list, blank=True)
    guardrail = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["conversation", "created_at"], name="tutor_msg_conv_time")]

    def __str__(self):
        return f"{self.role} in {self.conversation_id}"


class HintProgress(models.Model):
    """Where a learner is on a challenge's hint ladder: the highest rung given, and
    whether they ran or submitted code since (the tutor hears `code_run` events)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    challenge = models.ForeignKey("coding.Challenge", on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(default=0)
    last_hint_at = models.DateTimeField(null=True, blank=True)
    attempted_since_hint = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "challenge"], name="tutor_hint_progress_unique")
        ]

    def __str__(self):
        return f"{self.user_id} at hint {self.level} of challenge {self.challenge_id}"
