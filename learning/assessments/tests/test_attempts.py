"""The attempt API end to end, over HTTP with real JWTs: start, questions, save,
submit, result; retake limit, cooldown, late submission, grading methods, events."""

import datetime as dt

import pytest
from django.utils import timezone

from learning.accounts.tests.helpers import assert_error
from learning.assessments.models import Attempt, Response
from learning.events import QuizPassed, QuizSubmitted

from .helpers import answers_right

pytestmark = pytest.mark.django_db


def time_travel(attempt_id, seconds):
    """The clock moves `seconds` forward for this attempt: its times move back."""
    from django.db.models import F

    delta = dt.timedelta(seconds=seconds)
    Attempt.objects.filter(pk=attempt_id).update(
        started_at=F("started_at") - delta, deadline=F("deadline") - delta
    )
    Response.objects.filter(attempt_id=attempt_id, saved_at__isnull=False).update(
        saved_at=F("saved_at") - delta
    )


def start(client, quiz):
    return client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", {}, format="json")


def save(client, attempt_id, answers):
    return client.put(f"/api/v1/attempts/{attempt_id}/answers/", {"answers": answers}, format="json")


def submit(client, attempt_id):
    return client.post(f"/api/v1/attempts/{attempt_id}/submit/", {}, format="json")


def test_take_a_quiz_all_right(
    make_quiz, questions, student, auth_client, quiz_events, django_capture_on_commit_callbacks
):
    quiz = make_quiz(pass_mark=60)
    client = auth_client(student)
    response = start(client, quiz)
    assert response.status_code == 201, response.content
    attempt = response.json()
    assert attempt["state"] == "in_progress" and attempt["number"] == 1
    assert [q["question_type"] for q in attempt["questions"]] == [
        "single",
        "multiple",
        "true_false",
        "numeric",
        "short_text",
        "ordering",
    ]
    assert all(q["feedback"] is None for q in attempt["questions"])
    assert attempt["max_score"] == 6

    answers = answers_right(attempt, {})
    response = save(client, attempt["id"], answers)
    assert response.status_code == 200, response.content
    assert [s["position"] for s in response.json()["saved"]] == [1, 2, 3, 4, 5, 6]

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, attempt["id"])
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["state"] == "submitted"
    assert result["score"] == 6 and result["percent"] == 100 and result["passed"] is True
    assert result["feedback_available"] is True
    assert all(q["feedback"]["correct"] for q in result["questions"])
    single = result["questions"][0]["feedback"]
    assert single["option_feedback"] == [
        {"key": single["correct_answer"][0], "feedback": "Yes: p for paragraph."}
    ]

    submitted = [e for e in quiz_events if isinstance(e, QuizSubmitted)]
    passed = [e for e in quiz_events if isinstance(e, QuizPassed)]
    assert len(submitted) == 1 and submitted[0].score == 6 and submitted[0].max_score == 6
    assert submitted[0].attempt_id == attempt["id"] and submitted[0].passed is True
    assert len(passed) == 1 and passed[0].grade_percent == 100 and passed[0].quiz_id == quiz.pk


def test_wrong_and_partial_answers(
    make_quiz, student, auth_client, quiz_events, django_capture_on_commit_callbacks
):
    quiz = make_quiz(pass_mark=60)
    client = auth_client(student)
    attempt = start(client, quiz).json()
    right = {a["position"]: a["answer"] for a in answers_right(attempt, {})}
    options = {q["position"]: [o["key"] for o in q["options"]] for q in attempt["questions"]}
    wrong_single = next(k for k in options[1] if k != right[1])
    wrong_multiple = [k for k in options[2] if k not in right[2]][:1]
    answers = [
        {"position": 1, "answer": wrong_single},
        # one right pick and one wrong: right minus wrong = 0 of 2
        {"position": 2, "answer": [right[2][0], *wrong_multiple]},
        {"position": 3, "answer": right[3]},
        {"position": 4, "answer": "0.304"},  # within ±0.005
        {"position": 5, "answer": "  TITLE "},  # case and spaces ignored by default
        # two of four items in place
        {"position": 6, "answer": [right[6][0], right[6][1], right[6][3], right[6][2]]},
    ]
    assert save(client, attempt["id"], answers).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        result = submit(client, attempt["id"]).json()
    fractions = [q["feedback"]["score_fraction"] for q in result["questions"]]
    assert fractions == [0.0, 0.0, 1.0, 1.0, 1.0, 0.5]
    assert result["score"] == 3.5 and result["passed"] is False
    assert [type(e) for e in quiz_events] == [QuizSubmitted]
    # the chosen options are stored for distractor analysis
    stored = Response.objects.get(attempt_id=attempt["id"], position=1)
    assert stored.chosen_options == [wrong_single]


