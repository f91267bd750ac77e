"""Courses, modules and lessons: create, update, owners."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm
from wagtail.models import Page

from learning.accounts.roles import Role, user_has_role

from ..content_cache.handlers import course_owners_changed
from ..models import CourseLevel, CoursePage, LessonPage, ModulePage
from ..permissions import COURSE_OBJECT_PERMISSION, user_can_edit_course_cache_forget, user_is_content_admin
from .input import PREREQUISITES_FEATURES, rich_text_clean, stream_input_clean
from .pages import _check_parent, _create_page, _editable_latest, _save_edit, page_submit_for_review

# --- courses -------------------------------------------------------------------------


def _tag_names(tags: Iterable[str] | None) -> list[str]:
    names = []
    for tag in tags or []:
        name = str(tag).strip()
        if not name:
            continue
        if len(name) > 100:
            raise ValidationError({"tags": [f"Tag {name[:20]!r}… is longer than 100 characters."]})
        if name.lower() not in {n.lower() for n in names}:
            names.append(name)
    if len(names) > 20:
        raise ValidationError({"tags": ["At most 20 tags."]})
    return names


def _image_or_error(image_id, attr: str):
    from wagtail.images import get_image_model

    if image_id in (None, ""):
        return None
    image = get_image_model().objects.filter(pk=image_id).first() if str(image_id).isdigit() else None
    if image is None:
        raise ValidationError({attr: [f"No image with id {image_id!r}."]})
    return image


_COURSE_FIELDS = {"title", "summary", "level", "estimated_hours", "prerequisites", "tags", "cover_image"}


def _apply_course_fields(course: CoursePage, fields: dict) -> None:
    unknown = set(fields) - _COURSE_FIELDS
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in sorted(unknown)})
    if "title" in fields:
        course.title = (fields["title"] or "").strip()
    if "summary" in fields:
        course.summary = fields["summary"] or ""
    if "level" in fields:
        if fields["level"] not in CourseLevel.values:
            raise ValidationError({"level": [f"Choose one of: {', '.join(CourseLevel.values)}."]})
        course.level = fields["level"]
    if "estimated_hours" in fields:
        try:
            course.estimated_hours = Decimal(str(fields["estimated_hours"]))
        except ArithmeticError as exc:
            raise ValidationError({"estimated_hours": ["A number of hours is required."]}) from exc
    if "prerequisites" in fields:
        course.prerequisites = rich_text_clean(
            fields["prerequisites"] or "", PREREQUISITES_FEATURES, attr="prerequisites"
        )
    if "tags" in fields:
        course.tags.set(_tag_names(fields["tags"]))
    if "cover_image" in fields:
        course.cover_image = _image_or_error(fields["cover_image"], "cover_image")


@transaction.atomic
def course_create(
    *,
    user,
    title: str,
    summary: str = "",
    level: str = CourseLevel.BEGINNER,
    estimated_hours=1,
    prerequisites: str = "",
    tags: Iterable[str] = (),
    cover_image: int | None = None,
    slug: str | None = None,
    submit: bool = False,
) -> CoursePage:
    """A new draft course under the catalog; a teacher creating it becomes its owner."""
    from ..selectors import course_index_get

    course = CoursePage(title="")
    _apply_course_fields(
        course,
        {
            "title": title,
            "summary": summary,
            "level": level,
            "estimated_hours": estimated_hours,
            "prerequisites": prerequisites,
            "tags": tags,
            "cover_image": cover_image,
        },
    )
    course = _create_page(user=user, parent=course_index_get(), page=course, slug=slug, submit=False)
    if user_has_role(user, Role.TEACHER) and not user_is_content_admin(user):
        course_owner_add(course=course, user=user)
    if submit:
        page_submit_for_review(user=user, page=course)
    return course


@transaction.atomic
def course_update(
    *, user, course: CoursePage, slug: str | None = None, submit: bool = False, **fields
) -> CoursePage:
    draft = _editable_latest(course, user)
    _apply_course_fields(draft, fields)
    if slug is not None:
        draft.slug = slug
    return _save_edit(
        user=user, page=course, draft=draft, parent=None, slug_given=slug is not None, submit=submit
    )


def course_owner_add(*, course: CoursePage, user) -> None:
    """Make `user` an owner: the owners row (outside revisions, see
    CoursePage.with_content_json) plus the guardian object permission."""
    through = CoursePage.owners.through
    through.objects.get_or_create(coursepage_id=course.pk, user_id=user.pk)
    assign_perm(f"cms.{COURSE_OBJECT_PERMISSION}", user, course)
    user_can_edit_course_cache_forget(user)
    course_owners_changed(course.pk)  # the course detail names its owners


@transaction.atomic
def course_owners_set(*, actor, course: CoursePage, owners: Iterable[int]) -> list:
    """Admins choose the teachers who own a course. Owners must be teachers."""
    if not user_is_content_admin(actor) and not actor.has_perm("cms.assign_course_owners"):
        raise PermissionDenied("Only admins choose course owners.")
    owner_ids = {int(pk) for pk in owners}
    users = list(get_user_model().objects.filter(pk__in=owner_ids).prefetch_related("groups"))
    missing = owner_ids - {u.pk for u in users}
    not_teachers = [u.email for u in users if not user_has_role(u, Role.TEACHER)]
    if missing:
        raise ValidationError({"owners": [f"Unknown user id(s): {', '.join(map(str, sorted(missing)))}."]})
    if not_teachers:
        raise ValidationError({"owners": [f"Not teachers: {', '.join(sorted(not_teachers))}."]})
    through = CoursePage.owners.through
    # Former owners: by the owners rows and by the guardian grants (the editor's form may
    # already have rewritten the rows before this runs).
    current = set(through.objects.filter(coursepage_id=course.pk).values_list("user_id", flat=True))
    granted = get_users_with_perms(
        course, only_with_perms_in=[COURSE_OBJECT_PERMISSION], with_group_users=False, with_superusers=False
    )
    for user in (
        get_user_model()
        .objects.filter(Q(pk__in=current) | Q(pk__in=[u.pk for u in granted]))
        .exclude(pk__in=owner_ids)
    ):
        remove_perm(f"cms.{COURSE_OBJECT_PERMISSION}", user, course)
    through.objects.filter(coursepage_id=course.pk).exclude(user_id__in=owner_ids).delete()
    course_owners_changed(course.pk)
    for user in users:
        course_owner_add(course=course, user=user)
    return users


# --- modules -------------------------------------------------------------------------


def _apply_module_fields(module: ModulePage, fields: dict) -> None:
    unknown = set(fields) - {"title", "summary"}
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in sorted(unknown)})
    if "title" in fields:
        module.title = (fields["title"] or "").strip()
    if "summary" in fields:
        module.summary = fields["summary"] or ""


@transaction.atomic
def module_create(
    *, user, parent: Page, title: str, summary: str = "", slug: str | None = None, submit: bool = False
) -> ModulePage:
    module = ModulePage(title="")
    _apply_module_fields(module, {"title": title, "summary": summary})
    return _create_page(user=user, parent=parent.specific, page=module, slug=slug, submit=submit)


@transaction.atomic
def module_update(
    *,
    user,
    module: ModulePage,
    parent: Page | None = None,
    slug: str | None = None,
    submit: bool = False,
    **fields,
) -> ModulePage:
    draft = _editable_latest(module, user)
    _apply_module_fields(draft, fields)
    if slug is not None:
        draft.slug = slug
    return _save_edit(
        user=user, page=module, draft=draft, parent=parent, slug_given=slug is not None, submit=submit
    )


# --- lessons -------------------------------------------------------------------------


def _starter_files_input(files) -> list[dict]:
    if files is None:
        return []
    if not isinstance(files, list):
        raise ValidationError({"starter_files": ["Expected a list of files {name, language, content}."]})
    blocks = []
    for index, item in enumerate(files):
        if not isinstance(item, dict):
            raise ValidationError({f"starter_files.{index}": ["Each file is {name, language, content}."]})
        blocks.append({"type": "file", "value": item})
    return blocks


def _apply_lesson_fields(lesson: LessonPage, fields: dict) -> None:
    unknown = set(fields) - {"title", "body", "starter_files", "required", "estimated_minutes"}
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in sorted(unknown)})
    if "title" in fields:
        lesson.title = (fields["title"] or "").strip()
    if "body" in fields:
        lesson.body = stream_input_clean(model=LessonPage, field_name="body", raw=fields["body"])
    if "starter_files" in fields:
        lesson.starter_code = stream_input_clean(
            model=LessonPage,
            field_name="starter_code",
            attr="starter_files",
            raw=_starter_files_input(fields["starter_files"]),
        )
    if "required" in fields:
        lesson.required = bool(fields["required"])
    if "estimated_minutes" in fields:
        lesson.estimated_minutes = fields["estimated_minutes"]


@transaction.atomic
def lesson_create(
    *,
    user,
    parent: Page,
    title: str,
    body: list | None = None,
    starter_files: list | None = None,
    required: bool = True,
    estimated_minutes: int = 10,
    slug: str | None = None,
    submit: bool = False,
) -> LessonPage:
    lesson = LessonPage(title="")
    _check_parent(page_model=LessonPage, parent=parent)
    _apply_lesson_fields(
        lesson,
        {
            "title": title,
            "body": body,
            "starter_files": starter_files,
            "required": required,
            "estimated_minutes": estimated_minutes,
        },
    )
    return _create_page(user=user, parent=parent.specific, page=lesson, slug=slug, submit=submit)


@transaction.atomic
def lesson_update(
    *,
    user,
    lesson: LessonPage,
    parent: Page | None = None,
    slug: str | None = None,
    submit: bool = False,
    **fields,
) -> LessonPage:
    if parent is not None:
        _check_parent(page_model=LessonPage, parent=parent)
    draft = _editable_latest(lesson, user)
    _apply_lesson_fields(draft, fields)
    if slug is not None:
        draft.slug = slug
    return _save_edit(
        user=user, page=lesson, draft=draft, parent=parent, slug_given=slug is not None, submit=submit
    )
