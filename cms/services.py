"""State changes of the content tree: the only place that creates, edits, moves,
deletes, submits, publishes pages and sets course owners.

Everything goes through Wagtail's own actions and revisions (CreatePageAction,
EditPageAction, MovePageAction, DeletePageAction, Workflow.start, Revision.publish),
with the acting user, so an API edit shows in the editor's history, obeys the same
permission tester (cms.permissions) and goes through the same "Course review"
workflow as an edit made in the editor. Creating or updating never publishes: it
saves a draft revision and, when asked, submits it for review.

Validation happens before any write and each service runs in one transaction, so bad
input leaves the page tree exactly as it was. Failures are Django exceptions:
`ValidationError` (400, with the field path in the key, e.g. `body.2.code`),
`PermissionDenied` (403), `ContentConflict` (409: in review, locked).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from decimal import Decimal

from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm
from wagtail.actions.create_page import CreatePageAction
from wagtail.actions.delete_page import DeletePageAction
from wagtail.actions.edit_page import EditPageAction
from wagtail.actions.move_page import MovePageAction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.models import Page, PageSubscription, TaskState, WorkflowState

from learning.accounts.roles import Role, user_has_role

from .models import CourseLevel, CoursePage, LessonPage, ModulePage
from .permissions import COURSE_OBJECT_PERMISSION, user_can_edit_course_cache_forget, user_is_content_admin


class ContentConflict(Exception):
    """The page cannot change right now (in review and locked, already submitted...)."""

    def __init__(self, detail: str, code: str = "conflict"):
        super().__init__(detail)
        self.detail = detail
        self.code = code


# --- rich text and StreamField input ---------------------------------------------------

BODY_RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "code", "ol", "ul", "blockquote", "hr"]
CALLOUT_RICH_TEXT_FEATURES = ["bold", "italic", "link", "code", "ol", "ul"]
PREREQUISITES_FEATURES = ["bold", "italic", "link", "ul", "ol"]


def rich_text_clean(html: str, features: list[str], *, attr: str = "html") -> str:
    """Run HTML through the editor's own converter (HTML → Draftail content state → HTML),
    so API input obeys the same allow-list as the editor: no scripts, no event
    handlers, no javascript: links, only the enabled features.

    The converter expects the well-formed HTML the editor writes (it asserts on
    `<p><br></p>` and breaks on unclosed tags), so the input is first re-serialised
    by an HTML parser that closes what is open; what it still cannot read is a 400."""
    if not html:
        return ""
    well_formed = str(BeautifulSoup(html, "html.parser"))
    converter = ContentstateConverter(features)
    try:
        return converter.to_database_format(converter.from_database_format(well_formed))
    except (AssertionError, TypeError, ValueError, KeyError, IndexError) as exc:
        raise ValidationError(
            {attr: [ValidationError("This rich text could not be read as HTML.", code="invalid_html")]}
        ) from exc


def _flatten_block_errors(data: dict, prefix: str, into: dict[str, list[str]]) -> None:
    for message in data.get("messages", []):
        into.setdefault(prefix, []).append(str(message))
    for key, child in (data.get("blockErrors") or {}).items():
        if isinstance(child, list):  # ListBlock errors: a list indexed by position
            for index, item in enumerate(child):
                if item:
                    _flatten_block_errors(item, f"{prefix}.{key}.{index}", into)
        else:
            _flatten_block_errors(child, f"{prefix}.{key}", into)


def _block_error_dict(exc: ValidationError, attr: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if hasattr(exc, "as_json_data"):
        _flatten_block_errors(exc.as_json_data(), attr, errors)
    if not errors:
        errors[attr] = [str(message) for message in exc.messages] or ["Invalid value."]
    return errors


def _sanitize_block_input(block_type: str, value, *, attr: str):
    if block_type == "rich_text" and isinstance(value, str):
        return rich_text_clean(value, BODY_RICH_TEXT_FEATURES, attr=attr)
    if block_type == "callout" and isinstance(value, dict) and isinstance(value.get("text"), str):
        return {
            **value,
            "text": rich_text_clean(value["text"], CALLOUT_RICH_TEXT_FEATURES, attr=f"{attr}.text"),
        }
    return value


def stream_input_clean(*, model: type[Page], field_name: str, raw, attr: str | None = None):
    """Validate a `[{"type": ..., "value": ...}]` list for a StreamField of `model` and
    return the cleaned StreamValue. Unknown block types, malformed values, missing
    images/documents and block rules (e.g. video hosts) are all ValidationErrors
    keyed by position, e.g. `body.3.value.url`."""
    attr = attr or field_name
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise ValidationError({attr: ['Expected a list of blocks, each {"type": ..., "value": ...}.']})
    stream_block = model._meta.get_field(field_name).stream_block
    allowed = list(stream_block.child_blocks)
    errors: dict[str, list[str]] = {}
    items = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or "type" not in item:
            errors[f"{attr}.{index}"] = ['Each block is an object {"type": ..., "value": ...}.']
            continue
        if item["type"] not in stream_block.child_blocks:
            errors[f"{attr}.{index}.type"] = [
                f"Unknown block type {item['type']!r}; allowed: {', '.join(allowed)}."
            ]
            continue
        items.append(
            {
                "type": item["type"],
                "value": _sanitize_block_input(item["type"], item.get("value"), attr=f"{attr}.{index}.value"),
                "id": str(item.get("id") or uuid.uuid4()),
            }
        )
    if errors:
        raise ValidationError(errors)
    max_blocks = settings.CONTENT_STREAM_MAX_BLOCKS
    if len(items) > max_blocks:
        raise ValidationError({attr: [f"At most {max_blocks} blocks are allowed; got {len(items)}."]})
    size = len(json.dumps(items))
    if size > settings.CONTENT_STREAM_MAX_BYTES:
        raise ValidationError(
            {attr: [f"The content is {size} bytes; the limit is {settings.CONTENT_STREAM_MAX_BYTES} bytes."]}
        )
    try:
        value = stream_block.to_python(items)
        return stream_block.clean(value)
    except ValidationError as exc:
        raise ValidationError(_block_error_dict(exc, attr)) from exc
    except (TypeError, ValueError, AttributeError, KeyError, OverflowError) as exc:
        # A value of the wrong shape (a string where an object is expected, an id that
        # is not a number, or too big for the database: OverflowError on SQLite...).
        # Find the first culprit for a precise message.
        for index, item in enumerate(items):
            try:
                stream_block.child_blocks[item["type"]].to_python(item["value"])
            except (TypeError, ValueError, AttributeError, KeyError, OverflowError):
                raise ValidationError(
                    {f"{attr}.{index}.value": [f"Malformed value for a {item['type']!r} block."]}
                ) from exc
        raise ValidationError({attr: ["Malformed block value."]}) from exc


# --- generic page plumbing -----------------------------------------------------------

_PAGE_INTERNAL_FIELDS = [f.name for f in Page._meta.get_fields() if f.concrete and f.name != "title"] + [
    "page_ptr"
]


def _check_parent(*, page_model: type[Page], parent: Page) -> None:
    parent_class = parent.specific_class
    if parent_class not in page_model.allowed_parent_page_models():
        expected = ", ".join(m._meta.verbose_name for m in page_model.allowed_parent_page_models())
        raise ValidationError(
            {
                "parent": [
                    f"A {page_model._meta.verbose_name} must be inside a {expected}, "
                    f"not a {parent_class._meta.verbose_name if parent_class else 'page'}."
                ]
            },
            code="invalid_parent",
        )


def _unique_slug(base: str, parent: Page, page: Page | None = None) -> str:
    base = slugify(base)[:200] or "page"
    slug, n = base, 2
    while not Page._slug_is_available(slug, parent, page):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _validate_page(page: Page, parent: Page, *, slug_given: bool) -> None:
    """Field validation (blank, choices, lengths, validators) and slug uniqueness
    among siblings, before anything is written."""
    errors: dict[str, list[str]] = {}
    if not (page.title or "").strip():
        errors["title"] = ["This field is required."]
    try:
        page.clean_fields(exclude=_PAGE_INTERNAL_FIELDS + ["title"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if page.slug and not errors.get("title"):
        try:
            Page._meta.get_field("slug").run_validators(page.slug)
        except ValidationError as exc:
            errors["slug"] = list(exc.messages)
        else:
            if slug_given and not Page._slug_is_available(page.slug, parent, page if page.pk else None):
                errors["slug"] = [f"The slug {page.slug!r} is already used here."]
    if errors:
        raise ValidationError(errors)


def _check_not_locked(page: Page, user) -> None:
    lock = page.get_lock()
    if lock is not None and lock.for_user(user):
        raise ContentConflict(
            "This page is locked (it is in review or an editor locked it); wait for the review to finish.",
            code="locked",
        )


class _ApiCreatePageAction(CreatePageAction):
    """Wagtail's CreatePageAction without a form: the page is validated by the
    service, then added under its parent exactly as the editor's create view does."""

    def _save_instance(self):
        self.instance.live = False
        self.instance.has_unpublished_changes = True
        self.parent.add_child(instance=self.instance)
        if self.user:
            PageSubscription.objects.update_or_create(
                page=self.instance, user=self.user, defaults={"comment_notifications": True}
            )


