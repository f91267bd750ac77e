"""Who may do what with a challenge in the Wagtail editor.

Two layers, as for course pages (cms.permissions):

* model permissions (coding.add/change/delete/view_challenge, granted to the teacher
  and admin groups by accounts migration 0005) open the Challenges menu and screens;
* ChallengePermissionPolicy narrows every object-level question to the courses the
  user may edit (cms.permissions.user_can_edit_course: all for an admin, owned ones
  for a teacher). Wagtail's listing, bulk actions and "can delete" buttons ask the
  policy; the edit/delete/copy/usage/history views and the snippet chooser look the
  object up through it (`OwnCoursesOnly`), so another teacher's challenge is a 404
  there, exactly as in the teacher API; ChallengeAdminForm refuses a lesson of a
  course the user may not edit, and the lesson chooser offers only owned courses (as
every page chooser does for a teacher: cms/wagtail_hooks.py).
https://docs.wagtail.org/en/stable/extending/permission_policies.html
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.permission_policies import ModelPermissionPolicy

from cms.permissions import course_of_page, user_can_edit_course
from cms.selectors import courses_editable_by
from cms.snippet_scope import policy_scope

from .models import Challenge


class ChallengePermissionPolicy(ModelPermissionPolicy):
    """Model permission AND the right to edit the challenge's course."""

    def user_has_permission_for_instance(self, user, action, instance):
        course = instance.course if instance.course_id else None
        return self.user_has_permission(user, action) and user_can_edit_course(user, course)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Challenge.objects.none()
        return Challenge.objects.filter(course__in=courses_editable_by(user=user))


class ChallengeAdminForm(WagtailAdminModelForm):
    """The editor's challenge form: the lesson must belong to a course the user may
    edit (the chooser narrows what is offered, the form is where it is enforced; the
    teacher API applies the same rule in its serializer)."""

    def clean_lesson(self):
        lesson = self.cleaned_data.get("lesson")
        if lesson is not None and not user_can_edit_course(self.for_user, course_of_page(lesson)):
            raise ValidationError("Choose a lesson of a course you may edit.", code="not_your_course")
        return lesson


challenge_policy = ChallengePermissionPolicy(Challenge)

# Views that open one challenge (or list them, in the chooser): objects outside the
# user's courses do not exist (404), whatever the view would otherwise do.
OwnCoursesOnly = policy_scope(challenge_policy, "challenge")
