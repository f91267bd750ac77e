"""Editor hooks of the accounts app."""

from django.contrib.auth import get_user_model
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import user_cache
from .models import Organisation


@hooks.register("after_bulk_action")
def drop_cached_users_after_bulk_actions(request, action_type, objects, action_class_instance):
    """Wagtail's bulk "set active state" writes users with a queryset update, which sends
    no post_save: drop their cached rows so a deactivation takes effect at once."""
    User = get_user_model()
    for obj in objects:
        if isinstance(obj, User):
            user_cache.invalidate(obj.pk)


@hooks.register("get_avatar_url")
def avatar_uploaded_to_the_platform(user, size):
    """The editor shows the avatar a user uploaded through the API (one square rendition,
    shown at any size). Without one Wagtail goes on: an avatar uploaded in the editor's
    account settings, then its default picture; never Gravatar, which is switched off
    (WAGTAIL_GRAVATAR_PROVIDER_URL, docs/authoring.md "Works offline")."""
    avatar = getattr(user, "avatar", None)
    return avatar.url if avatar else None


class OrganisationViewSet(SnippetViewSet):
    """Organisations (schools) in the editor, for admins (migration 0007 grants the admin
    group the model permissions). Users are assigned in Django admin's user form
    (docs/accounts.md#organisations)."""

    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    menu_name = "organisations"
    menu_order = 280
    add_to_admin_menu = True
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    panels = [FieldPanel("name"), FieldPanel("slug")]


register_snippet(OrganisationViewSet)