def _create_page(*, user, parent: Page, page: Page, slug: str | None, submit: bool) -> Page:
    _check_parent(page_model=type(page), parent=parent)
    if not parent.permissions_for_user(user).can_add_subpage():
        raise PermissionDenied("You may not add pages here.")
    page.slug = slug or (_unique_slug(page.title, parent) if page.title else "")
    _validate_page(page, parent, slug_given=bool(slug))
    page.owner = user
    _ApiCreatePageAction(page, parent=parent, user=user, clean=False).execute()
    if submit:
        page_submit_for_review(user=user, page=page)
    return page


def _editable_latest(page: Page, user) -> Page:
    page = page.specific
    if not page.permissions_for_user(user).can_edit():
        raise PermissionDenied("You may not edit this page.")
    _check_not_locked(page, user)
    return page.get_latest_revision_as_object()


def _save_edit(*, user, page: Page, draft: Page, parent: Page | None, slug_given: bool, submit: bool) -> Page:
    current_parent = page.get_parent()
    target = parent if parent is not None and parent.pk != current_parent.pk else None
    if target is not None:
        _check_parent(page_model=type(draft), parent=target)
        if not page.permissions_for_user(user).can_move_to(target):
            raise PermissionDenied("You may not move this page there (published pages move only by admins).")
    _validate_page(draft, target or current_parent, slug_given=slug_given)
    EditPageAction(draft, user=user, clean=False).execute()
    if target is not None:
        MovePageAction(Page.objects.get(pk=page.pk), target=target, pos="last-child", user=user).execute()
    if submit:
        page_submit_for_review(user=user, page=Page.objects.get(pk=page.pk).specific)
    return Page.objects.get(pk=page.pk).specific


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
    from .selectors import course_index_get

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


