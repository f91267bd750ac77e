"""Import a whole course from one JSON document (docs/course-import.md)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import CourseLevel, CoursePage
from .courses import course_create, lesson_create, module_create
from .pages import page_submit_for_review

# --- import a whole course from one JSON document -----------------------------------------

# Other apps add lesson keys to the import document (e.g. the coding app's "challenges"):
# name → handler(*, user, lesson, value), called after the lesson exists, inside the
# import's transaction; it raises ValidationError for bad values and may return a list
# of warnings (kept on the course as `import_warnings`).
LESSON_IMPORT_EXTENSIONS: dict = {}
# name → check(*, user, value), optional: called for each lesson carrying the key BEFORE
# the import's transaction opens (slow work, such as running code in the sandbox, goes
# here, so no database lock is held meanwhile); the handler then gets what it returned
# as `value`. It raises ValidationError for bad values.
LESSON_IMPORT_CHECKS: dict = {}


def lesson_import_extension_register(name: str, handler, *, check=None) -> None:
    LESSON_IMPORT_EXTENSIONS[name] = handler
    if check is not None:
        LESSON_IMPORT_CHECKS[name] = check
    else:
        LESSON_IMPORT_CHECKS.pop(name, None)


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
_LESSON_KEYS = {"title", "slug", "body", "starter_files", "required", "estimated_minutes"}


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


def _extension_checks(*, user, document) -> dict:
    """The extensions' checks for every lesson carrying their keys, before the import's
    transaction: {(module index, lesson index, key): what the check returned}. A
    malformed document is skipped here; the import itself names the place."""
    checked: dict = {}
    if not LESSON_IMPORT_CHECKS or not isinstance(document, dict):
        return checked
    modules = document.get("modules")
    for m_index, module_doc in enumerate(modules if isinstance(modules, list) else []):
        lessons = module_doc.get("lessons") if isinstance(module_doc, dict) else None
        for l_index, lesson_doc in enumerate(lessons if isinstance(lessons, list) else []):
            if not isinstance(lesson_doc, dict):
                continue
            for name, check in LESSON_IMPORT_CHECKS.items():
                if name in lesson_doc:
                    try:
                        checked[(m_index, l_index, name)] = check(user=user, value=lesson_doc[name])
                    except ValidationError as exc:
                        raise _prefixed(exc, f"modules.{m_index}.lessons.{l_index}") from exc
    return checked


def course_import(*, user, document, submit: bool = False) -> CoursePage:
    """Create a whole course (modules, lessons, starter code) from one JSON document
    (docs/course-import.md) as draft revisions by `user`; with `submit`, the course and
    every page in it go to the Course review workflow. All or nothing. The extensions'
    checks run first, outside the transaction; their warnings (e.g. a challenge's
    starter code that already passes) are on the returned course as `import_warnings`."""
    checked = _extension_checks(user=user, document=document)
    return _course_import(user=user, document=document, submit=submit, checked=checked)


@transaction.atomic
def _course_import(*, user, document, submit: bool, checked: dict) -> CoursePage:
    from ..selectors import course_index_get

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
    warnings: list[str] = []
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
                    starter_files=lesson_doc.get("starter_files"),
                    required=_expect(lesson_doc.get("required", True), bool, f"{l_prefix}.required"),
                    estimated_minutes=minutes,
                )
                for name, handler in LESSON_IMPORT_EXTENSIONS.items():
                    if name in lesson_doc:
                        value = checked.get((m_index, l_index, name), lesson_doc[name])
                        notes = handler(user=user, lesson=lesson, value=value)
                        warnings.extend(f"{l_prefix}.{name}: {note}" for note in notes or ())
            except ValidationError as exc:
                raise exc if _has_prefix(exc, l_prefix) else _prefixed(exc, l_prefix) from exc
    if submit:
        page_submit_for_review(user=user, page=course, include_descendants=True)
    course.import_warnings = warnings
    return course


def _has_prefix(exc: ValidationError, prefix: str) -> bool:
    return hasattr(exc, "error_dict") and all(key.startswith(prefix) for key in exc.error_dict)
