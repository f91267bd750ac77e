from django.apps import AppConfig


class CodingConfig(AppConfig):
    """Drafts, the JavaScript sandbox and challenges (see docs/coding.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning.coding"
    label = "coding"
    verbose_name = "Interactive coding"

    def ready(self):
        from cms.api.shaping import lesson_preview_extension_register

        from .preview import lesson_preview_challenges

        lesson_preview_extension_register("challenges", lesson_preview_challenges)

        # A lesson of a course import (docs/course-import.md) may carry its challenges.
        from cms.services import lesson_import_extension_register

        from .importing import lesson_challenges_check, lesson_challenges_import

        lesson_import_extension_register(
            "challenges", lesson_challenges_import, check=lesson_challenges_check
        )

        # Every submission queues its challenge's plagiarism scan, every project save its
        # course's project scan, both debounced (docs/similarity.md).
        from learning.events import ChallengeSubmitted, ProjectSaved, bus

        from .handlers import similarity_on_project_saved, similarity_on_submission

        bus.subscribe(ChallengeSubmitted, similarity_on_submission)
        bus.subscribe(ProjectSaved, similarity_on_project_saved)
