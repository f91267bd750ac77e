from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Content"

    def ready(self):
        from cms.content_cache.handlers import subscribe

        subscribe()  # the content cache hears ContentPublished / ContentUnpublished
