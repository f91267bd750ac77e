"""Reads shared by the accounts API and services."""

from django.contrib.auth import get_user_model
from django.http import Http404

from .emails import email_is_acceptable, email_key, users_with_email, users_with_emails

User = get_user_model()


def user_get_by_email(*, email: str):
    """The account with this address (the one comparison key of emails.py), or None;
    None for an address that could not be anyone's (not plain ASCII)."""
    if not isinstance(email, str) or not email:
        return None
    return users_with_email(User.objects.all(), email).first()


def active_users_by_email(addresses: list[str]) -> tuple[list, list[str]]:
    """The active accounts with these addresses (compared as logins are), each once, and
    the addresses no active account has, in the order given."""
    found = {email_key(u.email): u for u in users_with_emails(User.objects.filter(is_active=True), addresses)}
    unknown = [a for a in addresses if not email_is_acceptable(a) or email_key(a) not in found]
    return list({u.pk: u for u in found.values()}.values()), unknown


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


def organisation_administered_get(*, user):
    """The organisation `user` administers; PermissionDenied for anyone who administers
    none (whatever else they are: platform admins included, an organisation's page is
    for its own admins). One query."""
    from django.core.exceptions import PermissionDenied

    from .models import Organisation

    organisation_id = organisation_admin_of(user)
    organisation = Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None
    if organisation is None:
        raise PermissionDenied("Only an organisation's admins read it.")
    return organisation


def organisation_member_counts(*, organisation) -> dict:
    """Active members by role, in all, and how many are organisation admins (two
    queries). A member with two roles counts under each."""
    from django.db.models import Count, Q

    from .roles import Role

    members = User.objects.filter(organisation=organisation, is_active=True)
    by_role = dict(
        members.filter(groups__name__in=Role.values)
        .values_list("groups__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    totals = members.aggregate(total=Count("pk"), admins=Count("pk", filter=Q(organisation_admin=True)))
    return {
        "member_count": totals["total"],
        "organisation_admin_count": totals["admins"],
        "by_role": {role: by_role.get(role, 0) for role in Role.values},
    }


def organisation_members(*, organisation, role: str | None = None):
    """The organisation's active members, by email, their groups prefetched (so a page
    of them costs the same two queries whatever it holds); `role` narrows to one."""
    members = User.objects.filter(organisation=organisation, is_active=True)
    if role:
        members = members.filter(groups__name=role)
    return members.prefetch_related("groups").order_by("email", "pk")