def test_starting_twice_gives_the_open_attempt_and_the_selection_is_frozen(make_quiz, student, auth_client):
    quiz = make_quiz(shuffle_questions=True, shuffle_options=True)
    client = auth_client(student)
    first = start(client, quiz)
    again = start(client, quiz)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    shown = client.get(f"/api/v1/attempts/{first.json()['id']}/").json()
    assert [(q["stem"], [o["key"] for o in q["options"]]) for q in shown["questions"]] == [
        (q["stem"], [o["key"] for o in q["options"]]) for q in first.json()["questions"]
    ]
    assert Attempt.objects.filter(user=student, quiz=quiz).count() == 1


def test_retake_limit(make_quiz, student, auth_client):
    quiz = make_quiz(attempts_allowed=2)
    client = auth_client(student)
    for number in (1, 2):
        attempt = start(client, quiz).json()
        assert attempt["number"] == number
        assert submit(client, attempt["id"]).status_code == 200
    assert_error(start(client, quiz), 409, "attempt_limit_reached")
    info = client.get(f"/api/v1/quizzes/{quiz.pk}/").json()
    assert info["attempts_used"] == 2 and info["can_start"] is False
    assert Attempt.objects.filter(user=student, quiz=quiz).count() == 2


def test_cooldown(make_quiz, student, auth_client):
    quiz = make_quiz(cooldown_minutes=10)
    client = auth_client(student)
    attempt = start(client, quiz).json()
    submit(client, attempt["id"])
    response = start(client, quiz)
    body = assert_error(response, 429, "quiz_cooldown")
    assert 590 <= int(response["Retry-After"]) <= 600, body
    info = client.get(f"/api/v1/quizzes/{quiz.pk}/").json()
    assert info["can_start"] is False and info["next_start_at"] is not None
    # ten minutes later (the submission moved back in time), a new attempt starts
    Attempt.objects.filter(pk=attempt["id"]).update(
        submitted_at=timezone.now() - dt.timedelta(minutes=10, seconds=1)
    )
    assert start(client, quiz).status_code == 201


def test_late_answers_are_refused_and_not_counted(make_quiz, student, auth_client, settings):
    settings.QUIZ_LATE_GRACE_SECONDS = 30
    quiz = make_quiz(time_limit_minutes=5)
    client = auth_client(student)
    attempt = start(client, quiz).json()
    started = Attempt.objects.get(pk=attempt["id"])
    assert started.deadline == started.started_at + dt.timedelta(minutes=5)
    right = answers_right(attempt, {})
    assert save(client, attempt["id"], right[:2]).status_code == 200

    # the deadline passed 20 s ago: within the grace, answers are still taken
    time_travel(attempt["id"], 5 * 60 + 20)
    assert save(client, attempt["id"], right[2:3]).status_code == 200
    # 31 s after it: refused, nothing saved
    time_travel(attempt["id"], 11)
    assert_error(save(client, attempt["id"], right[3:]), 409, "attempt_time_up")
    assert Response.objects.filter(attempt_id=attempt["id"], answer__isnull=False).count() == 3

    response = submit(client, attempt["id"])
    assert response.status_code == 200
    result = response.json()
    assert result["late"] is True and result["score"] == 3
    assert_error(submit(client, attempt["id"]), 409, "attempt_submitted")
    assert_error(save(client, attempt["id"], right[:1]), 409, "attempt_submitted")


def test_an_expired_attempt_is_closed_by_the_server(
    make_quiz, student, auth_client, quiz_events, django_capture_on_commit_callbacks
):
    quiz = make_quiz(time_limit_minutes=1)
    client = auth_client(student)
    attempt = start(client, quiz).json()
    save(client, attempt["id"], answers_right(attempt, {})[:1])
    time_travel(attempt["id"], 6 * 60)
    with django_capture_on_commit_callbacks(execute=True):
        shown = client.get(f"/api/v1/attempts/{attempt['id']}/").json()
    assert shown["state"] == "submitted" and shown["late"] is True and shown["score"] == 1
    assert len(quiz_events) == 1
    # and the next start is a new attempt
    assert start(client, quiz).json()["number"] == 2


@pytest.mark.parametrize(("method", "expected"), [("highest", 100.0), ("last", 0.0), ("average", 50.0)])
def test_grading_method(
    make_quiz, student, auth_client, quiz_events, django_capture_on_commit_callbacks, method, expected
):
    quiz = make_quiz(grading_method=method, pass_mark=50)
    client = auth_client(student)
    first = start(client, quiz).json()
    save(client, first["id"], answers_right(first, {}))
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, first["id"])
    second = start(client, quiz).json()
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, second["id"])  # nothing answered: 0
    grade = client.get(f"/api/v1/quizzes/{quiz.pk}/").json()["grade"]
    assert grade == {"percent": expected, "passed": expected >= 50, "attempt_count": 2}
    # quiz_passed once: when the grade first turned to a pass
    assert [type(e) for e in quiz_events] == [QuizSubmitted, QuizPassed, QuizSubmitted]


