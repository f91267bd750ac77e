"""Turn pages (already fetched by the selectors) into the plain structures the output
serializers render. Kept apart from the serializers because the same shapes serve
the learner API, the preview endpoint and the authoring API."""

from __future__ import annotations

from wagtail.models import Page, WorkflowState

from cms import selectors
from cms.blocks import document_api_representation, image_api_representation
from cms.models import CoursePage, LessonPage, ModulePage


def _ref(page) -> dict:
    return {"id": page.pk, "title": page.title, "slug": page.slug}


def body_json(
    lesson: LessonPage, *, user=None, document_grant: bool = False, document_url=None
) -> list[dict]:
    """The StreamField rendered to JSON through each block's get_api_representation.
    Attachment URLs are signed for `user` (or granted to the preview's token holder), or
    made by `document_url(document)` (the content cache's per-caller marker)."""
    context = {"user": user, "document_grant": document_grant, "document_url": document_url}
    return lesson.body.stream_block.get_api_representation(lesson.body, context)


# --- learner -----------------------------------------------------------------------------


def course_with_outline(course: CoursePage) -> CoursePage:
    """Attach the published modules, lessons and quizzes (three queries, whatever their
    number)."""
    modules = list(selectors.published_modules_of_course(course))
    lessons = list(selectors.published_lessons_of_course(course).defer("body"))
    by_module: dict[str, list] = {module.path: [] for module in modules}
    for lesson in lessons:
        by_module.setdefault(lesson.path[: len(lesson.path) - Page.steplen], []).append(lesson)
    quizzes: dict[str, list] = {}
    for quiz in selectors.published_quizzes_of_course(course):
        quizzes.setdefault(quiz["path"][: len(quiz["path"]) - Page.steplen], []).append(quiz)
    for module in modules:
        module.lessons = by_module.get(module.path, [])
        module.quizzes = quizzes.get(module.path, [])
    course.outline_modules = modules
    course.lesson_count = len(lessons)
    course.required_lesson_count = sum(1 for lesson in lessons if lesson.required)
    course.total_minutes = sum(lesson.estimated_minutes for lesson in lessons)
    return course


def lesson_detail(lesson: LessonPage, *, user=None, document_url=None) -> dict:
    course = selectors.lesson_course(lesson)
    module = selectors.lesson_module(lesson)
    previous, following = selectors.lesson_neighbours(lesson, course)
    return {
        "id": lesson.pk,
        "title": lesson.title,
        "slug": lesson.slug,
        "course": _ref(course),
        "module": _ref(module),
        "required": lesson.required,
        "estimated_minutes": lesson.estimated_minutes,
        "body": body_json(lesson, user=user, document_url=document_url),
        "starter_files": lesson.starter_files(),
        "previous": previous,
        "next": following,
        "last_published_at": lesson.last_published_at,
    }


# --- preview -------------------------------------------------------------------------------


# Other apps add keys to a lesson's preview `fields` (the coding app: "challenges", as
# learners see them): name → function(*, lesson) returning JSON-ready data. Registered in
# the app's AppConfig.ready(), like the import extensions (cms.services.importing), so the
# content app never imports the apps built on it.
LESSON_PREVIEW_EXTENSIONS: dict = {}


def lesson_preview_extension_register(name: str, handler) -> None:
    LESSON_PREVIEW_EXTENSIONS[name] = handler


def type_fields(page: Page, *, for_editor: bool = False, document_grant: bool = False) -> dict:
    """The type's own fields. Learner/preview form: rendered (blocks as API JSON, image
    renditions). Editor form: raw (block values with image/document ids) so it can be
    sent back in a PATCH."""
    if isinstance(page, CoursePage):
        fields = {
            "summary": page.summary,
            "level": page.level,
            "tags": sorted(tag.name for tag in page.tags.all()),
            "estimated_hours": str(page.estimated_hours),
            "prerequisites": page.prerequisites,
        }
        if for_editor:
            fields["cover_image"] = page.cover_image_id
            fields["owners"] = (
                sorted(
                    CoursePage.owners.through.objects.filter(coursepage_id=page.pk).values_list(
                        "user_id", flat=True
                    )
                )
                if page.pk
                else []
            )
        else:
            fields["cover_image"] = image_api_representation(page.cover_image)
        return fields
    if isinstance(page, ModulePage):
        return {"summary": page.summary}
    if isinstance(page, LessonPage):
        return {
            "body": [
                {"type": child.block_type, "id": child.id, "value": child.block.get_prep_value(child.value)}
                for child in page.body
            ]
            if for_editor
            else body_json(page, document_grant=document_grant),
            "starter_files": page.starter_files(),
            "required": page.required,
            "estimated_minutes": page.estimated_minutes,
        }
    return {}


