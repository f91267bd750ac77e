"""No endpoint shows correct answers or feedback before the quiz's feedback rules allow
it; questions edited after attempts keep what old attempts asked; the query count of
taking a quiz does not grow with its number of questions."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from learning.accounts.tests.helpers import assert_error
from learning.assessments.models import QuestionVersion, Response
from learning.assessments.services import question_update

from .helpers import answers_right, live_quiz, make_question
from .test_attempts import save, start, submit

pytestmark = pytest.mark.django_db

SECRETS = {
    "single": {
        "options": [
            {"text": "alpha", "correct": True, "feedback": "SECRET-FEEDBACK-1"},
            {"text": "beta", "feedback": "SECRET-FEEDBACK-2"},
        ],
        "general_feedback": "SECRET-GENERAL-1",
    },
    "numeric": {"options": [{"text": "42.4242", "correct": True, "tolerance": 0.01}]},
    "short_text": {
        "options": [{"text": "hypertextsecret", "correct": True, "feedback": "SECRET-FEEDBACK-3"}]
    },
    "ordering": {"options": [{"text": "first"}, {"text": "second"}, {"text": "third"}]},
    "code": {
        "options": [],
        "code_tests": [{"description": "SECRET-TEST", "code": "assert.strictEqual(double(21), 42);"}],
    },
}
SECRET_STRINGS = ("SECRET-", "42.4242", "hypertextsecret", "double(21)")


def _assert_no_secrets(payload, where):
    text = json.dumps(payload)
    for secret in SECRET_STRINGS:
        assert secret not in text, (where, secret)
    for key in ('"correct"', '"correct_answer"', '"weight"', '"tolerance"', '"code_tests"', '"is_correct"'):
        assert key not in text, (where, key)


@pytest.fixture
def secret_quiz(course, teacher, admin_user):
    def make(**fields):
        questions = [
            make_question(user=teacher, course=course, kind=kind, **SECRETS[kind])
            for kind in ("single", "numeric", "short_text", "ordering", "code")
        ]
        return live_quiz(teacher=teacher, admin=admin_user, course=course, questions=questions, **fields)

    return make


def test_nothing_leaks_while_taking(secret_quiz, course, student, auth_client):
    quiz = secret_quiz(feedback_timing="after_submission")
    client = auth_client(student)
    attempt = start(client, quiz).json()
    _assert_no_secrets(attempt, "start")
    # ordering items are never shown in their correct order
    ordering = attempt["questions"][3]
    assert [o["text"] for o in ordering["options"]] != ["first", "second", "third"]
    saved = save(
        client, attempt["id"], [{"position": 1, "answer": attempt["questions"][0]["options"][0]["key"]}]
    )
    _assert_no_secrets(saved.json(), "save")
    for url in (
        f"/api/v1/attempts/{attempt['id']}/",
        f"/api/v1/quizzes/{quiz.pk}/",
        f"/api/v1/quizzes/{quiz.pk}/attempts/",
        "/api/v1/attempts/",
        f"/api/cms/pages/{quiz.pk}/",
        "/api/cms/pages/?type=assessments.QuizPage&fields=*",
        f"/api/v1/courses/{course.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        _assert_no_secrets(response.json(), url)


def test_feedback_after_submission(secret_quiz, student, auth_client):
    quiz = secret_quiz(feedback_timing="after_submission")
    client = auth_client(student)
    attempt = start(client, quiz).json()
    result = submit(client, attempt["id"]).json()
    assert result["feedback_available"] is True
    assert "SECRET-GENERAL-1" in json.dumps(result)
    assert result["questions"][0]["feedback"]["correct_answer"]


def test_after_close_shows_the_score_but_no_feedback_until_the_window_ends(secret_quiz, student, auth_client):
    quiz = secret_quiz(feedback_timing="after_close", available_until=timezone.now() + dt.timedelta(days=1))
    client = auth_client(student)
    attempt = start(client, quiz).json()
    result = submit(client, attempt["id"]).json()
    assert result["state"] == "submitted" and result["score"] == 0
    assert result["feedback_available"] is False
    assert result["feedback_available_at"] is not None
    _assert_no_secrets(result, "result before close")
    _assert_no_secrets(client.get(f"/api/v1/attempts/{attempt['id']}/").json(), "get before close")
    # the window closed
    type(quiz).objects.filter(pk=quiz.pk).update(available_until=timezone.now() - dt.timedelta(seconds=1))
    shown = client.get(f"/api/v1/attempts/{attempt['id']}/").json()
    assert shown["feedback_available"] is True and "SECRET-GENERAL-1" in json.dumps(shown)


def test_immediate_feedback_shows_only_checked_answers_and_makes_them_final(
    secret_quiz, student, auth_client
):
    quiz = secret_quiz(feedback_timing="immediate")
    client = auth_client(student)
    attempt = start(client, quiz).json()
    first_key = attempt["questions"][0]["options"][0]["key"]
    saved = save(client, attempt["id"], [{"position": 1, "answer": first_key}]).json()
    feedback = saved["saved"][0]["feedback"]
    assert feedback is not None and feedback["correct_answer"]
    shown = client.get(f"/api/v1/attempts/{attempt['id']}/").json()
    assert shown["questions"][0]["feedback"] is not None
    # the other questions' secrets are still hidden
    _assert_no_secrets(shown["questions"][1:], "unchecked questions")
    assert_error(
        save(client, attempt["id"], [{"position": 1, "answer": first_key}]), 400, attr="answers.0.answer"
    )


def test_a_question_edited_after_attempts_gets_a_new_version(
    make_quiz, questions, teacher, student, auth_client
):
    single = questions[0]
    quiz = make_quiz(questions=[single])
    # edited before any attempt: the same version, changed in place
    question_update(user=teacher, question=single, data={"stem": "<p>Which tag is a paragraph?</p>"})
    assert QuestionVersion.objects.filter(question=single).count() == 1

    client = auth_client(student)
    first = start(client, quiz).json()
    assert first["questions"][0]["stem"] == "<p>Which tag is a paragraph?</p>"
    old_right = answers_right(first, {})
    save(client, first["id"], old_right)

    # the teacher changes the stem and which option is correct
    options = [
        {
            "key": o.key,
            "text": o.text,
            "correct": not o.is_correct and o.text == "<div>",
            "feedback": o.feedback,
        }
        for o in single.options.all()
    ]
    question_update(
        user=teacher,
        question=single,
        data={"stem": "<p>Which tag is a generic block?</p>", "options": options},
    )
    versions = list(QuestionVersion.objects.filter(question=single).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    single.refresh_from_db()
    assert single.current_version_id == versions[1].pk

    # the open attempt still shows and grades what it asked
    shown = client.get(f"/api/v1/attempts/{first['id']}/").json()
    assert shown["questions"][0]["stem"] == "<p>Which tag is a paragraph?</p>"
    result = submit(client, first["id"]).json()
    assert result["score"] == 1
    assert Response.objects.get(attempt_id=first["id"]).version_id == versions[0].pk

    second = start(client, quiz).json()
    assert second["questions"][0]["stem"] == "<p>Which tag is a generic block?</p>"
    assert Response.objects.get(attempt_id=second["id"]).version_id == versions[1].pk
    # the old answer (same option key) is now wrong
    save(client, second["id"], old_right)
    assert submit(client, second["id"]).json()["score"] == 0


def _take(client, quiz) -> dict[str, int]:
    counts = {}
    with CaptureQueriesContext(connection) as ctx:
        attempt = start(client, quiz).json()
    counts["start"] = len(ctx)
    with CaptureQueriesContext(connection) as ctx:
        client.get(f"/api/v1/attempts/{attempt['id']}/")
    counts["get"] = len(ctx)
    answers = answers_right(attempt, {})
    with CaptureQueriesContext(connection) as ctx:
        assert save(client, attempt["id"], answers).status_code == 200
    counts["save"] = len(ctx)
    with CaptureQueriesContext(connection) as ctx:
        result = submit(client, attempt["id"]).json()
    counts["submit"] = len(ctx)
    assert result["score"] == result["max_score"] == len(answers)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/api/v1/attempts/")
    counts["history"] = len(ctx)
    return counts


def test_query_count_does_not_grow_with_the_questions(
    course, teacher, admin_user, student, auth_client, uncached_users
):
    kinds = ("single", "multiple", "true_false", "numeric", "short_text", "ordering")
    bank = [
        make_question(user=teacher, course=course, kind=kinds[i % len(kinds)], title=f"q{i}", tags=["pool"])
        for i in range(60)
    ]
    # the same shape (fixed questions and one random pool), 5 questions against 50
    small = live_quiz(
        teacher=teacher,
        admin=admin_user,
        course=course,
        slots=[{"question": q} for q in bank[:4]] + [{"pool_tag": "pool", "count": 1}],
        title="Small",
    )
    big = live_quiz(
        teacher=teacher,
        admin=admin_user,
        course=course,
        slots=[{"question": q} for q in bank[:40]] + [{"pool_tag": "pool", "count": 10}],
        title="Big",
        shuffle_questions=True,
    )
    client = auth_client(student)
    small_counts = _take(client, small)
    big_counts = _take(client, big)
    assert Response.objects.filter(attempt__quiz=big).count() == 50
    assert big_counts == small_counts, (small_counts, big_counts)
