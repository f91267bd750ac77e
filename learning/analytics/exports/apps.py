from django.apps import AppConfig


class AnalyticsExportsConfig(AppConfig):
    """Report exports (docs/analytics.md#exports). An app of its own inside
    learning/analytics so its table and migrations stay apart from the event store's."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning.analytics.exports"
    label = "analytics_exports"
    verbose_name = "Analytics exports"
