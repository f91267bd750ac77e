"""Builders the assessments tests (and the permission matrix, the browser tests and
part 2's tests) share: questions through the services, a live quiz under a course's
first module (drafted by the teacher, published by an admin through cms.services)."""

from __future__ import annotations

QUESTION_SHAPES = {
    "single": {
        "stem": "<p>Which tag makes a paragraph?</p>",
        "options": [
            {"text": "<p>", "correct": True, "feedback": "Yes: p for paragraph."},
            {"text": "<para>", "feedback": "Not an HTML tag."},
            {"text": "<div>", "feedback": "A generic block, not a paragraph."},
        ],
    },
    "multiple": {
        "stem": "<p>Which are CSS units?</p>",
        "options": [
            {"text": "px", "correct": True},
            {"text": "rem", "correct": True},
            {"text": "kg", "feedback": "That weighs things."},
            {"text": "sec"},
        ],
    },
    "true_false": {
        "stem": "<p>JavaScript and Java are the same language.</p>",
        "options": [{"text": "True"}, {"text": "False", "correct": True}],
    },
    "numeric": {
        "stem": "<p>What is 0.1 + 0.2, to two decimals?</p>",
        "options": [{"text": "0.3", "correct": True, "tolerance": 0.005}],
    },
    "short_text": {
        "stem": "<p>Which element holds the page's title?</p>",
        "options": [{"text": "title", "correct": True}],
    },
    "ordering": {
        "stem": "<p>Put the box model from inside out.</p>",
        "options": [{"text": "content"}, {"text": "padding"}, {"text": "border"}, {"text": "margin"}],
    },
    "code": {
        "stem": "<p>Write <code>double(n)</code>.</p>",
        "options": [],
        "code_tests": [
            {"description": "doubles 2", "code": "assert.strictEqual(double(2), 4);"},
            {"description": "doubles -3", "code": "assert.strictEqual(double(-3), -6);"},
        ],
    },
}


def make_question(*, user, course, kind: str = "single", title: str | None = None, **overrides):
    from learning.assessments.services import question_create

    data = {"title": title or f"{kind} question", "question_type": kind, **QUESTION_SHAPES[kind], **overrides}
    return question_create(user=user, course=course, data=data)


def first_module(course):
    from cms.models import ModulePage

    return ModulePage.objects.child_of(course).order_by("path").first()


def live_quiz(*, teacher, admin, course, questions=None, slots=None, title="Quiz", **fields):
    """A published quiz under the course's first module."""
    from cms import services as cms_services
    from learning.assessments.services import quiz_create

    slots = slots if slots is not None else [{"question": q} for q in questions]
    quiz = quiz_create(user=teacher, module=first_module(course), title=title, slots=slots, **fields)
    return cms_services.page_publish(user=admin, page=quiz)


def answers_right(attempt_json: dict, questions_by_type: dict) -> list[dict]:
    """The right answer for each question of an attempt, from the versions' content."""
    from learning.assessments.models import Response

    out = []
    for q in attempt_json["questions"]:
        response = Response.objects.select_related("version").get(
            attempt_id=attempt_json["id"], position=q["position"]
        )
        content = response.version.content
        kind = content["type"]
        correct = [o for o in content["options"] if o["correct"]]
        if kind in ("single", "true_false"):
            answer = correct[0]["key"]
        elif kind == "multiple":
            answer = [o["key"] for o in correct]
        elif kind == "ordering":
            answer = [o["key"] for o in content["options"]]
        elif kind == "numeric":
            answer = float(correct[0]["text"])
        elif kind == "short_text":
            answer = correct[0]["text"]
        else:
            answer = "function double(n) { return n * 2; }"
        out.append({"position": q["position"], "answer": answer})
    return out
