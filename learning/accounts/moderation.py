"""Public profiles in moderation (docs/moderation.md): a learner reports another's
public profile by user id; an admin's takedown (ContentTakenDown, learning/events) marks
the account, which `selectors.profile_get_for_user` then hides from everyone but its
owner and admins (and rewards shows "A learner" for its name); a restore clears the
mark. Wired in apps.py."""

from __future__ import annotations

import re

KIND = "profile"


def resolve(*, user, target: str):
    """The public profile with this id, as the reporter sees it. A target that is not an
    id is a ValueError (400); an unknown, inactive or hidden one Http404."""
    from learning.moderation.registry import ContentTarget

    from .selectors import profile_get_for_user

    if not re.fullmatch(r"[1-9][0-9]{0,17}", target or ""):
        raise ValueError("A profile is named by its user id.")
    profile = profile_get_for_user(user=user, profile_id=int(target))
    return ContentTarget(object_id=profile.pk, owner_id=profile.pk, label=profile.display_name or "")


def describe(*, object_id: int) -> dict | None:
    """The admin's view of a reported profile: its public fields, whatever its state."""
    from .models import User

    user = User.objects.filter(pk=object_id).first()
    if user is None:
        return None
    return {
        "display_name": user.display_name,
        "bio": user.bio,
        "has_avatar": bool(user.avatar),
        "is_active": user.is_active,
    }


def _mark(user_id: int, at, reason: str) -> None:
    from django.db import transaction

    from .avatars import avatar_rename
    from .models import User

    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            return
        fields = ["profile_taken_down_at", "profile_takedown_reason"]
        user.profile_taken_down_at, user.profile_takedown_reason = at, reason
        # A takedown retires the avatar's public URL: a copy of it made before must not
        # keep showing the picture (the API gives the new one to the owner and admins
        # only, and to everyone again after a restore).
        if at is not None and avatar_rename(user=user):
            fields.append("avatar")
        # save(), not update(): the cached user behind access tokens is dropped
        # (user_cache) and django-auditlog diffs the account
        user.save(update_fields=fields)


def on_content_taken_down(event) -> None:
    if event.kind == KIND:
        _mark(event.object_id, event.occurred_at, event.reason)


def on_content_restored(event) -> None:
    if event.kind == KIND:
        _mark(event.object_id, None, "")


def connect() -> None:
    from learning.events import ContentRestored, ContentTakenDown, bus
    from learning.moderation.registry import ReportableKind, register_kind

    register_kind(
        ReportableKind(
            key=KIND,
            label="Public profile",
            target_help="the user id of the profile",
            resolve=resolve,
            describe=describe,
        )
    )
    bus.subscribe(ContentTakenDown, on_content_taken_down)
    bus.subscribe(ContentRestored, on_content_restored)
