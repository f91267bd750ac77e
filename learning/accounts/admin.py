"""Django admin for accounts: email is the login, so username never shows."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

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


class OrganisationMemberInline(admin.TabularInline):
    """The organisation's members on its page, each with the organisation-admin flag
    (saved through the user row, so django-auditlog records the change). Members are
    added in the user form; nothing here creates or deletes an account."""

    model = User
    fk_name = "organisation"
    fields = ("email", "display_name", "organisation_admin")
    readonly_fields = ("email", "display_name")
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "member"
    verbose_name_plural = "members (add one in the user's own form)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [OrganisationMemberInline]


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
