"""DRF permission classes every app reuses.

Role classes answer "may this kind of user call this endpoint at all"; `IsOwner`
answers "is this object theirs" at object level. Views still fetch objects through a
getter that takes the user and 404s what they may not see; `IsOwner` is the second
line for views that use `get_object()`.
"""

from rest_framework.permissions import BasePermission

from .roles import Role, user_has_role


def _authenticated(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


class _RolePermission(BasePermission):
    roles: tuple[str, ...] = ()
    message = "Your role does not allow this action."

    def has_permission(self, request, view):
        return _authenticated(request) and any(user_has_role(request.user, role) for role in self.roles)


class IsStudent(_RolePermission):
    roles = (Role.STUDENT,)


class IsTeacher(_RolePermission):
    roles = (Role.TEACHER,)


class IsAdmin(_RolePermission):
    """Admin group member or superuser (`user_roles` counts a superuser as admin)."""

    roles = (Role.ADMIN,)


class IsTeacherOrAdmin(_RolePermission):
    roles = (Role.TEACHER, Role.ADMIN)


def user_may_learn(user) -> bool:
    """The one rule for lesson content (bodies, starter files, attachments), whatever
    serves it: a signed-in, active account with a verified email. Anonymous callers and
    unverified accounts may not. `IsVerified` (the learner API, Wagtail's /api/cms/pages/)
    and the document download check (cms.documents) all ask this function."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "email_verified", False)
    )


class IsVerified(BasePermission):
    """Learning endpoints add this: an account whose email is not verified yet may log
    in, read and edit its profile, but not learn (see docs/accounts.md)."""

    message = "Verify your email address first (POST /api/v1/auth/verify-email/)."
    code = "email_not_verified"

    def has_permission(self, request, view):
        return user_may_learn(getattr(request, "user", None))


class IsOwner(BasePermission):
    """Object-level: the object belongs to the requesting user.

    Looks at `owner_fields` in order (`user_id`, then `owner_id`) and uses the first
    one the object has; an object that is itself a user is owned by itself. Subclass
    and set `owner_fields` for other names, e.g. `("author_id",)`.
    """

    owner_fields: tuple[str, ...] = ("user_id", "owner_id")
    message = "This object belongs to someone else."

    def has_permission(self, request, view):
        return _authenticated(request)

    def has_object_permission(self, request, view, obj):
        if not _authenticated(request):
            return False
        return owner_id_of(obj, self.owner_fields) == request.user.pk


class IsOwnerOrAdmin(IsOwner):
    """Object-level: the owner, or an admin (moderation, support)."""

    def has_object_permission(self, request, view, obj):
        return user_has_role(request.user, Role.ADMIN) or super().has_object_permission(request, view, obj)


def owner_id_of(obj, owner_fields: tuple[str, ...] = IsOwner.owner_fields):
    from django.contrib.auth import get_user_model

    if isinstance(obj, get_user_model()):
        return obj.pk
    for field in owner_fields:
        if hasattr(obj, field):
            return getattr(obj, field)
    return None


class HasObjectPermission(BasePermission):
    """Object-level grant through django-guardian: the user holds `permission` on this
    object (`object_permission_grant`), or globally (through a group or directly).

    Use the factory:
    `permission_classes = [IsAuthenticated, HasObjectPermission.of("cms.change_coursepage")]`.
    """

    permission: str = ""
    message = "You have no rights on this object."

    @classmethod
    def of(cls, permission: str) -> type["HasObjectPermission"]:
        return type(f"HasObjectPermission_{permission.replace('.', '_')}", (cls,), {"permission": permission})

    def has_permission(self, request, view):
        return _authenticated(request)

    def has_object_permission(self, request, view, obj):
        user = request.user
        return _authenticated(request) and (
            user.has_perm(self.permission) or user.has_perm(self.permission, obj)
        )
