"""Editor hooks of the accounts app."""

from django.contrib.auth import get_user_model
from wagtail import hooks

from . import user_cache


@hooks.register("after_bulk_action")
def drop_cached_users_after_bulk_actions(request, action_type, objects, action_class_instance):
    """Wagtail's bulk "set active state" writes users with a queryset update, which sends
    no post_save: drop their cached rows so a deactivation takes effect at once."""
    User = get_user_model()
    for obj in objects:
        if isinstance(obj, User):
            user_cache.invalidate(obj.pk)
