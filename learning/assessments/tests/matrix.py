"""Setups for the assessments rows of tests/permission_matrix/rows_assessments.py: a live quiz in a
course owned by "teacher" (one single-choice question), an attempt of every caller at
it (`my_attempt`, a value per caller), an attempt of "other" (another teacher) at it, and
a quiz of a course owned by "other" with an attempt of the student."""

from cms.tests import matrix as cms_matrix
from cms.tests.fixtures import course_build, ensure_course_index

from .helpers import first_module, live_quiz, make_question


def quiz_with_attempts(callers) -> dict:
    from cms.models import CoursePage
    from learning.assessments.services import attempt_start, quiz_create

    values = cms_matrix.live_course(callers)
    course = CoursePage.objects.get(pk=values["live"])
    question = make_question(user=callers["teacher"], course=course)
    quiz = live_quiz(teacher=callers["teacher"], admin=callers["admin"], course=course, questions=[question])
    draft = quiz_create(
        user=callers["teacher"],
        module=first_module(course),
        title="Draft quiz",
        slots=[{"question": question}],
    )
    mine = {
        name: attempt_start(user=callers[name], quiz=quiz).attempt.pk
        for name in ("student", "teacher", "other_teacher", "admin")
    }
    others = attempt_start(user=callers["other"], quiz=quiz).attempt.pk
    mine["anonymous"] = others

    ensure_course_index()
    foreign_course = course_build(owner=callers["other"], admin=callers["admin"], title="Foreign")
    foreign_question = make_question(user=callers["other"], course=foreign_course)
    foreign_quiz = live_quiz(
        teacher=callers["other"], admin=callers["admin"], course=foreign_course, questions=[foreign_question]
    )
    foreign = attempt_start(user=callers["student"], quiz=foreign_quiz).attempt.pk
    return values | {
        "quiz": quiz.pk,
        "draft_quiz": draft.pk,
        "my_attempt": mine,
        "others_attempt": others,
        "course_attempt": mine["student"],
        "foreign_attempt": foreign,
    }
