"""Project templates in the Wagtail editor: a snippet with its files inline. Teachers
and admins hold the model permissions (migration 0002); every file path passes the
shared path rule (ProjectTemplateFile.clean).
https://docs.wagtail.org/en/stable/topics/snippets/registering.html"""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ProjectTemplate


class ProjectTemplateViewSet(SnippetViewSet):
    model = ProjectTemplate
    icon = "code"
    menu_label = "Project templates"
    menu_name = "project-templates"
    add_to_admin_menu = True
    list_display = ["title", "course", "updated_at"]
    search_fields = ["title", "description"]


register_snippet(ProjectTemplateViewSet)