def preview_payload(page: Page, content_type: str) -> dict:
    """What a preview shows: the draft's own fields as the learner API shapes them. The
    preview API returns it as JSON; the built-in preview page (cms.views) renders it."""
    fields = type_fields(page, document_grant=True)
    if isinstance(page, LessonPage):
        for name, handler in LESSON_PREVIEW_EXTENSIONS.items():
            fields[name] = handler(lesson=page)
    return {
        "content_type": content_type,
        "id": page.pk,
        "title": page.title,
        "slug": page.slug or "",
        "fields": fields,
    }


# --- moderation --------------------------------------------------------------------------------


def moderation_items(task_states) -> list[dict]:
    task_states = list(task_states)
    pages = selectors.pages_by_id(int(ts.workflow_state.object_id) for ts in task_states)
    items = []
    for ts in task_states:
        page = pages.get(int(ts.workflow_state.object_id))
        requested_by = ts.workflow_state.requested_by
        items.append(
            {
                "id": ts.pk,
                "page": {
                    "id": page.pk if page else None,
                    "title": page.title if page else "",
                    "type": page._meta.label_lower if page else "",
                    "live": page.live if page else False,
                },
                "workflow": ts.workflow_state.workflow.name if ts.workflow_state.workflow_id else "",
                "task": ts.task.name,
                "status": ts.status,
                "revision_id": ts.revision_id,
                "submitted_by": {
                    "id": requested_by.pk,
                    "display_name": requested_by.display_name,
                    "email": requested_by.email,
                }
                if requested_by
                else None,
                "submitted_at": ts.workflow_state.created_at,
                "started_at": ts.started_at,
            }
        )
    return items


# --- authoring -----------------------------------------------------------------------------


def _page_base(page: Page, workflow_status: str | None) -> dict:
    status = "draft"
    if workflow_status == WorkflowState.STATUS_IN_PROGRESS:
        status = "in review"
    elif workflow_status == WorkflowState.STATUS_NEEDS_CHANGES:
        status = "changes requested"
    elif page.live:
        status = "live + draft" if page.has_unpublished_changes else "live"
    elif page.go_live_at:
        status = "scheduled"
    return {
        "id": page.pk,
        "type": page.specific_class._meta.label_lower if page.specific_class else "wagtailcore.page",
        "title": page.draft_title or page.title,
        "slug": page.slug,
        "parent": None,
        "live": page.live,
        "has_unpublished_changes": page.has_unpublished_changes,
        "status": status,
        "workflow_status": workflow_status,
        "latest_revision_id": page.latest_revision_id,
        "latest_revision_created_at": page.latest_revision_created_at,
        "go_live_at": page.go_live_at,
        "fields": {},
    }


def _workflow_statuses(pages) -> dict[str, str]:
    ids = [str(page.pk) for page in pages]
    rows = WorkflowState.objects.filter(
        base_content_type__app_label="wagtailcore",
        object_id__in=ids,
        status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES],
    ).values_list("object_id", "status")
    return dict(rows)


def authoring_pages(pages) -> list[dict]:
    """A list of pages for editors: status without the (per-page) draft fields."""
    pages = list(pages)
    statuses = _workflow_statuses(pages)
    return [_page_base(page, statuses.get(str(page.pk))) for page in pages]


def authoring_page(page: Page) -> dict:
    """One page for its editors: the latest revision's values and the status."""
    page = Page.objects.get(pk=page.pk).specific
    data = _page_base(page, _workflow_statuses([page]).get(str(page.pk)))
    parent = page.get_parent()
    data["parent"] = parent.pk if parent else None
    draft = page.get_latest_revision_as_object() if page.latest_revision_id else page
    data["title"] = draft.title
    data["fields"] = type_fields(draft, for_editor=True)
    if page.go_live_at is None and draft.go_live_at:
        data["go_live_at"] = draft.go_live_at
    return data


def image_out(image) -> dict:
    return {
        "id": image.pk,
        "title": image.title,
        "url": image.file.url,
        "details": image_api_representation(image),
    }


def document_out(document, *, user=None) -> dict:
    details = document_api_representation(document, user=user)
    return {
        "id": document.pk,
        "title": document.title,
        "url": details["url"],
        "details": details,
    }
