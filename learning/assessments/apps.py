from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    """Question bank, quiz pages, attempts and scoring (see docs/assessments.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning.assessments"
    label = "assessments"
    verbose_name = "Quizzes and assessments"
