"""Django admin for accounts: email is the login, so username never shows."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .forms import AdminLoginForm
from .models import LoginLock, OneTimeCode, Organisation, User

# Non-staff get the wrong-password answer, counted by the login lockout (forms.py).
admin.site.login_form = AdminLoginForm


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = (
        "email",
        "display_name",
        "organisation",
        "organisation_admin",
        "email_verified",
        "is_staff",
        "is_active",
        "date_joined",
    )
    list_select_related = ("organisation",)
    list_filter = (
        "groups",
        "organisation",
        "organisation_admin",
        "email_verified",
        "is_staff",
        "is_superuser",
        "is_active",
    )
    search_fields = ("email", "display_name")
    autocomplete_fields = ("organisation",)
    fieldsets = (
        (None, {"fields": ("email", "password", "email_verified")}),
        ("Profile", {"fields": ("display_name", "bio", "locale", "time_zone", "avatar")}),
        ("Organisation", {"fields": ("organisation", "organisation_admin")}),
        (
            "Roles and permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """An organisation's name and slug, how many members it has (a link to them in the
    user list, filtered) and its organisation admins. Members are not rows of this page:
    a school of thousands would make it megabytes, and its save a post past
    DATA_UPLOAD_MAX_NUMBER_FIELDS. A member's organisation and flag are set in their
    user form, or many at once in the editor's Organisations snippet."""

    list_display = ("name", "slug", "member_count", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "members", "organisation_admins")
    readonly_fields = ("members", "organisation_admins")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description="members", ordering="member_total")
    def member_count(self, obj) -> int:
        return obj.member_total

    @admin.display(description="members")
    def members(self, obj):
        if not obj.pk:
            return "Add members in each user's form, or in the editor's Organisations snippet."
        url = reverse("admin:accounts_user_changelist") + f"?organisation__id__exact={obj.pk}"
        return format_html(
            '<a href="{}">{} members</a>: a member\'s organisation and flag are set in their user '
            "form, or many at once in the editor's Organisations snippet.",
            url,
            obj.member_total,  # get_queryset's count: the change page's object comes from it
        )

    @admin.display(description="organisation admins")
    def organisation_admins(self, obj):
        admins = obj.members.filter(organisation_admin=True).order_by("email") if obj.pk else []
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                ((reverse("admin:accounts_user_change", args=[u.pk]), u.email) for u in admins),
            )
            or "none"
        )


@admin.register(OneTimeCode)
class OneTimeCodeAdmin(admin.ModelAdmin):
    """Read-only view for support: shows whether a code was sent and used, never the code."""

    list_display = ("user", "purpose", "created_at", "sent_at", "expires_at", "failed_attempts", "used_at")
    list_filter = ("purpose",)
    search_fields = ("user__email",)
    fields = readonly_fields = (
        "user",
        "purpose",
        "created_at",
        "sent_at",
        "expires_at",
        "failed_attempts",
        "used_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LoginLock)
class LoginLockAdmin(admin.ModelAdmin):
    """Login locks (learning/accounts/lockout.py): who is locked until when; the
    "Lift" action ends a lock now (audited, as the API's DELETE does)."""

    list_display = ("subject", "kind", "failures", "locked_at", "locked_until", "lifted_at", "lifted_by")
    list_filter = ("kind",)
    search_fields = ("subject",)
    fields = readonly_fields = list_display
    actions = ["lift"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Lift the selected locks", permissions=["view"])
    def lift(self, request, queryset):
        from .admin_services import login_lock_lift, login_locks_current

        locks = login_locks_current().filter(pk__in=queryset.values("pk"))
        for lock in locks:
            login_lock_lift(lock=lock, by=request.user)
        self.message_user(request, f"Lifted {len(locks)} lock(s).")
