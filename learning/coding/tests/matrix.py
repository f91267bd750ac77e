"""Setups for the coding rows of tests/permission_matrix/rows_coding.py: a published lesson of
a course owned by "teacher", with one challenge on it."""

from cms.tests import matrix as cms_matrix


def lesson_with_challenge(callers) -> dict:
    from cms.models import LessonPage

    from ..services import challenge_create

    values = cms_matrix.live_course(callers)
    lesson = LessonPage.objects.get(pk=values["live_lesson"])
    challenge = challenge_create(
        user=callers["teacher"],
        data={
            "lesson": lesson,
            "title": "Sum",
            "prompt": "Write `sum(numbers)`.",
            "starter_source": "function sum(n) {}",
            "reference_solution": "function sum(n) { return n.reduce((a, b) => a + b, 0) }",
            "tests": [{"description": "sums", "code": "assert.strictEqual(sum([1, 2]), 3);"}],
        },
    )
    return values | {"challenge": challenge.pk}


def others_challenge(callers) -> dict:
    """A challenge on a lesson of a course owned by "other" (another teacher)."""
    from cms.models import LessonPage

    from ..services import challenge_create

    values = cms_matrix.other_draft(callers)
    challenge = challenge_create(
        user=callers["other"],
        data={
            "lesson": LessonPage.objects.get(pk=values["other_lesson"]),
            "title": "Theirs",
            "prompt": "Print 1.",
            "reference_solution": "console.log(1)",
            "tests": [{"description": "prints", "kind": "io", "expected_output": "1"}],
        },
    )
    return values | {"other_challenge": challenge.pk}


def web_challenge(callers) -> dict:
    """A web challenge (a page graded on its DOM) on a published lesson of "teacher"."""
    from cms.models import LessonPage

    from ..services import challenge_create

    values = cms_matrix.live_course(callers)
    challenge = challenge_create(
        user=callers["teacher"],
        data={
            "lesson": LessonPage.objects.get(pk=values["live_lesson"]),
            "title": "A heading",
            "prompt": "Give the page an h1.",
            "language": "web",
            "reference_solution": "<h1>Hi</h1>",
            "tests": [{"description": "h1", "code": "assert.exists(document.querySelector('h1'));"}],
        },
    )
    return values | {"web_challenge": challenge.pk}


def both_challenges(callers) -> dict:
    """The teacher's challenge and another teacher's (for the plagiarism reports)."""
    return lesson_with_challenge(callers) | others_challenge(callers)
