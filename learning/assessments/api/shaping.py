"""Answers of the assessments API as plain dicts, with the feedback rules applied: what
a learner sees of a question never includes which options are correct, weights,
tolerances, accepted answers, code tests or feedback until `feedback` is allowed."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .. import scoring, selectors
from ..models import Attempt, QuestionType, QuizPage, Response


def attempt_summary(attempt: Attempt) -> dict:
    return {
        "id": attempt.pk,
        "quiz": attempt.quiz_id,
        "quiz_title": attempt.quiz.title,
        "number": attempt.number,
        "state": attempt.state,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "submitted_at": attempt.submitted_at,
        "late": attempt.late,
        "score": attempt.score,
        "max_score": attempt.max_score,
        "percent": attempt.percent,
        "passed": attempt.passed,
    }


def question_feedback(response: Response, *, negative_marking: bool) -> dict:
    """Per-question feedback: the grade (stored at submission, or computed for an
    immediate check), correct answer, chosen options' feedback, general feedback."""
    content = response.version.content
    if response.score_fraction is not None:
        fraction = response.score_fraction
        keys = response.detail.get("feedback_keys", [])
        detail = {k: v for k, v in response.detail.items() if k not in ("feedback_keys", "checked")}
    else:
        grade = scoring.grade(content, response.answer, negative_marking=negative_marking)
        fraction, keys, detail = grade.fraction, grade.feedback_keys, grade.detail
    by_key = {o["key"]: o for o in content.get("options", [])}
    return {
        "score_fraction": fraction,
        "points_awarded": round(fraction * response.max_points, 4),
        "correct": fraction >= 1 - 1e-9,
        "correct_answer": scoring.correct_answer(content),
        "option_feedback": [
            {"key": k, "feedback": by_key[k]["feedback"]}
            for k in keys
            if k in by_key and by_key[k]["feedback"]
        ],
        "general_feedback": content.get("general_feedback", ""),
        "detail": detail,
    }


def _question(response: Response, *, feedback: dict | None) -> dict:
    content = response.version.content
    by_key = {o["key"]: o for o in content.get("options", [])}
    return {
        "position": response.position,
        "question_type": response.version.question_type,
        "stem": content.get("stem", ""),
        "stem_code": content.get("stem_code", ""),
        "stem_code_language": content.get("stem_code_language", ""),
        "points": response.max_points,
        "options": [{"key": k, "text": by_key[k]["text"]} for k in response.option_order if k in by_key],
        "code_starter": (
            content.get("settings", {}).get("code_starter", "")
            if response.version.question_type == QuestionType.CODE
            else None
        ),
        "answer": response.answer,
        "saved_at": response.saved_at,
        "feedback": feedback,
    }


def attempt_detail(attempt: Attempt, *, now: dt.datetime | None = None) -> dict:
    """The learner's view of their attempt. Per-question feedback appears when the
    quiz's feedback rules allow it (after submission, after the window closes, or for
    each checked answer of an immediate-feedback quiz)."""
    now = now or timezone.now()
    quiz: QuizPage = attempt.quiz
    allowed = selectors.feedback_allowed(quiz=quiz, attempt=attempt, now=now)
    questions = []
    for response in attempt.responses.all():
        feedback = None
        if allowed or response.detail.get("checked"):
            feedback = question_feedback(response, negative_marking=quiz.negative_marking)
        questions.append(_question(response, feedback=feedback))
    summary = attempt_summary(attempt)
    return {
        **summary,
        "feedback_available": allowed,
        "feedback_available_at": selectors.feedback_available_at(quiz=quiz, attempt=attempt),
        "questions": questions,
    }


def saved_answers(responses: list[Response], *, quiz: QuizPage) -> dict:
    return {
        "saved": [
            {
                "position": r.position,
                "answer": r.answer,
                "saved_at": r.saved_at,
                "feedback": (
                    question_feedback(r, negative_marking=quiz.negative_marking)
                    if r.detail.get("checked")
                    else None
                ),
            }
            for r in responses
        ]
    }


def teacher_attempt(attempt: Attempt) -> dict:
    return {
        **attempt_summary(attempt),
        "user": attempt.user,
        "course": attempt.course_id,
    }


def teacher_attempt_detail(attempt: Attempt) -> dict:
    return {
        **teacher_attempt(attempt),
        "responses": [
            {
                "position": r.position,
                "question": r.question_id,
                "version": r.version.number,
                "question_type": r.version.question_type,
                "stem": r.version.content.get("stem", ""),
                "answer": r.answer,
                "chosen_options": r.chosen_options,
                "saved_at": r.saved_at,
                "score_fraction": r.score_fraction,
                "points_awarded": r.points_awarded,
                "max_points": r.max_points,
                "correct_answer": scoring.correct_answer(r.version.content),
                "detail": r.detail,
            }
            for r in attempt.responses.all()
        ],
    }


def quiz_for_learner(quiz: QuizPage, *, attempts: list[Attempt], now: dt.datetime | None = None) -> dict:
    from ..services.attempts import AttemptRefused, attempt_start_check

    now = now or timezone.now()
    grade = selectors.quiz_grade(quiz=quiz, attempts=attempts)
    open_attempt = next((a.pk for a in attempts if a.state == Attempt.State.IN_PROGRESS), None)
    next_start_at, can_start = None, True
    if open_attempt is None:
        try:
            attempt_start_check(quiz=quiz, attempts=attempts, now=now)
        except AttemptRefused as refused:
            can_start = False
            if refused.retry_after:
                next_start_at = now + dt.timedelta(seconds=refused.retry_after)
    return {
        "id": quiz.pk,
        "title": quiz.title,
        "intro": quiz.intro,
        "time_limit_minutes": quiz.time_limit_minutes,
        "available_from": quiz.available_from,
        "available_until": quiz.available_until,
        "pass_mark": quiz.pass_mark,
        "feedback_timing": quiz.feedback_timing,
        "attempts_allowed": quiz.attempts_allowed,
        "cooldown_minutes": quiz.cooldown_minutes,
        "grading_method": quiz.grading_method,
        "negative_marking": quiz.negative_marking,
        "is_final": quiz.is_final,
        "grade": {"percent": grade.percent, "passed": grade.passed, "attempt_count": grade.attempts},
        "attempts_used": sum(1 for a in attempts if a.state == Attempt.State.SUBMITTED),
        "open_attempt": open_attempt,
        "next_start_at": next_start_at,
        "can_start": can_start,
    }
