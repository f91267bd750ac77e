"""The curriculum document from published Wagtail content: live courses under a live
catalog, their live modules and the live lessons of those (the learner API's rule,
cms.selectors), with each lesson's challenges and their hint ladders.

What learners never see is kept apart under each challenge's `private` key (the
reference solution and the hidden tests) or left out with `include_private=False`;
the index never reads `private` (tutor/curriculum/chunks.py)."""

from __future__ import annotations

from django.utils import timezone

from . import FORMAT, VERSION
from .sections import body_sections, html_text


def _challenge(challenge, *, include_private: bool) -> dict:
    tests = list(challenge.tests.all())
    item = {
        "id": challenge.pk,
        "slug": challenge.slug or "",
        "title": challenge.title,
        "prompt": challenge.prompt,
        "language": challenge.language,
        "starter_source": challenge.starter_source,
        "hints": [hint.text for hint in challenge.hints.all()],
        "tests": [_test(t) for t in tests if not t.hidden],
    }
    if include_private:
        item["private"] = {
            "reference_solution": challenge.reference_solution,
            "tests": [_test(t) for t in tests if t.hidden],
        }
    return item


def _test(test) -> dict:
    out = {"description": test.description, "kind": test.kind, "hidden": test.hidden}
    if test.kind == "io":
        out |= {"input": test.input, "expected_output": test.expected_output}
    else:
        out["code"] = test.code
    return out


def course_export(course, *, include_private: bool = True) -> dict:
    """One published course as the document's `courses` item. A constant number of
    queries whatever the course's size."""
    from cms.selectors import published_lessons_of_course, published_modules_of_course
    from learning.coding.models import Challenge

    modules = list(published_modules_of_course(course))
    lessons = list(published_lessons_of_course(course))
    challenges: dict[int, list] = {}
    for challenge in (
        Challenge.objects.filter(lesson__in=[lesson.pk for lesson in lessons])
        .prefetch_related("tests", "hints")
        .order_by("lesson_id", "sort_order", "pk")
    ):
        challenges.setdefault(challenge.lesson_id, []).append(challenge)
    by_module: dict[str, list] = {}
    for lesson in lessons:
        by_module.setdefault(lesson.path[: -lesson.steplen], []).append(lesson)
    return {
        "id": course.pk,
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "level": course.level,
        "tags": sorted(tag.name for tag in course.tags.all()),
        "estimated_hours": float(course.estimated_hours),
        "prerequisites": html_text(course.prerequisites),
        "modules": [
            {
                "id": module.pk,
                "slug": module.slug,
                "title": module.title,
                "summary": module.summary,
                "lessons": [
                    _lesson(lesson, challenges.get(lesson.pk, []), include_private=include_private)
                    for lesson in by_module.get(module.path, [])
                ],
            }
            for module in modules
        ],
        "glossary": [
            {"term": block.value["term"], "definition": block.value["definition"]}
            for block in course.glossary
            if block.block_type == "term"
        ],
    }


def _lesson(lesson, challenges: list, *, include_private: bool) -> dict:
    blocks = [{"type": block["type"], "value": block["value"]} for block in lesson.body.raw_data]
    return {
        "id": lesson.pk,
        "slug": lesson.slug,
        "title": lesson.title,
        "required": lesson.required,
        "estimated_minutes": lesson.estimated_minutes,
        "sections": body_sections(lesson_title=lesson.title, blocks=blocks),
        "starter_files": lesson.starter_files(),
        "challenges": [_challenge(c, include_private=include_private) for c in challenges],
    }


def published_courses(course_ids=None):
    """Live courses under a live catalog (all, or those of `course_ids`), in tree order."""
    from cms.models import CoursePage
    from cms.permissions import COURSE_DEPTH
    from cms.selectors import with_live_ancestors

    queryset = CoursePage.objects.live().filter(depth=COURSE_DEPTH)
    if course_ids is not None:
        queryset = queryset.filter(pk__in=list(course_ids))
    return list(with_live_ancestors(queryset, COURSE_DEPTH).prefetch_related("tags").order_by("path"))


def curriculum_export(*, course_ids=None, include_private: bool = True) -> dict:
    """The whole document (or the part of `course_ids`)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "courses": [
            course_export(course, include_private=include_private) for course in published_courses(course_ids)
        ],
    }
