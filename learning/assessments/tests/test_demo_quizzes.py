"""The demo: a quiz per demo module with a mix of types (imported through the GIFT and
Moodle XML importer), and `load_demo --attempts N` simulating attempts through part 1's
services, with progress, so item analysis has data."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_load_demo_makes_a_quiz_per_module_and_simulates_attempts(
    capsys, auth_client, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    from cms.models import CoursePage, ModulePage
    from learning.assessments.models import Attempt, QuizPage

    call_command("load_demo", attempts=40)
    out = capsys.readouterr().out
    course = CoursePage.objects.live().get(slug="web-basics")
    modules = list(ModulePage.objects.child_of(course))
    quizzes = list(QuizPage.objects.live().descendant_of(course))
    assert len(modules) == 3 and len(quizzes) == 3
    for module in modules:
        quiz = QuizPage.objects.child_of(module).live().get()
        types = {slot.question.question_type for slot in quiz.slots.all()}
        assert len(types) >= 4, types
    all_types = {slot.question.question_type for quiz in quizzes for slot in quiz.slots.all()}
    assert all_types == {"single", "multiple", "true_false", "numeric", "short_text", "ordering"}
    # 40 learners x 3 quizzes, submitted through the services (scored, with chosen options).
    submitted = Attempt.objects.filter(quiz__in=quizzes, state=Attempt.State.SUBMITTED)
    assert submitted.count() == 120
    scores = list(submitted.values_list("score", flat=True))
    assert min(scores) < max(scores)  # learners differ
    assert "attempts 120/120 (100%)" in out
    assert "120 simulated attempts over 3 demo quizzes by 40 demo learners." in out

    # Running it again adds nothing (idempotent).
    call_command("load_demo", attempts=40)
    assert QuizPage.objects.descendant_of(course).count() == 3
    assert Attempt.objects.filter(quiz__in=quizzes).count() == 120

    # The item analysis of a demo quiz, as the demo teacher sees it.
    teacher = get_user_model().objects.get(email="teacher@mrict.local")
    client = auth_client(teacher)
    quiz = quizzes[0]
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(f"/api/v1/teacher/quizzes/{quiz.pk}/item-analysis/", {}, format="json").status_code
            == 202
        )
    body = client.get(f"/api/v1/teacher/quizzes/{quiz.pk}/item-analysis/").json()
    assert body["status"] == "done"
    result = body["result"]
    assert result["attempt_count"] == 40
    assert result["quiz"]["coefficient_of_internal_consistency"] is not None
    # Simulated learners answer by ability: the questions discriminate (positively).
    assert all(
        q["discrimination_index"] > 0 for q in result["questions"] if q["discrimination_index"] is not None
    )
    choice = [q for q in result["questions"] if q["distractors"]]
    assert choice and all(sum(o["chosen_count"] for o in q["distractors"]["options"]) > 0 for q in choice)


def test_attempts_must_not_be_negative():
    with pytest.raises(CommandError):
        call_command("load_demo", attempts=-1)
