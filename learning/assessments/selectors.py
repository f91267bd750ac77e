"""Read queries of the assessments app: quizzes a learner may take, attempts by who
asks (learner: own; teacher: their courses; admin: all), the quiz grade, and the
feedback rules (what a result may show, and when).

Getters raise Http404 for anything the caller may not see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from cms.permissions import MODULE_DEPTH
from cms.selectors import courses_editable_by, with_live_ancestors

from .models import Attempt, FeedbackTiming, GradingMethod, QuizPage, Response

QUIZ_DEPTH = MODULE_DEPTH + 1


def quiz_get_for_learner(*, user, quiz_id: int) -> QuizPage:
    """A live quiz of a live module of a live course, or Http404."""
    quiz = with_live_ancestors(
        QuizPage.objects.live().filter(pk=quiz_id, depth=QUIZ_DEPTH), QUIZ_DEPTH
    ).first()
    if quiz is None:
        raise Http404("No such quiz.")
    return quiz


def quizzes_live_of_course(course) -> QuerySet[QuizPage]:
    """The live quizzes of a course whose module is live (tree order). One query."""
    return with_live_ancestors(
        QuizPage.objects.live().filter(depth=QUIZ_DEPTH, path__startswith=course.path), QUIZ_DEPTH
    ).order_by("path")


def _responses_prefetch() -> Prefetch:
    return Prefetch("responses", queryset=Response.objects.select_related("version").order_by("position"))


def attempt_get_for_learner(*, user, attempt_id: int) -> Attempt:
    """The caller's own attempt (with its responses and versions), or Http404."""
    attempt = (
        Attempt.objects.filter(pk=attempt_id, user=user)
        .select_related("quiz")
        .prefetch_related(_responses_prefetch())
        .first()
    )
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def attempts_of_learner(*, user, quiz_id: int | None = None) -> QuerySet[Attempt]:
    queryset = Attempt.objects.filter(user=user).select_related("quiz")
    if quiz_id is not None:
        queryset = queryset.filter(quiz_id=quiz_id)
    return queryset.order_by("-started_at", "-pk")


def attempts_for_teacher(
    *, user, course_id: int | None = None, quiz_id: int | None = None, user_id: int | None = None
) -> QuerySet[Attempt]:
    """Attempts at quizzes of the courses the caller may edit (admins: all)."""
    queryset = Attempt.objects.filter(course__in=courses_editable_by(user=user).values("pk"))
    if course_id is not None:
        queryset = queryset.filter(course_id=course_id)
    if quiz_id is not None:
        queryset = queryset.filter(quiz_id=quiz_id)
    if user_id is not None:
        queryset = queryset.filter(user_id=user_id)
    return queryset.select_related("quiz", "user").order_by("-started_at", "-pk")


def attempt_get_for_teacher(*, user, attempt_id: int) -> Attempt:
    attempt = (
        attempts_for_teacher(user=user).filter(pk=attempt_id).prefetch_related(_responses_prefetch()).first()
    )
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


# --- grade and feedback rules ---------------------------------------------------------------


@dataclass(frozen=True)
class QuizGrade:
    percent: float | None
    passed: bool
    attempts: int


def quiz_grade(*, quiz: QuizPage, attempts: list[Attempt]) -> QuizGrade:
    """The learner's grade for the quiz from their submitted attempts, by the quiz's
    grading method (highest, last, average of the percentages)."""
    done = sorted(
        (a for a in attempts if a.state == Attempt.State.SUBMITTED and a.score is not None),
        key=lambda a: a.number,
    )
    if not done:
        return QuizGrade(None, False, 0)
    percents = [a.percent or 0.0 for a in done]
    if quiz.grading_method == GradingMethod.LAST:
        percent = percents[-1]
    elif quiz.grading_method == GradingMethod.AVERAGE:
        percent = round(sum(percents) / len(percents), 2)
    else:
        percent = max(percents)
    return QuizGrade(percent, percent >= quiz.pass_mark, len(done))


def feedback_available_at(*, quiz: QuizPage, attempt: Attempt) -> dt.datetime | None:
    """When the attempt's per-question feedback (correctness, correct answers,
    option feedback) may be shown to the learner: None while unknown (not submitted,
    except with immediate feedback)."""
    if quiz.feedback_timing == FeedbackTiming.AFTER_CLOSE and quiz.available_until:
        return quiz.available_until if attempt.submitted_at else None
    return attempt.submitted_at


def feedback_allowed(*, quiz: QuizPage, attempt: Attempt, now: dt.datetime | None = None) -> bool:
    """Whether the learner may see per-question feedback of this (submitted) attempt.
    `immediate` also shows each saved answer's feedback during the attempt (the save
    endpoint's answer)."""
    now = now or timezone.now()
    if attempt.state != Attempt.State.SUBMITTED:
        return False
    when = feedback_available_at(quiz=quiz, attempt=attempt)
    return when is not None and now >= when
