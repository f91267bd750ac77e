from django.apps import AppConfig


class RecordingsConfig(AppConfig):
    """Screencast recordings: the video and its code-snapshot timeline (docs/recordings.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning.recordings"
    label = "recordings"
    verbose_name = "Recordings"

    def ready(self):
        from django.db.models.signals import post_delete

        from . import read_cache, services
        from .models import Recording

        read_cache.subscribe()
        post_delete.connect(
            services.on_recording_deleted, sender=Recording, dispatch_uid="recordings_unpublished_on_delete"
        )
