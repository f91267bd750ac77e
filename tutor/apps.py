from django.apps import AppConfig


class TutorConfig(AppConfig):
    """The LLM tutor: the curriculum document, its FAISS index kept fresh on publish,
    and retrieval (docs/tutor.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "tutor"
    verbose_name = "Tutor"

    def ready(self):
        from learning.events import CodeRun, ContentPublished, ContentUnpublished, bus

        from .offline import force_offline

        force_offline()
        # The index follows what learners see: every content event updates it (a job).
        bus.subscribe(ContentPublished, "tutor.handlers.content_changed_reindex", job=True, queue="heavy")
        bus.subscribe(ContentUnpublished, "tutor.handlers.content_changed_reindex", job=True, queue="heavy")
        # A run or a submission is the real attempt the hint ladder waits for (in process:
        # one UPDATE).
        bus.subscribe(CodeRun, "tutor.hint_events.code_run_heard")
