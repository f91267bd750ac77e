"""Recordings in the Wagtail editor: a snippet with a list (status, duration, poster
thumbnail, snapshot count) and an edit screen with a player preview. The rules live in
learning.recordings.editor. https://docs.wagtail.org/en/stable/reference/hooks.html#snippets"""

from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from .editor import (
    OwnRecordingsOnly,
    PosterColumn,
    RecordingAdminForm,
    RecordingPlayerPanel,
    recording_policy,
)
from .models import Recording

# Before register_snippet: the viewset would otherwise create Wagtail's fallback policy.
register_permission_policy(Recording, recording_policy)


class EditView(OwnRecordingsOnly, snippet_views.EditView):
    pass


class DeleteView(OwnRecordingsOnly, snippet_views.DeleteView):
    pass


class InspectView(OwnRecordingsOnly, snippet_views.InspectView):
    pass


class HistoryView(OwnRecordingsOnly, snippet_views.HistoryView):
    pass


class UsageView(OwnRecordingsOnly, snippet_views.UsageView):
    pass


class RecordingViewSet(SnippetViewSet):
    model = Recording
    icon = "media"
    menu_label = "Recordings"
    menu_order = 260
    add_to_admin_menu = True
    list_display = [
        "title",
        "status",
        "duration_display",
        PosterColumn("poster", label="Poster"),
        "snapshot_count",
        "course",
        "is_published",
        "updated_at",
    ]
    list_filter = ["status", "is_published"]
    search_fields = ["title", "description"]
    copy_view_enabled = False
    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("course"),
        FieldPanel("lesson"),
        RecordingPlayerPanel(),
    ]
    edit_view_class = EditView
    delete_view_class = DeleteView
    inspect_view_class = InspectView
    history_view_class = HistoryView
    usage_view_class = UsageView

    def get_queryset(self, request):
        return recording_policy.instances_user_has_any_permission_for(
            request.user, ["change", "view"]
        ).select_related("course")

    def get_edit_handler(self):
        return ObjectList(self.panels, base_form_class=RecordingAdminForm).bind_to_model(Recording)


register_snippet(RecordingViewSet)
