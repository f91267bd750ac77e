from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """Project workspaces: a learner's small sites of text files, their isolated live
    preview, share links and zip export/import (see docs/projects.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning.projects"
    label = "projects"
    verbose_name = "Project workspaces"

    def ready(self):
        from django.apps import apps

        if apps.is_installed("learning.moderation"):
            from . import moderation

            moderation.connect()
