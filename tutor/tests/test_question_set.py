"""Retrieval quality over the demo course (issue 13 acceptance): 50 learner questions,
paraphrased rather than copied from the lessons (questions_demo.json), must find the
lesson that answers them among the first three hits for at least 90% of them. Built from
the demo exactly as `make run` builds it: load_demo, then build_tutor_index."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tutor.evaluation import evaluate, questions_load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedding_model")]

QUESTIONS = Path(__file__).with_name("questions_demo.json")


def test_demo_questions_find_their_lesson_in_the_top_3(capsys):
    call_command("load_demo", stdout=io.StringIO())
    call_command("build_tutor_index", stdout=io.StringIO())
    questions = questions_load(QUESTIONS)
    assert len(questions) >= 40
    result = evaluate(questions, k=5)
    with capsys.disabled():
        print(f"\ntutor retrieval, demo course: {result.summary()}")
        for question, expected, got in result.misses:
            print(f"  miss: {question!r}: expected {expected}, got {got}")
    assert result.top3_rate >= 0.9, result.summary()

    # the same measure from the command line (for another question set or course)
    out = io.StringIO()
    call_command("evaluate_tutor_retrieval", str(QUESTIONS), "--min-top3", "0.9", stdout=out)
    assert result.summary() in out.getvalue()
    with pytest.raises(CommandError, match="top-3 .* is below 100%"):
        call_command("evaluate_tutor_retrieval", str(QUESTIONS), "--min-top3", "1.0", stdout=io.StringIO())
