"""The question bank in the Wagtail editor: a snippet with its options and code tests
inline, scoped like challenges (learning/assessments/editor.py). Saving a question in
the editor keeps its versions in step (services.question_version_sync): an edit of a
question that attempts have shown makes a new version. A question that attempts used
cannot be deleted (their history points at it).
https://docs.wagtail.org/en/stable/reference/hooks.html#snippets"""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from cms.snippet_scope import ScopedSnippetViewSet

from . import services
from .editor import OwnBanksOnly, QuestionAdminForm, QuizPageForm, question_policy
from .models import Question, QuizPage, Response

register_permission_policy(Question, question_policy)
QuizPage.base_form_class = QuizPageForm


class QuestionViewSet(ScopedSnippetViewSet):
    model = Question
    icon = "help"
    menu_label = "Question bank"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["title", "question_type", "difficulty", "course", "updated_at"]
    list_filter = ["question_type", "difficulty"]
    search_fields = ["title", "stem"]

    # every view that opens one object (and the chooser) looks it up through the
    # policy: 404 if not yours (cms/snippet_scope.py)
    scope = OwnBanksOnly

    def get_queryset(self, request):
        return question_policy.instances_user_has_any_permission_for(
            request.user, OwnBanksOnly.ACTIONS
        ).select_related("course")

    def get_edit_handler(self):
        return ObjectList(Question.panels, base_form_class=QuestionAdminForm).bind_to_model(Question)


register_snippet(QuestionViewSet)


@hooks.register("after_create_snippet")
def question_created_in_editor(request, instance):
    if isinstance(instance, Question):
        services.question_version_sync(question=instance)


@hooks.register("after_edit_snippet")
def question_edited_in_editor(request, instance):
    if isinstance(instance, Question):
        services.question_version_sync(question=instance)


@hooks.register("before_delete_snippet")
def question_delete_guard(request, instances):
    questions = [i for i in instances if isinstance(i, Question)]
    if questions and Response.objects.filter(question__in=questions).exists():
        messages.error(
            request,
            "Attempts have used this question: it stays, so their history keeps what was asked. "
            "Take it out of its quizzes instead.",
        )
        return redirect("wagtailsnippets_assessments_question:list")
    return None
