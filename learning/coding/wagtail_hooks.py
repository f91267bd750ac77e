"""Challenges in the Wagtail editor: a snippet with its test cases inline.

Teachers see and edit only challenges of the courses they own (the same rule as the
teacher API); admins see all.

The snippet views save challenges without our services, so their hooks announce the
change the way the services do (`challenges_changed_announce`: ContentPublished,
change "challenge", for live lessons): create, edit (the old and the new lesson, when
the editor moves a challenge), delete and bulk delete.
https://docs.wagtail.org/en/stable/reference/hooks.html#snippets"""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import services
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


_PLACEMENT_BEFORE_EDIT = "_challenge_placement_before_edit"


@hooks.register("before_edit_snippet")
def challenge_remember_placement(request, instance):
    if isinstance(instance, Challenge):
        setattr(request, _PLACEMENT_BEFORE_EDIT, services.challenge_placements([instance]))


@hooks.register("after_create_snippet")
def challenge_created_in_editor(request, instance):
    if isinstance(instance, Challenge):
        services.challenges_changed_announce(placements=services.challenge_placements([instance]))


@hooks.register("after_edit_snippet")
def challenge_edited_in_editor(request, instance):
    if isinstance(instance, Challenge):
        before = getattr(request, _PLACEMENT_BEFORE_EDIT, set())
        services.challenges_changed_announce(placements=before | services.challenge_placements([instance]))


@hooks.register("after_delete_snippet")
def challenges_deleted_in_editor(request, instances):
    challenges = [i for i in instances if isinstance(i, Challenge)]
    if challenges:
        services.challenges_changed_announce(placements=services.challenge_placements(challenges))
