from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The Wagtail editor's home for teachers and admins (wagtail_hooks.py). It owns no
    data: it composes read-only selectors of cms, progress, coding and accounts."""

    name = "learning.dashboard"
    label = "dashboard"
    verbose_name = "Editor dashboard"
