"""Reads of item analysis: the quiz a teacher may analyse (404 for anyone else), its
stored report."""

from __future__ import annotations

from .models import ItemAnalysisReport


def quiz_get_for_teacher(*, user, quiz_id: int):
    """A quiz (any state) of a course the user may edit (its owners, admins), else
    Http404: another teacher's quiz is indistinguishable from a missing one."""
    from cms.selectors import editable_page_get
    from learning.assessments.models import QuizPage

    return editable_page_get(user=user, page_id=quiz_id, model=QuizPage)


def item_analysis_get(*, quiz, basis: str) -> ItemAnalysisReport | None:
    return ItemAnalysisReport.objects.filter(quiz=quiz, basis=basis).first()
