"""State changes of the content tree: the only place that creates, edits, moves,
deletes, submits, publishes pages and sets course owners.

Everything goes through Wagtail's own actions and revisions (CreatePageAction,
EditPageAction, MovePageAction, DeletePageAction, Workflow.start, Revision.publish),
with the acting user, so an API edit shows in the editor's history, obeys the same
permission tester (cms.permissions) and goes through the same "Course review"
workflow as an edit made in the editor. Creating or updating never publishes: it
saves a draft revision and, when asked, submits it for review.

Services do not publish the content events themselves: Wagtail's actions send signals
that cms.events turns into ContentPublished / ContentUnpublished, for the editor's paths
as for ours (so each change is announced exactly once). Each use case that can change
what learners see runs in one `content_changes()` scope: one event per course, not one
per page.

Validation happens before any write and each service runs in one transaction, so bad
input leaves the page tree exactly as it was. Failures are Django exceptions:
`ValidationError` (400, with the field path in the key, e.g. `body.2.code`),
`PermissionDenied` (403), `ContentConflict` (409: in review, locked).

The package, one module per concern: `input` (rich text and StreamField input),
`pages` (page plumbing, delete, submit, publish, unpublish, moderation), `courses`
(courses, modules, lessons, owners), `importing` (a whole course from JSON). Callers
import from `cms.services`.
"""

from ..models import CoursePage, LessonPage, ModulePage  # noqa: F401  (callers reach them here)
from .courses import (  # noqa: F401
    course_create,
    course_owner_add,
    course_owners_set,
    course_update,
    lesson_create,
    lesson_update,
    module_create,
    module_update,
)
from .importing import (  # noqa: F401
    course_import,
    lesson_import_extension_register,
)
from .input import (  # noqa: F401
    BODY_RICH_TEXT_FEATURES,
    CALLOUT_RICH_TEXT_FEATURES,
    PREREQUISITES_FEATURES,
    rich_text_clean,
    stream_input_clean,
)
from .pages import (  # noqa: F401
    ContentConflict,
    moderation_approve,
    moderation_reject,
    page_delete,
    page_publish,
    page_submit_for_review,
    page_unpublish,
)
