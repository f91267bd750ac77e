"""The Announcements snippet's form and views: admins write an announcement in the
Wagtail editor and send it (now, or at its schedule time) through the same services as
the API (services.announcement_create / _update / _send). The form runs the services'
rules in clean(), so a bad field is shown on the form, never a 500."""

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.snippets.views import snippets as snippet_views

from . import services
from .models import Announcement


class AnnouncementForm(WagtailAdminModelForm):
    channels = forms.MultipleChoiceField(
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Each recipient's preferences still decide.",
    )
    send_now = forms.BooleanField(
        required=False,
        label="Send when saved",
        help_text="Sends at once, or at the schedule time if one is set. Leave unticked to keep a draft.",
    )

    class Meta:
        model = Announcement
        fields = ["title", "body", "target", "role", "course", "organisation", "channels", "scheduled_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = [(c, c.replace("_", "-")) for c in services.announcement_channels()]
        if not self.instance.pk:
            self.initial.setdefault("channels", ["in_app"])

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if self.instance.pk and self.instance.status not in services.EDITABLE:
            raise ValidationError(
                f"This announcement is {self.instance.status}: it can no longer be changed."
            )
        if cleaned.get("send_now") and self.instance.pk and self.instance.status != Announcement.Status.DRAFT:
            self.add_error("send_now", "Only a draft can be sent.")
        data = {name: cleaned.get(name) for name in services.FIELDS}
        try:
            cleaned.update(services.announcement_validate(user=self.for_user, data=data))
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return cleaned


def _fields(form) -> dict:
    return {name: form.cleaned_data.get(name) for name in services.FIELDS}


class CreateView(snippet_views.CreateView):
    def save_instance(self):
        user = self.request.user
        announcement = services.announcement_create(author=user, **_fields(self.form))
        if self.form.cleaned_data.get("send_now"):
            announcement = services.announcement_send(user=user, announcement=announcement)
        self.form.instance = announcement
        return announcement


class EditView(snippet_views.EditView):
    def save_instance(self):
        user = self.request.user
        announcement = services.announcement_update(user=user, announcement=self.object, **_fields(self.form))
        if self.form.cleaned_data.get("send_now"):
            announcement = services.announcement_send(user=user, announcement=announcement)
        self.form.instance = announcement
        return announcement
