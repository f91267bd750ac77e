"""Recordings in the Wagtail editor (docs/recordings.md, "Editor").

Who may do what follows the API's rule exactly, by role rather than by Django model
permissions (so no permission rows to migrate): admins manage every recording;
teachers only with RECORDINGS_TEACHERS_MAY_UPLOAD, and then only those of courses they
may edit. Everyone else does not see the menu item.
https://docs.wagtail.org/en/stable/extending/permission_policies.html
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import Panel
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies.base import BasePermissionPolicy

from cms.permissions import course_of_page, user_can_edit_course

from . import selectors, services
from .models import Recording
from .serving import media_url

ACTIONS = frozenset({"add", "change", "delete", "view"})


class RecordingPermissionPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action):
        return action in ACTIONS and services.user_may_manage_recordings(user)

    def users_with_any_permission(self, actions):
        if not ACTIONS & set(actions):
            return get_user_model().objects.none()
        from django.conf import settings

        allowed = Q(is_superuser=True) | Q(groups__name="admin")
        if settings.RECORDINGS_TEACHERS_MAY_UPLOAD:
            allowed |= Q(groups__name="teacher")
        return get_user_model().objects.filter(allowed, is_active=True).distinct()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and user_can_edit_course(user, instance.course)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Recording.objects.none()
        return selectors.recordings_manageable_by(user=user)

    def users_with_any_permission_for_instance(self, actions, instance):
        return self.users_with_any_permission(actions)


recording_policy = RecordingPermissionPolicy(Recording)


class OwnRecordingsOnly:
    """Views that open one recording: outside the user's reach it does not exist (404)."""

    def get_object(self, *args, **kwargs):
        try:
            obj = super().get_object(*args, **kwargs)
        except PermissionDenied:
            raise Http404("No such recording.") from None
        if not recording_policy.user_has_any_permission_for_instance(self.request.user, ACTIONS, obj):
            raise Http404("No such recording.")
        return obj


class RecordingAdminForm(WagtailAdminModelForm):
    """Title, description and links; the course must be one the user may edit and the
    lesson one of its lessons (the API's rule, services._check_links)."""

    def clean(self):
        cleaned = super().clean()
        course, lesson = cleaned.get("course"), cleaned.get("lesson")
        if course is not None and not user_can_edit_course(self.for_user, course):
            self.add_error("course", ValidationError("Choose a course you may edit.", code="not_your_course"))
        if course is not None and lesson is not None and course_of_page(lesson) != course:
            self.add_error(
                "lesson", ValidationError("This lesson is not in that course.", code="lesson_not_in_course")
            )
        return cleaned


class RecordingPlayerPanel(Panel):
    """The video as learners get it (the rendition when there is one), its poster,
    status, size and snapshot count, and how to upload."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", "Video")
        super().__init__(**kwargs)

    @property
    def clean_name(self):
        return super().clean_name or "video"

    class BoundPanel(Panel.BoundPanel):
        template_name = "recordings/editor/player_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            recording = self.instance
            saved = recording is not None and recording.pk is not None
            context["recording"] = recording if saved else None
            if saved:
                kind = "rendition" if recording.rendition and recording.rendition_kind == "mp4" else "video"
                context["video_url"] = media_url(recording, kind, user=self.request.user)
                context["poster_url"] = media_url(recording, "poster", user=self.request.user)
            return context

        @property
        def media(self):
            return forms.Media()


class PosterColumn(Column):
    cell_template_name = "recordings/editor/poster_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["poster_url"] = media_url(instance, "poster", user=request.user) if request else None
        return context
