"""Announcements in the Wagtail editor, for admins (migration 0002 grants the admin
group the model permissions; teachers announce through the API): a list with status and
progress, and a form that saves a draft or sends it through the same services as the
API. https://docs.wagtail.org/en/stable/topics/snippets/customising.html"""

from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .editor import AnnouncementForm, CreateView, EditView
from .models import Announcement


class AnnouncementViewSet(SnippetViewSet):
    model = Announcement
    icon = "mail"
    menu_label = "Announcements"
    menu_name = "announcements"
    menu_order = 270
    add_to_admin_menu = True
    add_view_class = CreateView
    edit_view_class = EditView
    list_display = [
        "title",
        "target",
        "status",
        "scheduled_at",
        "recipient_count",
        "processed_count",
        "created_at",
    ]
    list_filter = ["status", "target"]
    search_fields = ["title", "body"]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("body"),
            FieldPanel("target"),
            FieldPanel("role"),
            FieldPanel("course"),
            FieldPanel("organisation"),
            FieldPanel("channels"),
            FieldPanel("scheduled_at"),
            FieldPanel("send_now"),
        ],
        base_form_class=AnnouncementForm,
    )


register_snippet(AnnouncementViewSet)