def _starter_code_input(files) -> list[dict]:
    if files is None:
        return []
    if not isinstance(files, list):
        raise ValidationError({"starter_code": ["Expected a list of files {name, language, content}."]})
    blocks = []
    for index, item in enumerate(files):
        if not isinstance(item, dict):
            raise ValidationError({f"starter_code.{index}": ["Each file is {name, language, content}."]})
        blocks.append({"type": "file", "value": item})
    return blocks


def _apply_lesson_fields(lesson: LessonPage, fields: dict) -> None:
    unknown = set(fields) - {"title", "body", "starter_code", "required", "estimated_minutes"}
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in sorted(unknown)})
    if "title" in fields:
        lesson.title = (fields["title"] or "").strip()
    if "body" in fields:
        lesson.body = stream_input_clean(model=LessonPage, field_name="body", raw=fields["body"])
    if "starter_code" in fields:
        lesson.starter_code = stream_input_clean(
            model=LessonPage, field_name="starter_code", raw=_starter_code_input(fields["starter_code"])
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
    starter_code: list | None = None,
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
            "starter_code": starter_code,
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


# --- any page: delete, submit, publish, unpublish ------------------------------------------


@transaction.atomic
def page_delete(*, user, page: Page) -> None:
    """Teachers delete only never-published pages of their courses (Wagtail's rule for
    users without publish rights); admins delete anything."""
    page = page.specific
    _check_not_locked(page, user)
    if not page.permissions_for_user(user).can_delete():
        raise PermissionDenied("You may not delete this page (published pages are deleted by admins).")
    DeletePageAction(page, user=user).execute()


def _submit_one(*, user, page: Page) -> WorkflowState:
    page = page.specific
    if not page.permissions_for_user(user).can_edit():
        raise PermissionDenied("You may not submit this page.")
    workflow = page.get_workflow()
    if workflow is None:
        raise ContentConflict("No review workflow covers this page.", code="no_workflow")
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        raise ContentConflict("This page is already in review.", code="already_in_review")
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
        return state
    return workflow.start(page, user)


@transaction.atomic
def page_submit_for_review(*, user, page: Page, include_descendants: bool = False) -> list[WorkflowState]:
    """Start (or resume, after changes were requested) the "Course review" workflow on
    the page's latest revision; with `include_descendants`, also on every page below
    that has unpublished changes and is not already in review."""
    states = [_submit_one(user=user, page=page)]
    if include_descendants:
        for child in page.get_descendants().filter(has_unpublished_changes=True).specific().order_by("path"):
            current = child.current_workflow_state
            if current is not None and current.status == WorkflowState.STATUS_IN_PROGRESS:
                continue
            states.append(_submit_one(user=user, page=child))
    return states


@transaction.atomic
def page_publish(*, user, page: Page, include_descendants: bool = False, go_live_at=None) -> Page:
    """Admins publish the latest revision directly (cancelling a review in progress,
    as the editor does). With a future `go_live_at`, the revision is scheduled instead:
    the page goes live when the `cms-publish-scheduled` job runs after that time."""
    if go_live_at is not None:
        from django.utils import timezone

        if go_live_at <= timezone.now():
            raise ValidationError(
                {"go_live_at": ["Give a time in the future, or leave it out to publish now."]}
            )
        page = page.specific
        if not page.permissions_for_user(user).can_publish():
            raise PermissionDenied("Only admins publish.")
        _check_not_locked(page, user)
        draft = page.get_latest_revision_as_object()
        draft.go_live_at = go_live_at
        EditPageAction(draft, user=user, clean=False).execute()
    page = Page.objects.get(pk=page.pk).specific  # fresh: latest_revision may have just changed
    pages = [page]
    if include_descendants:
        pages += list(page.get_descendants().filter(has_unpublished_changes=True).specific().order_by("path"))
    for item in pages:
        if not item.permissions_for_user(user).can_publish():
            raise PermissionDenied("Only admins publish.")
        state = item.current_workflow_state
        if state is not None:
            state.cancel(user=user)
        revision = item.get_latest_revision() or item.save_revision(user=user)
        revision.publish(user=user)
    return Page.objects.get(pk=page.pk).specific


@transaction.atomic
def page_unpublish(*, user, page: Page, include_descendants: bool = True) -> Page:
    """Take a page (and by default everything below it) off the learner API. Learners
    stop seeing the descendants even without `include_descendants`, because the
    selectors require every ancestor to be live."""
    page = page.specific
    if not page.live:
        raise ContentConflict("This page is not published.", code="not_published")
    if not page.permissions_for_user(user).can_unpublish():
        raise PermissionDenied("Only admins unpublish.")
    UnpublishPageAction(page, user=user, include_descendants=include_descendants).execute()
    return Page.objects.get(pk=page.pk).specific


# --- moderation ----------------------------------------------------------------------


def _reviewable_task_state(*, user, task_state_id: int) -> TaskState:
    from .selectors import moderation_items_for_user

    task_state = moderation_items_for_user(user=user).filter(pk=task_state_id).first()
    if task_state is None:
        from django.http import Http404

        raise Http404("No such item in review.")
    return task_state


@transaction.atomic
def moderation_approve(*, user, task_state_id: int, comment: str = "") -> TaskState:
    """Approve the current review task; the last task's approval publishes the
    reviewed revision (Wagtail's WAGTAIL_FINISH_WORKFLOW_ACTION)."""
    task_state = _reviewable_task_state(user=user, task_state_id=task_state_id)
    task_state.task.specific.on_action(task_state.specific, user, "approve", comment=comment or "")
    return TaskState.objects.get(pk=task_state.pk)


@transaction.atomic
def moderation_reject(*, user, task_state_id: int, comment: str) -> TaskState:
    """Request changes, with the reviewer's comment (required) for the author."""
    if not (comment or "").strip():
        raise ValidationError({"comment": ["Say what needs to change."]})
    task_state = _reviewable_task_state(user=user, task_state_id=task_state_id)
    task_state.task.specific.on_action(task_state.specific, user, "reject", comment=comment.strip())
    return TaskState.objects.get(pk=task_state.pk)


# --- import a whole course from one JSON document -----------------------------------------

# Other apps add lesson keys to the import document (e.g. the coding app's "challenges"):
# name → handler(*, user, lesson, value), called after the lesson exists, inside the
# import's transaction; it raises ValidationError for bad values.
LESSON_IMPORT_EXTENSIONS: dict = {}


def lesson_import_extension_register(name: str, handler) -> None:
    LESSON_IMPORT_EXTENSIONS[name] = handler


_COURSE_KEYS = {
    "title",
    "slug",
    "summary",
    "level",
    "tags",
    "estimated_hours",
    "prerequisites",
    "modules",
    "$schema",
}
_MODULE_KEYS = {"title", "slug", "summary", "lessons"}
_LESSON_KEYS = {"title", "slug", "body", "starter_code", "required", "estimated_minutes"}


def _prefixed(exc: ValidationError, prefix: str) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError({f"{prefix}.{key}": value for key, value in exc.message_dict.items()})
    return ValidationError({prefix: exc.messages})


def _expect(value, kind, attr: str, *, required: bool = False):
    if value is None:
        if required:
            raise ValidationError({attr: ["This field is required."]})
        return None
    if not isinstance(value, kind):
        name = {dict: "an object", list: "a list", str: "a string", bool: "true or false"}.get(
            kind, "a number"
        )
        raise ValidationError({attr: [f"Expected {name}."]})
    return value


def _check_keys(data: dict, allowed: set[str], prefix: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        where = f"{prefix}." if prefix else ""
        raise ValidationError({f"{where}{key}": ["Unknown field."] for key in unknown})


@transaction.atomic
def course_import(*, user, document, submit: bool = False) -> CoursePage:
    """Create a whole course (modules, lessons, starter code) from one JSON document
    (docs/course-import.md) as draft revisions by `user`; with `submit`, the course and
    every page in it go to the Course review workflow. All or nothing."""
    from .selectors import course_index_get

    document = _expect(document, dict, "document", required=True)
    _check_keys(document, _COURSE_KEYS, "")
    title = _expect(document.get("title"), str, "title", required=True)
    slug = _expect(document.get("slug"), str, "slug")
    modules = _expect(document.get("modules"), list, "modules") or []
    if slug and CoursePage.objects.child_of(course_index_get()).filter(slug=slug).exists():
        raise ValidationError({"slug": [f"A course with the slug {slug!r} exists already."]})
    course = course_create(
        user=user,
        title=title,
        slug=slug,
        summary=_expect(document.get("summary"), str, "summary") or "",
        level=document.get("level") or CourseLevel.BEGINNER,
        estimated_hours=document.get("estimated_hours", 1),
        prerequisites=_expect(document.get("prerequisites"), str, "prerequisites") or "",
        tags=_expect(document.get("tags"), list, "tags") or [],
    )
    for m_index, module_doc in enumerate(modules):
        prefix = f"modules.{m_index}"
        try:
            module_doc = _expect(module_doc, dict, prefix, required=True)
            _check_keys(module_doc, _MODULE_KEYS, prefix)
            module = module_create(
                user=user,
                parent=course,
                title=_expect(module_doc.get("title"), str, f"{prefix}.title", required=True),
                summary=_expect(module_doc.get("summary"), str, f"{prefix}.summary") or "",
                slug=_expect(module_doc.get("slug"), str, f"{prefix}.slug"),
            )
        except ValidationError as exc:
            raise exc if _has_prefix(exc, prefix) else _prefixed(exc, prefix) from exc
        lessons = _expect(module_doc.get("lessons"), list, f"{prefix}.lessons") or []
        for l_index, lesson_doc in enumerate(lessons):
            l_prefix = f"{prefix}.lessons.{l_index}"
            try:
                lesson_doc = _expect(lesson_doc, dict, l_prefix, required=True)
                _check_keys(lesson_doc, _LESSON_KEYS | set(LESSON_IMPORT_EXTENSIONS), l_prefix)
                minutes = lesson_doc.get("estimated_minutes", 10)
                if not isinstance(minutes, int) or isinstance(minutes, bool):
                    raise ValidationError({f"{l_prefix}.estimated_minutes": ["Expected a whole number."]})
                lesson = lesson_create(
                    user=user,
                    parent=module,
                    title=_expect(lesson_doc.get("title"), str, f"{l_prefix}.title", required=True),
                    slug=_expect(lesson_doc.get("slug"), str, f"{l_prefix}.slug"),
                    body=lesson_doc.get("body"),
                    starter_code=lesson_doc.get("starter_code"),
                    required=_expect(lesson_doc.get("required", True), bool, f"{l_prefix}.required"),
                    estimated_minutes=minutes,
                )
                for name, handler in LESSON_IMPORT_EXTENSIONS.items():
                    if name in lesson_doc:
                        handler(user=user, lesson=lesson, value=lesson_doc[name])
            except ValidationError as exc:
                raise exc if _has_prefix(exc, l_prefix) else _prefixed(exc, l_prefix) from exc
    if submit:
        page_submit_for_review(user=user, page=course, include_descendants=True)
    return course


def _has_prefix(exc: ValidationError, prefix: str) -> bool:
    return hasattr(exc, "error_dict") and all(key.startswith(prefix) for key in exc.error_dict)
