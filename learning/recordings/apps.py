from django.apps import AppConfig


class RecordingsConfig(AppConfig):
    """Screencast recordings: the video and its code-snapshot timeline (docs/recordings.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning.recordings"
    label = "recordings"
    verbose_name = "Recordings"

    def ready(self):
        from . import read_cache

        read_cache.subscribe()
