from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Content"

    def ready(self):
        # ContentPublished / ContentUnpublished from Wagtail's signals (see cms/events.py).
        from . import events

        events.connect()

        from cms.content_cache.handlers import subscribe

        subscribe()  # the content cache hears ContentPublished / ContentUnpublished
