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
  moderates the "Course review" workflow.

Ownership is `CoursePage.owners` mirrored by a django-guardian object permission
(`cms.change_coursepage`) on the course; `cms.services.course_owners_set` keeps the two
in step. https://docs.wagtail.org/en/stable/topics/permissions.html
"""

from __future__ import annotations

from guardian.shortcuts import get_perms
from wagtail.models import Page, PagePermissionTester

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
