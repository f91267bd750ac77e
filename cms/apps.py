from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Content"

    def ready(self):
        # ContentPublished / ContentUnpublished from Wagtail's signals (see cms/events.py).
        from . import events

        events.connect()
