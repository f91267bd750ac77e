"""Reads shared by the accounts API and services."""

from django.contrib.auth import get_user_model
from django.http import Http404

from .emails import users_with_email

User = get_user_model()


def user_get_by_email(*, email: str):
    """The account with this address (the one comparison key of emails.py), or None;
    None for an address that could not be anyone's (not plain ASCII)."""
    if not isinstance(email, str) or not email:
        return None
    return users_with_email(User.objects.all(), email).first()


def profile_get_for_user(*, user, profile_id: int):
    """A profile the requesting user may see: any active account's public profile.
    404 for inactive or unknown ids, so ids of disabled accounts leak nothing, and for a
    profile a moderator took down, but to its owner and admins (docs/moderation.md)."""
    from .roles import Role, user_has_role

    profile = User.objects.filter(pk=profile_id, is_active=True).first()
    if profile is None:
        raise Http404
    hidden = profile.profile_taken_down_at is not None and profile.pk != getattr(user, "pk", None)
    if hidden and not user_has_role(user, Role.ADMIN):
        raise Http404
    return profile


def objects_with_permission(*, user, permission: str, queryset):
    """The objects of `queryset` on which `user` holds `permission`, through an
    object-level grant or a global one (one query, usable in list endpoints)."""
    from guardian.shortcuts import get_objects_for_user

    return get_objects_for_user(user, permission, klass=queryset, accept_global_perms=True)


def learner_count() -> int:
    """Active accounts with the student role (platform totals for admins). One query."""
    from .roles import Role

    return User.objects.filter(is_active=True, groups__name=Role.STUDENT).distinct().count()


def organisation_admin_of(user) -> int | None:
    """The id of the organisation `user` administers, or None (not an organisation
    admin, or in no organisation)."""
    if not getattr(user, "is_authenticated", False) or not user.organisation_admin:
        return None
    return user.organisation_id
