"""Challenges in the Wagtail editor: a snippet with its test cases inline.

Teachers see and edit only challenges of the courses they own (the same rule as the
teacher API); admins see all."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Challenge


class ChallengeViewSet(SnippetViewSet):
    model = Challenge
    icon = "code"
    menu_label = "Challenges"
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "lesson", "course", "updated_at"]
    search_fields = ["title", "prompt"]

    def get_queryset(self, request):
        from cms.selectors import courses_editable_by

        queryset = Challenge.objects.select_related("lesson", "course")
        return queryset.filter(course__in=courses_editable_by(user=request.user))


register_snippet(ChallengeViewSet)
