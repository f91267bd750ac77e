"""Who may edit which course, in the Wagtail editor and in the API alike.

Wagtail page permissions (GroupPagePermission) propagate down the tree, so a grant
high enough to let teachers create courses would also let them edit every other
teacher's course. Instead:

* the "teacher" group holds only `add` on the tree root (migration 0003), which lets
  a teacher create a course under the catalog;
* every course-tree page class overrides `permissions_for_user` (the per-page hook
  Wagtail's editor consults for edit, add-child, delete, lock, publish...) and returns
  `CoursePermissionTester`, which gives a teacher `add` + `change` inside courses they
  own and nothing at all elsewhere;
* the "admin" group holds add/change/publish/lock/unlock/bulk_delete on the root and
  moderates the "Course review" workflow;
* what the editor LISTS (explorer, page search, page choosers, the sidebar's page
  menu, Site history, workflow reports) comes from Wagtail's page permission policy,
  not from the tester: `CoursePagePermissionPolicy` (registered for Page in
  cms/wagtail_hooks.py) gives the same answer as the tester, so a teacher sees the
  levels above courses and their own courses, and another teacher's course, drafts
  and draft titles are not there at all (docs/editor-roles.md).

Ownership is `CoursePage.owners` mirrored by a django-guardian object permission
(`cms.change_coursepage`) on the course; `cms.services.course_owners_set` keeps the two
in step. https://docs.wagtail.org/en/stable/topics/permissions.html
"""

from __future__ import annotations

from django.db.models import Q
from guardian.shortcuts import get_perms
from wagtail.models import Page, PagePermissionTester
from wagtail.permission_policies.pages import PagePermissionPolicy

from learning.accounts.roles import Role, user_has_role

COURSE_DEPTH = 3  # root (1) > course index (2) > course (3) > module (4) > lesson (5)
MODULE_DEPTH = 4
LESSON_DEPTH = 5
COURSE_OBJECT_PERMISSION = "change_coursepage"


def user_is_content_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user_has_role(user, Role.ADMIN))


def user_can_edit_course(user, course) -> bool:
    """An admin, or a teacher who owns the course (owners list or guardian object
    permission). Students never, whatever else they hold."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user_has_role(user, Role.ADMIN):
        return True
    if course is None or course.pk is None or not user_has_role(user, Role.TEACHER):
        return False
    cache = user.__dict__.setdefault("_cms_course_edit_cache", {})
    if course.pk not in cache:
        cache[course.pk] = (
            COURSE_OBJECT_PERMISSION in get_perms(user, course)
            # the owners rows in the database, never an in-memory (revision) copy
            or type(course).owners.through.objects.filter(coursepage_id=course.pk, user_id=user.pk).exists()
        )
    return cache[course.pk]


def user_can_edit_course_cache_forget(user) -> None:
    user.__dict__.pop("_cms_course_edit_cache", None)


def course_path_of(page) -> str | None:
    """The tree path of the course a page belongs to (None above course level)."""
    if not page.path or page.depth < COURSE_DEPTH:
        return None
    return page.path[: Page.steplen * COURSE_DEPTH]


def course_of_page(page):
    """The CoursePage a course/module/lesson page belongs to, or None."""
    from cms.models import CoursePage

    if isinstance(page, CoursePage):
        return page
    path = course_path_of(page)
    if path is None:
        return None
    return CoursePage.objects.filter(path=path).first()


class CoursePermissionTester(PagePermissionTester):
    """Wagtail's tester, with a teacher's rights replaced by course ownership."""

    TEACHER_ACTIONS = frozenset({"add", "change", "lock", "unlock"})

    def __init__(self, user, page):
        super().__init__(user, page)
        if not user.is_active or user.is_superuser or user_is_content_admin(user):
            return  # Wagtail's own group permissions decide.
        if user_has_role(user, Role.TEACHER) and user_can_edit_course(user, course_of_page(page)):
            self.permissions = set(self.TEACHER_ACTIONS)
        else:
            self.permissions = set()


def scoped_to_own_courses(user) -> bool:
    """Whether the editor narrows this user to their own courses: everyone below an
    admin (a student never reaches the editor; a teacher edits owned courses only)."""
    return not (user.is_superuser or user_is_content_admin(user))


def own_courses_q(user) -> Q:
    """Pages the user may see in the editor: the levels above courses, and every page
    of a course the user may edit (one query for the course paths)."""
    from .selectors import courses_editable_by

    allowed = Q(depth__lt=COURSE_DEPTH)
    for path in courses_editable_by(user=user).values_list("path", flat=True):
        allowed |= Q(path__startswith=path)
    return allowed


class CoursePagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page policy, answering like CoursePermissionTester for a teacher.

    Wagtail's own answer comes from group page permissions, which propagate down the
    tree: the teacher group's `add` on the root would make every course, draft and
    draft title explorable by every teacher, and would hide a teacher's own pages from
    the reports that ask who may `change` what. Here a teacher's rights inside courses
    are exactly the tester's: TEACHER_ACTIONS in owned courses, nothing in others."""

    def instances_user_has_any_permission_for(self, user, actions):
        pages = super().instances_user_has_any_permission_for(user, actions)
        if not user.is_active or not scoped_to_own_courses(user):
            return pages
        above_courses = pages.filter(depth__lt=COURSE_DEPTH)
        if not set(actions) & CoursePermissionTester.TEACHER_ACTIONS or not user_has_role(user, Role.TEACHER):
            return above_courses
        return above_courses | Page.objects.filter(own_courses_q(user)).filter(depth__gte=COURSE_DEPTH)

    def explorable_instances(self, user):
        pages = super().explorable_instances(user)
        if not user.is_active or not scoped_to_own_courses(user):
            return pages
        return pages.filter(own_courses_q(user))


course_page_policy = CoursePagePermissionPolicy(Page)
