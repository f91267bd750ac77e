"""Challenges in the Wagtail editor: a snippet with its test cases inline.

Teachers see and edit only challenges of the courses they own (the same rule as the
teacher API); admins see all. The rules live in learning.coding.editor; the role
groups' model permissions in accounts migration 0005.

The snippet views save challenges without our services, so their hooks announce the
change the way the services do (`challenges_changed_announce`: ContentPublished,
change "challenge", for live lessons): create, edit (the old and the new lesson, when
the editor moves a challenge), delete and bulk delete.

The add and edit screens carry a Check panel that runs the reference solution and the
starter code of the form's current contents in the sandbox (editor_check.py).
https://docs.wagtail.org/en/stable/reference/hooks.html#snippets"""

from django.urls import path
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from cms.snippet_scope import ScopedSnippetViewSet

from . import services
from .editor import ChallengeAdminForm, OwnCoursesOnly, challenge_policy
from .editor_check import ChallengeCheckPanel, ChallengeCheckView
from .models import Challenge

# Before register_snippet: the viewset would otherwise create Wagtail's fallback policy.
register_permission_policy(Challenge, challenge_policy)


class ChallengeViewSet(ScopedSnippetViewSet):
    model = Challenge
    icon = "code"
    menu_label = "Challenges"
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "lesson", "course", "updated_at"]
    search_fields = ["title", "prompt"]

    # every view that opens one object (and the chooser) looks it up through the
    # policy: 404 if not yours (cms/snippet_scope.py)
    scope = OwnCoursesOnly

    def get_queryset(self, request):
        return challenge_policy.instances_user_has_any_permission_for(
            request.user, OwnCoursesOnly.ACTIONS
        ).select_related("lesson", "course")

    def get_edit_handler(self):
        # the Check panel (editor_check.py) under the test cases, on the add and edit screens
        return ObjectList(
            [*Challenge.panels, ChallengeCheckPanel()], base_form_class=ChallengeAdminForm
        ).bind_to_model(Challenge)

    def get_urlpatterns(self):
        # POST the edit form to check what it holds: the same form class as a save
        check = self.construct_view(ChallengeCheckView, form_class=self.get_form_class())
        return [
            *super().get_urlpatterns(),
            path("check/", check, name="check_new"),
            path(f"check/<{self.pk_path_converter}:pk>/", check, name="check"),
        ]


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
