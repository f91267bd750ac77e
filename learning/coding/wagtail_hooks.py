"""Challenges in the Wagtail editor: a snippet with its test cases inline.

Teachers see and edit only challenges of the courses they own (the same rule as the
teacher API); admins see all. The rules live in learning.coding.editor; the role
groups' model permissions in accounts migration 0005.

The snippet views save challenges without our services, so their hooks announce the
change the way the services do (`challenges_changed_announce`: ContentPublished,
change "challenge", for live lessons): create, edit (the old and the new lesson, when
the editor moves a challenge), delete and bulk delete.
https://docs.wagtail.org/en/stable/reference/hooks.html#snippets"""

from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from . import services
from .editor import ChallengeAdminForm, OwnCoursesOnly, challenge_policy
from .models import Challenge

# Before register_snippet: the viewset would otherwise create Wagtail's fallback policy.
register_permission_policy(Challenge, challenge_policy)


class ChooseView(OwnCoursesOnly, chooser_views.ChooseView):
    pass


class ChooseResultsView(OwnCoursesOnly, chooser_views.ChooseResultsView):
    pass


class ChosenView(OwnCoursesOnly, chooser_views.SnippetChosenView):
    pass


class ChosenMultipleView(OwnCoursesOnly, chooser_views.SnippetChosenMultipleView):
    pass


class ChallengeChooserViewSet(chooser_views.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView


class EditView(OwnCoursesOnly, snippet_views.EditView):
    pass


class DeleteView(OwnCoursesOnly, snippet_views.DeleteView):
    pass


class CopyView(OwnCoursesOnly, snippet_views.CopyView):
    pass


class UsageView(OwnCoursesOnly, snippet_views.UsageView):
    pass


class HistoryView(OwnCoursesOnly, snippet_views.HistoryView):
    pass


class InspectView(OwnCoursesOnly, snippet_views.InspectView):
    pass


class ChallengeViewSet(SnippetViewSet):
    model = Challenge
    icon = "code"
    menu_label = "Challenges"
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "lesson", "course", "updated_at"]
    search_fields = ["title", "prompt"]

    # every view that opens one challenge looks it up through the policy (404 if not yours)
    edit_view_class = EditView
    delete_view_class = DeleteView
    copy_view_class = CopyView
    usage_view_class = UsageView
    history_view_class = HistoryView
    inspect_view_class = InspectView
    chooser_viewset_class = ChallengeChooserViewSet

    def get_queryset(self, request):
        return challenge_policy.instances_user_has_any_permission_for(
            request.user, OwnCoursesOnly.ACTIONS
        ).select_related("lesson", "course")

    def get_edit_handler(self):
        return ObjectList(Challenge.panels, base_form_class=ChallengeAdminForm).bind_to_model(Challenge)


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
