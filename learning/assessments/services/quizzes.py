"""Quiz pages outside the editor (demo content, imports): create a quiz with its slots
through the same page path as lessons (a draft revision by the author; publishing is
cms.services.page_publish / the review workflow)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import QuizPage, QuizSlot

QUIZ_FIELDS = (
    "intro",
    "time_limit_minutes",
    "available_from",
    "available_until",
    "pass_mark",
    "feedback_timing",
    "attempts_allowed",
    "cooldown_minutes",
    "grading_method",
    "negative_marking",
    "shuffle_questions",
    "shuffle_options",
    "is_final",
)


def _slot(item: dict, i: int) -> QuizSlot:
    question = item.get("question")
    if question is not None:
        return QuizSlot(kind=QuizSlot.Kind.FIXED, question=question, sort_order=i)
    if not item.get("pool_tag"):
        raise ValidationError({"slots": [f"Slot {i + 1}: give a question or a pool_tag."]})
    return QuizSlot(
        kind=QuizSlot.Kind.RANDOM,
        pool_tag=item["pool_tag"],
        pool_difficulty=item.get("pool_difficulty", ""),
        count=int(item.get("count", 1)),
        sort_order=i,
    )


@transaction.atomic
def quiz_create(
    *, user, module, title: str, slots: list[dict], slug: str | None = None, **fields
) -> QuizPage:
    """A draft quiz under `module` (a ModulePage), owned by `user` (who must be able to
    add pages there). `slots`: [{"question": Question} | {"pool_tag", "count",
    "pool_difficulty"}]; `fields`: any of QUIZ_FIELDS. Publish it with
    cms.services.page_publish (admins) or submit it for review."""
    from cms.services.pages import _create_page  # the one page-creation path of the cms

    unknown = set(fields) - set(QUIZ_FIELDS)
    if unknown:
        raise ValidationError({"fields": [f"Unknown quiz fields: {sorted(unknown)}"]})
    if not slots:
        raise ValidationError({"slots": ["A quiz needs at least one question slot."]})
    quiz = QuizPage(title=title, **fields)
    quiz.slots = [_slot(item, i) for i, item in enumerate(slots)]
    return _create_page(user=user, parent=module.specific, page=quiz, slug=slug, submit=False)
