"""Any page: creation and edit plumbing, delete, submit, publish, unpublish, moderation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from wagtail.actions.create_page import CreatePageAction
from wagtail.actions.delete_page import DeletePageAction
from wagtail.actions.edit_page import EditPageAction
from wagtail.actions.move_page import MovePageAction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import Page, PageSubscription, TaskState, WorkflowState

from ..events import content_changes


class ContentConflict(Exception):
    """The page cannot change right now (in review and locked, already submitted...)."""

    def __init__(self, detail: str, code: str = "conflict"):
        super().__init__(detail)
        self.detail = detail
        self.code = code


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


@content_changes()
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


# --- any page: delete, submit, publish, unpublish ------------------------------------------


@transaction.atomic
@content_changes()
def page_delete(*, user, page: Page) -> None:
    """Teachers delete only unpublished pages of their courses with nothing below them
    (Wagtail's rule for users without publish and bulk-delete rights); admins delete
    anything. The refusal says which rule stopped it."""
    page = page.specific
    _check_not_locked(page, user)
    if not page.permissions_for_user(user).can_delete():
        if page.get_descendants(inclusive=True).live().exists():
            raise PermissionDenied("You may not delete this page: published pages are deleted by admins.")
        if not page.is_leaf():
            raise PermissionDenied(
                "You may not delete a page with pages below it: delete those first, or ask an admin."
            )
        raise PermissionDenied("You may not delete this page.")
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
@content_changes()
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
@content_changes()
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
    from ..selectors import moderation_items_for_user

    task_state = moderation_items_for_user(user=user).filter(pk=task_state_id).first()
    if task_state is None:
        from django.http import Http404

        raise Http404("No such item in review.")
    return task_state


@transaction.atomic
@content_changes()
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
