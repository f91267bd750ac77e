"""Retrieval quality on a question set: for each question, is the lesson that answers
it the first hit (top-1), among the first three (top-3)? Used by the question-set test,
`manage.py evaluate_tutor_retrieval` and the bench."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Evaluation:
    total: int = 0
    top1: int = 0
    top3: int = 0
    misses: list[tuple[str, str, list[str]]] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0

    def summary(self) -> str:
        return (
            f"{self.total} questions: top-1 {self.top1}/{self.total} ({self.top1_rate:.0%}), "
            f"top-3 {self.top3}/{self.total} ({self.top3_rate:.0%})"
        )


def questions_load(path) -> list[dict]:
    """`{"questions": [{"q": "...", "lesson": "<lesson slug>"}, ...]}` (or the bare list)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return data["questions"] if isinstance(data, dict) else data


def evaluate(questions: list[dict], *, course_id: int | None = None, k: int = 3) -> Evaluation:
    """Questions name their lesson by slug; hits are told apart by lesson id, mapped to
    slugs through the published lessons."""
    from cms.models import LessonPage

    from .retrieval import retrieve

    slugs = dict(LessonPage.objects.live().values_list("pk", "slug"))
    result = Evaluation()
    for item in questions:
        hits = retrieve(item["q"], k=k, course_id=course_id)
        ranked: list[str] = []
        for passage in hits:  # distinct lessons, best first
            slug = slugs.get(passage.lesson_id, f"#{passage.lesson_id}")
            if slug not in ranked:
                ranked.append(slug)
        result.total += 1
        if ranked[:1] == [item["lesson"]]:
            result.top1 += 1
        if item["lesson"] in ranked[:3]:
            result.top3 += 1
        else:
            result.misses.append((item["q"], item["lesson"], ranked[:3]))
    return result
