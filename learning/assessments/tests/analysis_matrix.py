"""Setups for the item analysis rows of tests/permission_matrix/rows_assessments.py: a quiz in a
course owned by "teacher" (and one in a course of "other") with submitted attempts and
a computed report for the default basis."""

from cms.tests.fixtures import course_build, ensure_course_index

from .analysis_helpers import quiz_with_questions, submit_attempts


def _analysed_quiz(owner, admin, title):
    from django.utils import timezone

    from learning.assessments.analysis.models import ItemAnalysisReport
    from learning.assessments.analysis.services import item_analysis_compute

    ensure_course_index()
    course = course_build(owner=owner, admin=admin, title=title)
    quiz, questions = quiz_with_questions(course, questions=2)
    submit_attempts(quiz, questions, [[1, 0], [0, 1], [1, 1]])
    report = ItemAnalysisReport.objects.create(quiz=quiz, basis="first", requested_at=timezone.now())
    item_analysis_compute(report_id=report.pk)
    return quiz


def analysed_quizzes(callers) -> dict:
    return {
        "quiz": _analysed_quiz(callers["teacher"], callers["admin"], "Quizzed").pk,
        "other_quiz": _analysed_quiz(callers["other"], callers["admin"], "Theirs").pk,
    }
