"""Editor hooks: course ownership follows what happens in the Wagtail editor.

* A teacher who creates a course in the editor becomes its owner (owners row +
  guardian permission), exactly as with the API's course_create.
* An admin who changes the Owners field in the editor has the change applied at once
  (owners live outside revisions, see CoursePage.with_content_json).
* Every document download (`/documents/<id>/<name>`) is checked first: see cms.documents.
* What the editor lists is narrowed to the user's own courses for teachers (the page
  permission policy and every page chooser): see cms.permissions.
https://docs.wagtail.org/en/stable/reference/hooks.html#page-editor-workflow
"""

from django.contrib.auth import get_user_model
from wagtail import hooks
from wagtail.models import Page
from wagtail.permissions import register_permission_policy

from learning.accounts.roles import Role, user_has_role

from .documents import document_serve_check
from .editor_scope import PLATFORM_REPORTS
from .models import CoursePage
from .permissions import course_page_policy, own_courses_q, scoped_to_own_courses, user_is_content_admin
from .services import course_owner_add, course_owners_set

# Wagtail's admin asks `policy_registry.get_by_type(Page)` for every page listing.
register_permission_policy(Page, course_page_policy, exact_class=True)


def _sync_owners(request, page) -> None:
    page = page.specific if not isinstance(page, CoursePage) and hasattr(page, "specific") else page
    if not isinstance(page, CoursePage):
        return
    user = request.user
    if user_is_content_admin(user) or user.has_perm("cms.assign_course_owners"):
        chosen = [u.pk for u in page.owners.all()]
        teachers = (
            get_user_model()
            .objects.filter(pk__in=chosen, groups__name=Role.TEACHER)
            .values_list("pk", flat=True)
        )
        course_owners_set(actor=user, course=CoursePage.objects.get(pk=page.pk), owners=list(teachers))
    elif user_has_role(user, Role.TEACHER):
        course_owner_add(course=CoursePage.objects.get(pk=page.pk), user=user)


@hooks.register("after_create_page")
def course_owner_on_create(request, page):
    _sync_owners(request, page)


@hooks.register("after_edit_page")
def course_owners_on_edit(request, page):
    if user_is_content_admin(request.user) or request.user.has_perm("cms.assign_course_owners"):
        _sync_owners(request, page)


@hooks.register("before_serve_document")
def document_access_check(document, request):
    return document_serve_check(document, request)


@hooks.register("construct_page_chooser_queryset")
def own_courses_in_page_choosers(pages, request):
    """Every page chooser (a challenge's lesson, links in rich text, ...) offers a
    teacher the levels above courses and their own courses only: another teacher's
    drafts and draft titles are not listed there either."""
    if not scoped_to_own_courses(request.user):
        return pages
    return pages.filter(own_courses_q(request.user))


@hooks.register("construct_reports_menu")
def platform_reports_for_admins(request, menu_items):
    """The platform-wide reports (cms/editor_scope.py) are not offered to teachers."""
    if scoped_to_own_courses(request.user):
        menu_items[:] = [item for item in menu_items if item.name not in PLATFORM_REPORTS]
