"""The tutor's `ask` end to end with the built-in grounded answerer: the bench server
runs with LLM_BASE_URL empty, and with TUTOR_THROTTLE and TUTOR_DAILY_LIMIT off
(bench/run.py) so every request is answered. One question repeated: after the first,
its embedding comes from the retrieval's LRU cache, so the row measures the FAISS
search, the guardrails, the answerer and the conversation's writes."""

from __future__ import annotations

import json

from scenarios import Context, Scenario

QUESTION = "How do I make a word bold in a web page?"


def _index_and_lesson(ctx: Context) -> None:
    from cms.models import CoursePage
    from cms.selectors import published_lessons_of_course
    from tutor.models import IndexVersion

    if not IndexVersion.objects.filter(is_active=True).exists():
        from tutor.curriculum.export import curriculum_export
        from tutor.indexing import index_build

        index_build(document=curriculum_export(include_private=False))
    course = CoursePage.objects.live().order_by("pk").first()
    ctx.data["tutor_lesson_id"] = published_lessons_of_course(course).values_list("id", flat=True)[0]


SCENARIOS = [
    Scenario(
        "tutor: ask, built-in answerer (end to end)",
        "/api/v1/tutor/ask/",
        method="POST",
        user="student",
        setup=_index_and_lesson,
        body=lambda ctx: json.dumps({"question": QUESTION, "lesson_id": ctx.data["tutor_lesson_id"]}),
        connections=4,
        tags=("tutor",),
    ),
]
