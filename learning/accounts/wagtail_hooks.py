"""Editor hooks of the accounts app."""

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
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


class OrganisationForm(WagtailAdminModelForm):
    """The organisation with its members and its organisation admins (two lists of
    accounts, not model fields: a user's organisation and flag live on the user row).
    Saving writes each changed user with `save()`, so django-auditlog records who
    joined, left or became an organisation admin, and the user cache drops them."""

    members = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        help_text="Active accounts in this organisation (a user belongs to at most one: adding "
        "someone here moves them from their previous organisation).",
    )
    organisation_admins = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Members who read the organisation's analytics dashboards and reports.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True).order_by("email")
        self.fields["members"].queryset = users
        self.fields["organisation_admins"].queryset = users
        if self.instance.pk:
            current = users.filter(organisation=self.instance)
            if not self.is_bound:  # offered: the members; accepted: any member being saved (clean)
                self.fields["organisation_admins"].queryset = current
            self.initial.setdefault("members", list(current.values_list("pk", flat=True)))
            self.initial.setdefault(
                "organisation_admins",
                list(current.filter(organisation_admin=True).values_list("pk", flat=True)),
            )

    def clean(self):
        cleaned = super().clean()
        members = {user.pk for user in cleaned.get("members") or []}
        outside = [user.email for user in cleaned.get("organisation_admins") or [] if user.pk not in members]
        if outside:
            self.add_error(
                "organisation_admins", "Organisation admins must be members: " + ", ".join(outside)
            )
        return cleaned

    def save(self, commit=True):
        organisation = super().save(commit=commit)
        if commit:
            self.save_members(organisation)
        return organisation

    @transaction.atomic
    def save_members(self, organisation) -> None:
        User = get_user_model()
        members = {user.pk for user in self.cleaned_data.get("members") or []}
        admins = {user.pk for user in self.cleaned_data.get("organisation_admins") or []}
        affected = User.objects.filter(organisation=organisation) | User.objects.filter(pk__in=members)
        for user in affected.select_for_update():
            organisation_id = organisation.pk if user.pk in members else None
            is_admin = user.pk in admins
            if (user.organisation_id, user.organisation_admin) != (organisation_id, is_admin):
                user.organisation_id, user.organisation_admin = organisation_id, is_admin
                user.save(update_fields=["organisation", "organisation_admin"])


class OrganisationViewSet(SnippetViewSet):
    """Organisations (schools) in the editor, for admins (migration 0007 grants the admin
    group the model permissions): name, slug, members and organisation admins
    (docs/accounts.md#organisations). Django admin's user form assigns them too."""

    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    menu_name = "organisations"
    menu_order = 280
    add_to_admin_menu = True
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("slug"), FieldPanel("members"), FieldPanel("organisation_admins")],
        base_form_class=OrganisationForm,
    )


register_snippet(OrganisationViewSet)
