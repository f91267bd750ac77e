"""The moderation queue in the Wagtail editor: Settings > Moderation queue (admins)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from learning.accounts.roles import Role, user_has_role

from . import views


@hooks.register("register_admin_urls")
def moderation_urls():
    return [
        path("moderation-queue/", views.queue, name="moderation_queue"),
        path("moderation-queue/<int:case_id>/", views.case_detail, name="moderation_case"),
        path("moderation-queue/<int:case_id>/decide/", views.case_decide, name="moderation_case_decide"),
    ]


class ModerationMenuItem(MenuItem):
    def is_shown(self, request):
        return user_has_role(request.user, Role.ADMIN)


@hooks.register("register_settings_menu_item")
def moderation_menu_item():
    return ModerationMenuItem("Moderation queue", reverse("moderation_queue"), icon_name="warning", order=910)
