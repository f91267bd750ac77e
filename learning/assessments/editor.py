"""Who may do what with a question in the Wagtail editor, and the question form.

As for challenges (learning/coding/editor.py): the model permissions
(assessments.*_question, migration 0002) open the Question bank menu; the policy
narrows every object to the banks the user may edit: a teacher, the banks of the
courses they own; an admin, every bank and the site-wide one (no course). Views that
open one question look it up through the policy (404 if not yours); the form refuses a
course the user may not edit and a question that could not be graded (no correct
option, a numeric answer that is not a number...).
https://docs.wagtail.org/en/stable/extending/permission_policies.html
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.permission_policies import ModelPermissionPolicy

from cms.permissions import course_of_page, user_can_edit_course, user_is_content_admin
from cms.selectors import courses_editable_by
from cms.snippet_scope import policy_scope
from site_config.api.ids import IdChoiceField

from .models import Question


def _bank_editable(user, course) -> bool:
    if course is None:
        return bool(user.is_superuser or user_is_content_admin(user))
    return user_can_edit_course(user, course)


class QuestionPermissionPolicy(ModelPermissionPolicy):
    """Model permission AND the right to edit the question's bank."""

    def user_has_permission_for_instance(self, user, action, instance):
        course = instance.course if instance.course_id else None
        return self.user_has_permission(user, action) and _bank_editable(user, course)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Question.objects.none()
        mine = Q(course__in=courses_editable_by(user=user))
        if user.is_superuser or user_is_content_admin(user):
            mine |= Q(course__isnull=True)
        return Question.objects.filter(mine)


question_policy = QuestionPermissionPolicy(Question)


# Views that open one question (or list them, in the chooser): questions outside the
# user's banks do not exist (404).
OwnBanksOnly = policy_scope(question_policy, "question")


class _FormRow:
    """A formset form's cleaned values as the attributes question_content reads."""

    def __init__(self, data: dict, pk=None):
        self.__dict__.update(data)
        self.pk = pk


def _rows(formset, defaults: dict) -> list:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        key = form.instance.key if hasattr(form.instance, "key") else None
        rows.append(_FormRow({**defaults, **data, **({"key": key} if key else {})}, pk=form.instance.pk))
    return rows


class QuestionAdminForm(WagtailAdminModelForm):
    """The bank must be one the user may edit; the options and tests must make a
    question that can be graded (services.question_content_errors, the same rules as
    the services)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A plain list of the courses the user may edit (not Wagtail's page chooser,
        # which would walk the whole tree); empty means the site-wide bank.
        if "course" in self.fields and self.for_user is not None:
            admin = bool(self.for_user.is_superuser or user_is_content_admin(self.for_user))
            self.fields["course"] = IdChoiceField(
                queryset=courses_editable_by(user=self.for_user),
                required=not admin,
                empty_label="Site-wide bank (all courses)" if admin else "Choose a course",
                help_text=Question._meta.get_field("course").help_text,
            )

    def clean_course(self):
        course = self.cleaned_data.get("course")
        if not _bank_editable(self.for_user, course):
            if course is None:
                raise ValidationError(
                    "Choose a course: only admins edit the site-wide bank.", code="site_bank"
                )
            raise ValidationError("Choose a course you may edit.", code="not_your_course")
        return course

    def clean(self):
        cleaned = super().clean()
        from .services import question_content, question_content_errors

        options = self.formsets.get("options")
        tests = self.formsets.get("code_tests")
        if options is None or tests is None or not options.is_valid() or not tests.is_valid():
            return cleaned
        draft = Question(**{k: v for k, v in cleaned.items() if k in {f.name for f in Question._meta.fields}})
        content = question_content(
            draft,
            options=_rows(options, {"weight": 0, "tolerance": None, "feedback": "", "is_correct": False}),
            code_tests=_rows(tests, {"input": "", "expected_output": "", "code": ""}),
        )
        for field, messages in question_content_errors(content).items():
            for message in messages:
                self.add_error(None, f"{field.replace('_', ' ').capitalize()}: {message}")
        return cleaned


class QuizPageForm(WagtailAdminPageForm):
    """A quiz may use only questions of its course's bank or the site-wide bank
    (another teacher's questions would otherwise show through an attempt)."""

    def clean(self):
        cleaned = super().clean()
        slots = self.formsets.get("slots")
        if slots is None or not slots.is_valid():
            return cleaned
        course = course_of_page(self.parent_page) if self.parent_page else course_of_page(self.instance)
        for form in slots.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            question = data.get("question")
            if data.get("kind") == "fixed" and question is None:
                self.add_error(None, "A fixed slot needs a question.")
            if data.get("kind") == "random" and not data.get("pool_tag"):
                self.add_error(None, "A random slot needs the tag of its pool.")
            if question is not None and question.course_id not in (None, getattr(course, "pk", None)):
                self.add_error(None, f"“{question}” is not in this course's question bank.")
        return cleaned
