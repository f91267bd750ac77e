"""The role contract every app builds on.

A role is membership of one of three Django groups created by migration
0002_roles ("student", "teacher", "admin"); a superuser also counts as admin.
Groups (rather than a role column) because Wagtail and Django admin already speak
groups and permissions, so one membership both grants editor rights and answers
"is this user a teacher?" in the API.
"""

from django.db import models


class Role(models.TextChoices):
    STUDENT = "student", "Student"
    TEACHER = "teacher", "Teacher"
    ADMIN = "admin", "Admin"


ROLE_NAMES = frozenset(Role.values)
_CACHE_ATTR = "_mrict_role_cache"


def user_roles(user) -> list[str]:
    """The user's roles in a stable order (student, teacher, admin).

    Cheap: `user.groups.all()` is served from a `prefetch_related("groups")` cache
    when present, and the answer is memoised on the instance, so a request asks the
    database at most once however many permission checks run. Call
    `user_roles_forget(user)` after changing a user's groups on the same instance.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        names = {group.name for group in user.groups.all()} & ROLE_NAMES
        if user.is_superuser:
            names.add(Role.ADMIN.value)
        cached = tuple(role for role in Role.values if role in names)
        setattr(user, _CACHE_ATTR, cached)
    return list(cached)


def user_has_role(user, role: str) -> bool:
    return str(role) in user_roles(user)


def user_roles_forget(user) -> None:
    """Drop the memoised roles (after group changes on this same instance)."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
