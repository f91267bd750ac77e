"""Editor hooks of the accounts app."""

import re

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from site_config.api.ids import IdsChoiceField, id_param

from . import user_cache
from .emails import email_is_acceptable, email_key
from .models import Organisation
from .selectors import active_users_by_email


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
    """The organisation with its members and its organisation admins (lists of accounts,
    not model fields: a user's organisation and flag live on the user row). Saving
    writes each changed user with `save()`, so django-auditlog records who joined, left
    or became an organisation admin, the user cache drops them, and other apps hear of
    the move (organisations.py).

    Sized for schools of thousands: the page lists the organisation's own members only,
    never every account of the platform, and a save posts only what changes (members to
    take out, addresses to add, the organisation admins), never the whole member list,
    which would run into Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) at once."""

    remove_members = IdsChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Members",
        help_text="The organisation's active members. Select the ones to take out of it.",
    )
    add_members = forms.CharField(
        required=False,
        label="Add members",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "ada@school.example\ngrace@school.example"}),
        help_text="Email addresses of active accounts, one per line (or separated by commas or "
        "spaces). A user belongs to at most one organisation: adding someone here moves them "
        "from their previous one.",
    )
    organisation_admins = IdsChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Members who read the organisation's analytics dashboards and reports "
        "(someone just added can be ticked after the save).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True).order_by("email")
        self.current = users.filter(organisation=self.instance) if self.instance.pk else users.none()
        self.fields["remove_members"].queryset = self.current
        # Admins are ticked among the members (and, on a post, among the accounts it
        # names: clean() then requires them to be members after the save).
        named = self._posted_ids("organisation_admins")
        self.fields["organisation_admins"].queryset = (
            (self.current | users.filter(pk__in=named)) if named else self.current
        )
        if self.instance.pk:
            self.initial.setdefault(
                "organisation_admins",
                list(self.current.filter(organisation_admin=True).values_list("pk", flat=True)),
            )

    def _posted_ids(self, name: str) -> set[int]:
        if not self.is_bound or not hasattr(self.data, "getlist"):
            return set()
        return {i for i in map(id_param, self.data.getlist(self.add_prefix(name))) if i is not None}

    def clean_add_members(self) -> list:
        text = self.cleaned_data.get("add_members") or ""
        # the same address twice (in any case) counts once
        unique = {(email_key(a) if email_is_acceptable(a) else a): a for a in re.split(r"[\s,;]+", text) if a}
        addresses = list(unique.values())
        limit = settings.ORGANISATION_ADD_MEMBERS_MAX
        if len(addresses) > limit:
            raise forms.ValidationError(
                f"At most {limit} addresses at once (ORGANISATION_ADD_MEMBERS_MAX); "
                f"this has {len(addresses)}: add them in several saves."
            )
        users, unknown = active_users_by_email(addresses)
        if unknown:
            shown = ", ".join(unknown[:20]) + (f" and {len(unknown) - 20} more" if len(unknown) > 20 else "")
            raise forms.ValidationError(f"No active account has these addresses: {shown}.")
        return users

    def clean(self):
        cleaned = super().clean()
        removed = {user.pk for user in cleaned.get("remove_members") or []}
        added = {user.pk for user in cleaned.get("add_members") or []}
        members = (set(self.current.values_list("pk", flat=True)) - removed) | added
        cleaned["member_ids"] = members
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
        members = self.cleaned_data.get("member_ids") or set()
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
        [
            FieldPanel("name"),
            FieldPanel("slug"),
            FieldPanel("remove_members"),
            FieldPanel("add_members"),
            FieldPanel("organisation_admins"),
        ],
        base_form_class=OrganisationForm,
    )


register_snippet(OrganisationViewSet)
