"""Builders for the item analysis tests: a quiz with choice questions and submitted
attempts written straight to the database (these tests are about what the analysis
reads and who may see it; taking a quiz is part 1's tests)."""

from __future__ import annotations

import itertools

from django.utils import timezone

_users = itertools.count(1)


def quiz_with_questions(course, *, questions: int, title: str = "Quiz", points=None):
    """A quiz page under the course's first module with `questions` single-choice
    questions of three options each (keys q<n>a (right), q<n>b, q<n>c)."""
    from cms.models import ModulePage
    from learning.assessments.models import Question, QuestionOption, QuestionVersion, QuizPage, QuizSlot

    module = ModulePage.objects.child_of(course).order_by("path").first()
    quiz = module.add_child(instance=QuizPage(title=title, slug=f"quiz-{next(_users)}"))
    made = []
    for n in range(questions):
        pts = points[n] if points else 1.0
        question = Question.objects.create(
            title=f"Question {n + 1}",
            course=course,
            question_type="single",
            stem=f"<p>Q{n + 1}</p>",
            points=pts,
        )
        options = [
            {"key": f"q{n}{suffix}", "text": f"Option {suffix}", "correct": suffix == "a", "weight": 0}
            for suffix in "abc"
        ]
        for k, option in enumerate(options):
            QuestionOption.objects.create(
                question=question,
                key=option["key"],
                text=option["text"],
                is_correct=option["correct"],
                sort_order=k,
            )
        version = QuestionVersion.objects.create(
            question=question,
            number=1,
            question_type="single",
            points=pts,
            content={"type": "single", "stem": question.stem, "points": pts, "options": options},
            locked_at=timezone.now(),
        )
        question.current_version = version
        question.save(update_fields=["current_version"])
        QuizSlot.objects.create(page=quiz, kind="fixed", question=question, sort_order=n)
        made.append((question, version))
    return quiz, made


def submit_attempts(quiz, questions, rows, *, users=None, number=1):
    """One submitted attempt per row of score fractions; a fraction of 1 chose the
    right option, anything else option b (or the key given as a (fraction, key) pair)."""
    from learning.accounts.tests.factories import UserFactory
    from learning.assessments.models import Attempt, Response

    course_id = quiz.get_ancestors().type(_course_model()).first().pk
    now = timezone.now()
    attempts = []
    for k, row in enumerate(rows):
        user = users[k] if users else UserFactory(email=f"learner{next(_users)}@example.test", role="student")
        total = 0.0
        maximum = 0.0
        attempt = Attempt.objects.create(
            user=user,
            quiz=quiz,
            course_id=course_id,
            number=number,
            state=Attempt.State.SUBMITTED,
            started_at=now,
            submitted_at=now,
        )
        responses = []
        for position, ((question, version), cell) in enumerate(zip(questions, row, strict=True), start=1):
            fraction, key = cell if isinstance(cell, tuple) else (cell, None)
            if key is None:
                key = version.content["options"][0 if fraction == 1 else 1]["key"]
            points = version.points
            responses.append(
                Response(
                    attempt=attempt,
                    position=position,
                    question=question,
                    version=version,
                    option_order=[o["key"] for o in version.content["options"]],
                    answer=key,
                    chosen_options=[key],
                    score_fraction=fraction,
                    points_awarded=fraction * points,
                    max_points=points,
                )
            )
            total += fraction * points
            maximum += points
        Response.objects.bulk_create(responses)
        Attempt.objects.filter(pk=attempt.pk).update(score=total, max_score=maximum)
        attempts.append(attempt)
    return attempts


def _course_model():
    from cms.models import CoursePage

    return CoursePage
