"""Item analysis through the API: the job, the stored result and its status, the bases,
CSV, who may see it, bad input, and constant queries."""

import csv
import io
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .analysis_helpers import quiz_with_questions, submit_attempts

# The hand-worked data set of test_statistics.py: facility 60/60/40, discrimination of
# the first question 64.5497, Cronbach's alpha 46.1538%.
HAND = [[1, 1, 1], [1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 0]]


def url(quiz, suffix=""):
    return f"/api/v1/teacher/quizzes/{quiz.pk}/item-analysis/{suffix}"


def assert_error(response, status, code, attr=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["errors"][0]["code"] == code, body
    if attr is not None:
        assert body["errors"][0]["attr"] == attr, body


@pytest.fixture
def course(build_course):
    return build_course(modules=1, lessons_per_module=1)


@pytest.fixture
def hand_quiz(course):
    quiz, questions = quiz_with_questions(course, questions=3)
    submit_attempts(quiz, questions, HAND)
    return quiz, questions


def request_analysis(client, quiz, capture, **body):
    with capture(execute=True):
        return client.post(url(quiz), body, format="json")


def test_teacher_requests_polls_and_reads_the_hand_worked_numbers(
    auth_client, teacher, hand_quiz, django_capture_on_commit_callbacks
):
    quiz, questions = hand_quiz
    client = auth_client(teacher)
    assert_error(client.get(url(quiz)), 404, "not_found")
    response = request_analysis(client, quiz, django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.content
    body = client.get(url(quiz)).json()
    assert body["status"] == "done"
    assert body["basis"] == "first"
    assert body["stale"] is False
    assert body["attempt_count"] == 5
    result = body["result"]
    assert [q["question_id"] for q in result["questions"]] == [q.pk for q, _ in questions]
    assert [q["facility_index"] for q in result["questions"]] == pytest.approx([60, 60, 40])
    first = result["questions"][0]
    assert first["discrimination_index"] == pytest.approx(64.5497, abs=1e-4)
    assert first["discriminative_efficiency"] == pytest.approx(100)
    assert first["standard_deviation"] == pytest.approx(100 * math.sqrt(0.3))
    assert result["quiz"]["coefficient_of_internal_consistency"] == pytest.approx(46.1538, abs=1e-4)
    assert result["quiz"]["mean"] == pytest.approx(100 * 1.6 / 3)
    # Distractors: 5 attempts, groups of round(0.27 * 5) = 1: the top attempt (3 right)
    # chose a, the bottom one (0 right) chose b.
    options = {o["key"]: o for o in first["distractors"]["options"]}
    assert first["distractors"]["group_size"] == 1
    assert (
        options["q0a"]["chosen_count"],
        options["q0a"]["top_group_count"],
        options["q0a"]["bottom_group_count"],
    ) == (3, 1, 0)
    assert (
        options["q0b"]["chosen_count"],
        options["q0b"]["top_group_count"],
        options["q0b"]["bottom_group_count"],
    ) == (2, 0, 1)
    assert options["q0a"]["correct"] is True and options["q0a"]["text"] == "Option a"
    assert options["q0c"]["chosen_count"] == 0


def test_a_stored_result_is_reused_until_attempts_change(
    auth_client, teacher, hand_quiz, django_capture_on_commit_callbacks
):
    quiz, questions = hand_quiz
    client = auth_client(teacher)
    assert request_analysis(client, quiz, django_capture_on_commit_callbacks).status_code == 202
    computed_at = client.get(url(quiz)).json()["result"]["computed_at"]
    again = request_analysis(client, quiz, django_capture_on_commit_callbacks)
    assert again.status_code == 200
    assert again.json()["result"]["computed_at"] == computed_at
    submit_attempts(quiz, questions, [[1, 1, 1]])
    assert client.get(url(quiz)).json()["stale"] is True
    fresh = request_analysis(client, quiz, django_capture_on_commit_callbacks)
    assert fresh.status_code == 202
    body = client.get(url(quiz)).json()
    assert (body["status"], body["stale"], body["attempt_count"]) == ("done", False, 6)
    forced = request_analysis(client, quiz, django_capture_on_commit_callbacks, refresh=True)
    assert forced.status_code == 202


def test_a_job_on_its_way_is_not_queued_twice_unless_its_worker_died(
    auth_client, teacher, hand_quiz, django_capture_on_commit_callbacks
):
    import datetime as dt

    from learning.assessments.analysis.models import ItemAnalysisReport

    quiz, _ = hand_quiz
    client = auth_client(teacher)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert client.post(url(quiz), {}, format="json").status_code == 202
    assert len(queued) == 1  # the job, sent after commit
    assert client.get(url(quiz)).json()["status"] == "queued"
    with django_capture_on_commit_callbacks(execute=False) as again:
        assert client.post(url(quiz), {"refresh": True}, format="json").status_code == 200
    assert again == []
    # A worker that died leaves the report "running"; after 2 x Q_TIMEOUT it is requeued.
    ItemAnalysisReport.objects.filter(quiz=quiz).update(
        status="running", started_at=timezone.now() - dt.timedelta(hours=1)
    )
    response = request_analysis(client, quiz, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    assert client.get(url(quiz)).json()["status"] == "done"


def test_attempt_bases_first_last_all(auth_client, teacher, course, django_capture_on_commit_callbacks):
    from learning.accounts.tests.factories import UserFactory

    quiz, questions = quiz_with_questions(course, questions=2)
    learners = [UserFactory(email=f"basis{k}@example.test", role="student") for k in range(3)]
    submit_attempts(quiz, questions, [[0, 0], [0, 1], [1, 0]], users=learners, number=1)
    submit_attempts(quiz, questions, [[1, 1], [1, 1], [1, 1]], users=learners, number=2)
    client = auth_client(teacher)
    facility = {}
    for basis in ("first", "last", "all"):
        assert (
            request_analysis(client, quiz, django_capture_on_commit_callbacks, basis=basis).status_code == 202
        )
        body = client.get(url(quiz), {"basis": basis}).json()
        assert body["basis"] == basis
        facility[basis] = [q["facility_index"] for q in body["result"]["questions"]]
        assert body["attempt_count"] == (6 if basis == "all" else 3)
    assert facility["first"] == pytest.approx([100 / 3, 100 / 3])
    assert facility["last"] == pytest.approx([100, 100])
    assert facility["all"] == pytest.approx([200 / 3, 200 / 3])


def test_csv_export(auth_client, teacher, hand_quiz, django_capture_on_commit_callbacks):
    from learning.assessments.models import Question

    quiz, questions = hand_quiz
    Question.objects.filter(pk=questions[0][0].pk).update(title='=HYPERLINK("x")')
    client = auth_client(teacher)
    assert_error(client.get(url(quiz, "csv/")), 404, "not_found")
    request_analysis(client, quiz, django_capture_on_commit_callbacks)
    response = client.get(url(quiz, "csv/"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"item-analysis-{quiz.pk}-first.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["position", "question_id", "title"]
    assert rows[1][2] == '\'=HYPERLINK("x")'
    assert rows[1][6] == "60.0000"  # facility
    assert rows[1][8] == "64.5497"  # discrimination index
    stats = {row[0]: row[1] for row in rows if len(row) == 2}
    assert stats["coefficient_of_internal_consistency"] == "46.1538"
    assert stats["basis"] == "first"
    assert ["1", str(questions[0][0].pk), "Option a", "True", "3", "1", "0"] in rows


def test_a_failing_job_leaves_a_failed_status(
    auth_client, teacher, hand_quiz, settings, django_capture_on_commit_callbacks
):
    quiz, _ = hand_quiz
    settings.ITEM_ANALYSIS_MAX_RESPONSES = 10
    client = auth_client(teacher)
    assert request_analysis(client, quiz, django_capture_on_commit_callbacks).status_code == 202
    body = client.get(url(quiz)).json()
    assert body["status"] == "failed"
    assert "ITEM_ANALYSIS_MAX_RESPONSES" in body["error"]
    assert body["result"] is None
    # A failed report can be requested again.
    settings.ITEM_ANALYSIS_MAX_RESPONSES = 1000
    assert request_analysis(client, quiz, django_capture_on_commit_callbacks).status_code == 202
    assert client.get(url(quiz)).json()["status"] == "done"


def test_who_may_see_it(auth_client, student, other_teacher, admin_user, hand_quiz, teacher):
    quiz, _ = hand_quiz
    assert_error(auth_client(None).get(url(quiz)), 401, "not_authenticated")
    assert_error(auth_client(student).post(url(quiz), {}, format="json"), 403, "permission_denied")
    assert_error(auth_client(other_teacher).post(url(quiz), {}, format="json"), 404, "not_found")
    assert_error(auth_client(other_teacher).get(url(quiz, "csv/")), 404, "not_found")
    assert auth_client(admin_user).post(url(quiz), {}, format="json").status_code in (200, 202)
    assert auth_client(admin_user).get(url(quiz)).status_code == 200
    assert_error(auth_client(teacher).get("/api/v1/teacher/quizzes/999999/item-analysis/"), 404, "not_found")


def test_bad_input(auth_client, teacher, hand_quiz):
    quiz, _ = hand_quiz
    client = auth_client(teacher)
    assert_error(client.post(url(quiz), {"basis": "best"}, format="json"), 400, "invalid_choice", "basis")
    assert_error(client.post(url(quiz), {"bases": "first"}, format="json"), 400, "unknown_field")
    assert_error(client.post(url(quiz), {"refresh": "maybe"}, format="json"), 400, "invalid", "refresh")
    assert_error(client.get(url(quiz), {"basis": "x"}), 400, "invalid_choice", "basis")
    assert_error(client.get(url(quiz, "csv/"), {"basis": "x"}), 400, "invalid_choice", "basis")


def _job_queries(quiz):
    from learning.assessments.analysis.models import ItemAnalysisReport
    from learning.assessments.analysis.services import item_analysis_compute

    report = ItemAnalysisReport.objects.create(quiz=quiz, basis="all", requested_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        done = item_analysis_compute(report_id=report.pk)
    assert done.status == "done", done.error
    return len(queries)


def test_the_job_and_the_read_run_constant_queries(
    auth_client, teacher, course, uncached_users, django_capture_on_commit_callbacks
):
    small, small_q = quiz_with_questions(course, questions=2, title="Small")
    submit_attempts(small, small_q, [[1, 0], [0, 1]])
    big, big_q = quiz_with_questions(course, questions=12, title="Big")
    submit_attempts(big, big_q, [[k % 2] * 12 for k in range(30)])
    assert _job_queries(small) == _job_queries(big)
    client = auth_client(teacher)
    counts = []
    for quiz in (small, big):
        request_analysis(client, quiz, django_capture_on_commit_callbacks)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(quiz)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_hand_written_sql_reads_what_the_orm_reads(course):
    """analysis/statements.py against the ORM, attempts in progress left out."""
    import json

    from learning.assessments.analysis import statements
    from learning.assessments.models import Attempt, Response

    quiz, questions = quiz_with_questions(course, questions=3)
    submit_attempts(quiz, questions, HAND)
    open_attempt = submit_attempts(quiz, questions, [[1, 1, 1]])[0]
    Attempt.objects.filter(pk=open_attempt.pk).update(state=Attempt.State.IN_PROGRESS)
    raw = sorted(
        (a, q, v, p, f, m, json.loads(c)) for a, q, v, p, f, m, c in statements.submitted_responses(quiz.pk)
    )
    orm = sorted(
        Response.objects.filter(attempt__quiz=quiz, attempt__state="submitted").values_list(
            "attempt_id",
            "question_id",
            "version_id",
            "position",
            "score_fraction",
            "max_points",
            "chosen_options",
        )
    )
    assert raw == orm and len(raw) == 15
    assert sorted(statements.submitted_attempts(quiz.pk)) == sorted(
        Attempt.objects.filter(quiz=quiz, state="submitted").values_list("pk", "user_id", "number")
    )
