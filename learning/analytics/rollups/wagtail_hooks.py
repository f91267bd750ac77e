"""Reports > Learning analytics in the Wagtail editor (admins): admin_views.py."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from learning.accounts.roles import Role, user_has_role

from . import admin_views


@hooks.register("register_admin_urls")
def learning_analytics_urls():
    return [path("learning-analytics/", admin_views.learning_analytics, name="learning_analytics")]


class LearningAnalyticsMenuItem(MenuItem):
    def is_shown(self, request):
        return user_has_role(request.user, Role.ADMIN)


@hooks.register("register_reports_menu_item")
def learning_analytics_menu_item():
    return LearningAnalyticsMenuItem(
        "Learning analytics", reverse("learning_analytics"), icon_name="table", order=900
    )
