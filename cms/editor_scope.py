"""A teacher's editor is scoped to their own courses, for screens that name a page.

Wagtail checks a teacher's rights on a page through the page's permission tester
(cms.permissions.CoursePermissionTester) when the screen changes something, and lists
pages through the page permission policy (CoursePagePermissionPolicy). Some screens do
neither: the explorer of a page (`/admin/pages/<id>/`) renders the page's title and
breadcrumb for anyone who can explore its parent, the admin pages API
(`/admin/api/main/pages/<id>/`) returns any page's draft title, and the platform-wide
"Page types usage" report shows the title of the page edited last, whoever owns it.

`EditorScopeMiddleware` closes them in one place, from the URL Wagtail resolved: for a
teacher, any editor URL that names a page outside the levels above courses and their
own courses is a 404 (the same answer as a page that does not exist), and the
platform-wide reports are a 403 (and not in the Reports menu: cms/wagtail_hooks.py).
Admins and everyone else are left to Wagtail. See docs/editor-roles.md.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from wagtail.models import Page

from learning.accounts.roles import Role, user_has_role

from .permissions import own_courses_q, scoped_to_own_courses

# Wagtail's URL keyword arguments that hold a page id (wagtail/admin/urls/pages.py, choosers).
PAGE_KWARGS = ("page_id", "parent_page_id", "destination_id", "page_to_move_id")
ADMIN_API_PAGES = "wagtailadmin_api:pages:"
# Screens that show every course's pages: admins only. The Reports menu item names.
PLATFORM_REPORT_VIEWS = {
    "wagtailadmin_reports:page_types_usage",
    "wagtailadmin_reports:page_types_usage_results",
}
PLATFORM_REPORTS = {"page-types-usage"}


def teacher_scoped(user) -> bool:
    return bool(user.is_authenticated and user.is_active and scoped_to_own_courses(user)) and user_has_role(
        user, Role.TEACHER
    )


def named_page_ids(match) -> list[int]:
    ids = [match.kwargs[name] for name in PAGE_KWARGS if name in match.kwargs]
    if match.view_name.startswith(ADMIN_API_PAGES) and "pk" in match.kwargs:
        ids.append(match.kwargs["pk"])
    return [int(pk) for pk in ids]


class EditorScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not (match.route or "").startswith("admin/") or not teacher_scoped(request.user):
            return None
        if match.view_name in PLATFORM_REPORT_VIEWS:
            raise PermissionDenied("This report covers every course; it is for admins.")
        ids = set(named_page_ids(match))
        if ids and Page.objects.filter(pk__in=ids).filter(own_courses_q(request.user)).count() < len(ids):
            raise Http404("No such page.")
        return None
