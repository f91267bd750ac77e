"""A small course for the tutor's answering tests: two published lessons, a graded
challenge with a three-rung hint ladder and a hidden test, and a real FAISS index built
from it with the real embedding model."""

from __future__ import annotations

import json
from dataclasses import dataclass

SOLUTION = """function sum(numbers) {
  let total = 0;
  for (const n of numbers) {
    total += n;
  }
  return total;
}"""

HINTS = [
    "Think about a variable that remembers the total so far.",
    "Visit every number with a `for...of` loop and add it to that variable.",
    "Start the total at 0, add each number inside the loop, and give the total back with `return`.",
]


def _rich(html: str) -> dict:
    return {"type": "rich_text", "value": html}


def _heading(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


@dataclass
class TutorCourse:
    course: object
    loops: object  # lesson "Arrays and loops" (the challenge's)
    functions: object  # lesson "Functions"
    challenge: object


def tutor_course_build(*, teacher, admin, index: bool = True) -> TutorCourse:
    from cms.services import course_create, lesson_create, module_create, page_publish
    from cms.tests.fixtures import ensure_course_index
    from learning.coding.models import ChallengeHint
    from learning.coding.services import challenge_create

    ensure_course_index()
    course = course_create(user=teacher, title="JavaScript basics", summary="Arrays, loops, functions.")
    module = module_create(user=teacher, parent=course, title="Basics")
    loops = lesson_create(
        user=teacher,
        parent=module,
        title="Arrays and loops",
        body=[
            _heading("Looping over an array"),
            _rich(
                "<p>A for...of loop visits every item of an array in order. Inside the loop block, the loop "
                "variable holds the current item.</p>"
            ),
            _heading("Adding up numbers"),
            _rich(
                "<p>To add up numbers, keep a running total in a variable that starts at zero. Add each "
                "number to the total inside the loop with the += operator.</p>"
            ),
        ],
    )
    functions = lesson_create(
        user=teacher,
        parent=module,
        title="Functions",
        body=[
            _heading("Returning a value"),
            _rich(
                "<p>A function groups statements under a name. The return statement hands a value back to "
                "the caller, while console.log only prints it on the screen.</p>"
            ),
        ],
    )
    page_publish(user=admin, page=course, include_descendants=True)
    course.refresh_from_db()
    challenge = challenge_create(
        user=teacher,
        data={
            "lesson": loops,
            "title": "Sum an array",
            "prompt": "Write `sum(numbers)` that returns the total of the numbers.",
            "starter_source": "function sum(numbers) {\n}\n",
            "reference_solution": SOLUTION,
            "tests": [
                {"description": "sums three numbers", "code": "assert.strictEqual(sum([1, 2, 3]), 6);"},
                {"description": "empty", "code": "assert.strictEqual(sum([]), 0);", "hidden": True},
            ],
        },
    )
    for i, text in enumerate(HINTS):
        ChallengeHint.objects.create(challenge=challenge, sort_order=i, text=text)
    if index:
        index_build_now()
    return TutorCourse(course=course, loops=loops, functions=functions, challenge=challenge)


def index_build_now():
    from tutor.curriculum.export import curriculum_export
    from tutor.indexing import index_build

    return index_build(document=curriculum_export(include_private=False))


def sse_events(response) -> list[tuple[str, dict]]:
    """(event, data) pairs of a Server-Sent Events response."""
    body = b"".join(response.streaming_content).decode()
    events = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((fields["event"], json.loads(fields["data"])))
    return events
