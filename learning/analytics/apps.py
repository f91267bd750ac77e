from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """Learning analytics (docs/analytics.md): an append-only store of xAPI-shaped
    events (client events through the batched ingest endpoint, server events heard on
    the domain event bus), daily rollups the dashboards read, forwarding to a Learning
    Record Store, and exportable reports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self):
        # Server events: the domain events analytics records (receivers.py).
        from .receivers import subscribe

        subscribe()