def test_negative_marking(make_quiz, questions, student, auth_client):
    quiz = make_quiz(questions=questions[:3], negative_marking=True)
    client = auth_client(student)
    attempt = start(client, quiz).json()
    right = {a["position"]: a["answer"] for a in answers_right(attempt, {})}
    keys = {q["position"]: [o["key"] for o in q["options"]] for q in attempt["questions"]}
    answers = [
        {"position": 1, "answer": next(k for k in keys[1] if k != right[1])},  # wrong of 3: -1/2
        {"position": 2, "answer": right[2]},  # right: +1
        {"position": 3, "answer": next(k for k in keys[3] if k != right[3])},  # wrong of 2: -1
    ]
    save(client, attempt["id"], answers)
    result = submit(client, attempt["id"]).json()
    assert [q["feedback"]["score_fraction"] for q in result["questions"]] == [-0.5, 1.0, -1.0]
    assert result["score"] == 0  # -0.5: a quiz total never goes below 0


def test_bad_answers_are_400_and_save_nothing(make_quiz, student, auth_client):
    quiz = make_quiz()
    client = auth_client(student)
    attempt = start(client, quiz).json()
    right = answers_right(attempt, {})
    cases = [
        ([right[0], {"position": 2, "answer": "not-a-list"}], "answers.1.answer"),
        ([{"position": 1, "answer": "no-such-key"}], "answers.0.answer"),
        ([{"position": 4, "answer": "twelve"}], "answers.0.answer"),
        ([{"position": 6, "answer": right[5]["answer"][:2]}], "answers.0.answer"),
        ([{"position": 99, "answer": None}], "answers.0.answer"),
        ([{"position": 5, "answer": {"nested": True}}], "answers.0.answer"),
    ]
    for answers, attr in cases:
        assert_error(save(client, attempt["id"], answers), 400, attr=attr)
    assert_error(save(client, attempt["id"], [right[0], right[0]]), 400, "duplicate")
    assert_error(save(client, attempt["id"], []), 400)
    assert_error(
        client.put(f"/api/v1/attempts/{attempt['id']}/answers/", {"answers": right, "x": 1}, format="json"),
        400,
        "unknown_field",
    )
    assert_error(
        client.put(f"/api/v1/attempts/{attempt['id']}/answers/", "[1,", content_type="application/json"), 400
    )
    assert not Response.objects.filter(attempt_id=attempt["id"], answer__isnull=False).exists()


def test_saving_is_idempotent_and_null_clears(make_quiz, student, auth_client):
    quiz = make_quiz()
    client = auth_client(student)
    attempt = start(client, quiz).json()
    right = answers_right(attempt, {})
    first = save(client, attempt["id"], right[:2]).json()
    second = save(client, attempt["id"], right[:2]).json()
    assert [s["answer"] for s in first["saved"]] == [s["answer"] for s in second["saved"]]
    assert Response.objects.filter(attempt_id=attempt["id"], answer__isnull=False).count() == 2
    save(client, attempt["id"], [{"position": 1, "answer": None}])
    assert Response.objects.filter(attempt_id=attempt["id"], answer__isnull=False).count() == 1
    shown = client.get(f"/api/v1/attempts/{attempt['id']}/").json()
    assert shown["questions"][1]["answer"] == right[1]["answer"]


def test_quiz_window(make_quiz, student, auth_client):
    now = timezone.now()
    later = make_quiz(available_from=now + dt.timedelta(hours=1))
    assert_error(start(auth_client(student), later), 409, "quiz_not_open")
    closed = make_quiz(available_until=now - dt.timedelta(minutes=1))
    assert_error(start(auth_client(student), closed), 409, "quiz_closed")
    open_ = make_quiz(available_until=now + dt.timedelta(minutes=3), time_limit_minutes=30)
    attempt = Attempt.objects.get(pk=start(auth_client(student), open_).json()["id"])
    assert attempt.deadline == open_.available_until  # the window's end caps the time limit


def test_drafts_and_other_people_are_404(make_quiz, course, teacher, student, other_teacher, auth_client):
    from learning.assessments.services import quiz_create

    from .helpers import first_module

    quiz = make_quiz()
    draft = quiz_create(user=teacher, module=first_module(course), title="Draft", slots=[{"pool_tag": "x"}])
    assert_error(start(auth_client(student), draft), 404)
    assert_error(auth_client(student).get(f"/api/v1/quizzes/{draft.pk}/"), 404)
    attempt = start(auth_client(student), quiz).json()
    other = auth_client(other_teacher)
    assert_error(other.get(f"/api/v1/attempts/{attempt['id']}/"), 404)
    assert_error(save(other, attempt["id"], [{"position": 1, "answer": None}]), 404)
    assert_error(submit(other, attempt["id"]), 404)
