from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """Moderation of learner content others can see (docs/moderation.md): reports from
    signed-in learners, an admin review queue, takedown and restore. The owning apps
    register what can be reported (registry.py) and hide their own content when they
    hear `ContentTakenDown` (learning/events)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning.moderation"
    label = "moderation"
    verbose_name = "Moderation"
