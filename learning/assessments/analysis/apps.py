from django.apps import AppConfig


class AssessmentAnalysisConfig(AppConfig):
    """Item analysis reports of quizzes (docs/assessments.md#item-analysis). An app of
    its own inside learning/assessments so its table and migrations stay apart from
    the question bank's."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning.assessments.analysis"
    label = "assessments_analysis"
    verbose_name = "Quiz item analysis"
