"""Challenges: teacher API and import, submissions graded in the sandbox, events, and
the rule that no learner endpoint ever reveals a reference solution or hidden test."""

import json

import pytest
from django.core.management import call_command

from cms.models import LessonPage
from learning.accounts.tests.factories import UserFactory
from learning.coding.models import Challenge, Submission

pytestmark = pytest.mark.django_db

SOLUTION_MARKER = "REFERENCE_SOLUTION_SECRET_9431"
HIDDEN_MARKER = "HIDDEN_TEST_SECRET_7702"


def challenge_payload(lesson, **over):
    return {
        "lesson_id": lesson.pk,
        "title": "Sum of an array",
        "prompt": "Write `sum(numbers)`.",
        "starter_source": "function sum(numbers) {\n  // your code\n}\n",
        "reference_solution": (
            f"// {SOLUTION_MARKER}\nfunction sum(n) {{ return n.reduce((a, b) => a + b, 0) }}"
        ),
        "tests": [
            {"description": "sums three numbers", "code": "assert.strictEqual(sum([1, 2, 3]), 6);"},
            {
                "description": "empty is zero",
                "code": "assert.strictEqual(sum([]), 0, 'sum([]) should be 0');",
            },
            {
                "description": "big numbers",
                "code": (
                    f"// {HIDDEN_MARKER}\n"
                    f"assert.strictEqual(sum([1e6, 2e6]), 3e6, 'hidden expected {HIDDEN_MARKER}');"
                ),
                "hidden": True,
            },
            {"description": "prints", "kind": "io", "input": "", "expected_output": "ready", "hidden": True},
        ],
        **over,
    }


@pytest.fixture
def lesson(build_course):
    course = build_course()
    return LessonPage.objects.descendant_of(course).live().first()


@pytest.fixture
def challenge(auth_client, teacher, lesson):
    response = auth_client(teacher).post(
        "/api/v1/teacher/challenges/", challenge_payload(lesson), format="json"
    )
    assert response.status_code == 201, response.content
    return Challenge.objects.get(pk=response.json()["id"])


GOOD = "function sum(n) { return n.reduce((a, b) => a + b, 0) }\nconsole.log('ready')"
PARTIAL = "function sum(n) { return n.length ? n.reduce((a, b) => a + b) : undefined }"


def submit(client, challenge, source):
    return client.post(f"/api/v1/challenges/{challenge.pk}/submit/", {"source": source}, format="json")


# --- teacher API ---


def test_teacher_creates_and_reads_back_everything(auth_client, teacher, challenge):
    body = auth_client(teacher).get(f"/api/v1/teacher/challenges/{challenge.pk}/").json()
    assert SOLUTION_MARKER in body["reference_solution"]
    assert len(body["tests"]) == 4 and body["tests"][2]["hidden"] is True
    assert body["course_id"] == challenge.course_id


def test_teacher_check_runs_tests_against_the_reference(auth_client, teacher, challenge):
    body = auth_client(teacher).post(f"/api/v1/teacher/challenges/{challenge.pk}/check/").json()
    # the io test expects "ready", which the reference does not print
    assert [t["passed"] for t in body["results"]] == [True, True, True, False]


def test_other_teacher_and_student_cannot_author(auth_client, other_teacher, student, challenge, lesson):
    other = auth_client(other_teacher)
    assert other.get(f"/api/v1/teacher/challenges/{challenge.pk}/").status_code == 404
    assert other.get("/api/v1/teacher/challenges/").json()["results"] == []
    response = other.post("/api/v1/teacher/challenges/", challenge_payload(lesson), format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["attr"] == "lesson_id"
    assert other.delete(f"/api/v1/teacher/challenges/{challenge.pk}/").status_code == 404
    assert auth_client(student).get("/api/v1/teacher/challenges/").status_code == 403
    assert auth_client(None).get("/api/v1/teacher/challenges/").status_code == 401


def test_admin_sees_and_edits_every_challenge(auth_client, admin_user, challenge, lesson):
    client = auth_client(admin_user)
    assert [c["id"] for c in client.get("/api/v1/teacher/challenges/").json()["results"]] == [challenge.pk]
    updated = client.put(
        f"/api/v1/teacher/challenges/{challenge.pk}/",
        challenge_payload(lesson, title="Renamed"),
        format="json",
    )
    assert updated.status_code == 200 and updated.json()["title"] == "Renamed"
    assert client.delete(f"/api/v1/teacher/challenges/{challenge.pk}/").status_code == 204
    assert not Challenge.objects.filter(pk=challenge.pk).exists()


def test_bad_challenge_input(auth_client, teacher, lesson):
    client = auth_client(teacher)
    no_tests = client.post("/api/v1/teacher/challenges/", challenge_payload(lesson, tests=[]), format="json")
    assert no_tests.status_code == 400 and no_tests.json()["errors"][0]["code"] == "empty"
    bad_test = challenge_payload(lesson, tests=[{"description": "x", "kind": "assert", "code": ""}])
    assert client.post("/api/v1/teacher/challenges/", bad_test, format="json").status_code == 400
    wrong_language = challenge_payload(lesson, language="python")
    assert client.post("/api/v1/teacher/challenges/", wrong_language, format="json").status_code == 400


def importable(lesson, **over):
    """challenge_payload with a reference that passes every test (an import checks it)."""
    return challenge_payload(lesson, reference_solution=f"// {SOLUTION_MARKER}\n{GOOD}", **over)


def test_import_json_through_the_api_is_all_or_nothing(auth_client, teacher, lesson):
    client = auth_client(teacher)
    one, two = importable(lesson, title="One"), importable(lesson, title="Two")
    response = client.post("/api/v1/teacher/challenges/import/", {"challenges": [one, two]}, format="json")
    assert response.status_code == 201 and len(response.json()) == 2
    broken = [importable(lesson, title="Three"), {**two, "tests": []}]
    assert client.post("/api/v1/teacher/challenges/import/", broken, format="json").status_code == 400
    assert Challenge.objects.count() == 2


def test_import_command(tmp_path, teacher, lesson):
    path = tmp_path / "challenges.json"
    path.write_text(json.dumps([importable(lesson, title="From file")]))
    call_command("import_challenges", str(path), "--as", teacher.email)
    assert Challenge.objects.get(title="From file").tests.count() == 4


def test_import_command_refuses_someone_elses_lesson(tmp_path, other_teacher, lesson):
    from django.core.management.base import CommandError

    path = tmp_path / "c.json"
    path.write_text(json.dumps([importable(lesson)]))
    with pytest.raises(CommandError):
        call_command("import_challenges", str(path), "--as", other_teacher.email)
    assert not Challenge.objects.exists()


# --- learners ---


def test_submit_reports_per_test_results_and_hides_hidden_ones(auth_client, student, challenge):
    response = submit(auth_client(student), challenge, PARTIAL)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["passed"] is False and body["test_count"] == 4
    visible = [r for r in body["results"] if not r["hidden"]]
    hidden = [r for r in body["results"] if r["hidden"]]
    assert [r["passed"] for r in visible] == [True, False]
    assert "sum([]) should be 0" in visible[1]["message"]
    assert len(hidden) == 2
    for r in hidden:
        assert set(r) == {"test_id", "hidden", "outcome", "passed"}
    assert HIDDEN_MARKER not in response.content.decode()


def test_first_full_pass_publishes_challenge_passed_once(
    auth_client, student, challenge, events, django_capture_on_commit_callbacks
):
    client = auth_client(student)
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(client, challenge, PARTIAL).json()["passed"] is False
        assert submit(client, challenge, GOOD).json()["passed"] is True
        assert submit(client, challenge, GOOD).json()["passed"] is True
    passed = [e for e in events if e.name == "challenge_passed"]
    assert len(passed) == 1
    assert passed[0].challenge_id == challenge.pk and passed[0].user_id == student.pk
    assert passed[0].lesson_id == challenge.lesson_id
    runs = [e for e in events if e.name == "code_run"]
    assert len(runs) == 3 and all(e.challenge_id == challenge.pk for e in runs)
    assert Submission.objects.filter(user=student).count() == 3


def test_submission_history_for_the_learner_and_the_teacher(
    auth_client, student, teacher, other_teacher, challenge
):
    submit(auth_client(student), challenge, PARTIAL)
    someone = UserFactory(role="student")
    submit(auth_client(someone), challenge, GOOD)
    mine = auth_client(student).get(f"/api/v1/challenges/{challenge.pk}/submissions/").json()["results"]
    assert len(mine) == 1 and mine[0]["passed"] is False
    teachers = (
        auth_client(teacher).get(f"/api/v1/teacher/submissions/?challenge={challenge.pk}").json()["results"]
    )
    assert {s["user"]["id"] for s in teachers} == {student.pk, someone.pk}
    # the teacher sees the hidden tests' messages too
    assert any(r["hidden"] and "message" in r for s in teachers for r in s["results"])
    assert auth_client(other_teacher).get("/api/v1/teacher/submissions/").json()["results"] == []
    assert auth_client(student).get("/api/v1/teacher/submissions/").status_code == 403


def test_challenge_of_an_unpublished_lesson_is_404_for_learners(auth_client, teacher, student, build_course):
    course = build_course(publish=False, title="Draft course")
    lesson = LessonPage.objects.descendant_of(course).first()
    created = auth_client(teacher).post(
        "/api/v1/teacher/challenges/", challenge_payload(lesson), format="json"
    )
    cid = created.json()["id"]
    client = auth_client(student)
    assert client.get(f"/api/v1/challenges/{cid}/").status_code == 404
    assert submit(client, Challenge.objects.get(pk=cid), GOOD).status_code == 404
    assert client.get(f"/api/v1/lessons/{lesson.pk}/challenges/").status_code == 404


def test_no_learner_endpoint_reveals_the_solution_or_hidden_tests(auth_client, student, challenge, lesson):
    """Walk every endpoint that serves a challenge to a learner."""
    client = auth_client(student)
    submit(client, challenge, PARTIAL)
    submit(client, challenge, "console.log(arguments.callee.caller)")
    responses = [
        client.get(f"/api/v1/lessons/{lesson.pk}/challenges/"),
        client.get(f"/api/v1/challenges/{challenge.pk}/"),
        submit(client, challenge, GOOD),
        client.get(f"/api/v1/challenges/{challenge.pk}/submissions/"),
        client.get(f"/api/v1/teacher/challenges/{challenge.pk}/"),
        client.get("/api/v1/teacher/challenges/"),
        client.get("/api/v1/teacher/submissions/"),
        client.post(f"/api/v1/teacher/challenges/{challenge.pk}/check/"),
        client.get(f"/api/v1/lessons/{lesson.pk}/draft/"),
        client.get(f"/api/cms/pages/{lesson.pk}/"),
        client.get(f"/api/v1/lessons/{lesson.pk}/"),
    ]
    for response in responses:
        text = response.content.decode()
        assert SOLUTION_MARKER not in text, response.wsgi_request.path
        assert HIDDEN_MARKER not in text, response.wsgi_request.path
        assert "reference_solution" not in text
    detail = responses[1].json()
    assert [t["description"] for t in detail["tests"]] == ["sums three numbers", "empty is zero"]
    assert detail["hidden_test_count"] == 2
    # and the schema has no learner response with a reference_solution
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for name in ("LearnerChallenge", "LearnerSubmission"):
        assert "reference_solution" not in json.dumps(schema["components"]["schemas"][name])


@pytest.mark.usefixtures("uncached_users")
def test_learner_lists_have_constant_queries(auth_client, teacher, student, lesson):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    author, client = auth_client(teacher), auth_client(student)
    author.post("/api/v1/teacher/challenges/", challenge_payload(lesson), format="json")
    # the first request of a user may load their row into the user cache (with Redis)
    client.get(f"/api/v1/lessons/{lesson.pk}/challenges/")
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(f"/api/v1/lessons/{lesson.pk}/challenges/").json()["results"]) == 1
    with CaptureQueriesContext(connection) as small_teacher:
        author.get("/api/v1/teacher/challenges/")
    for i in range(5):
        author.post("/api/v1/teacher/challenges/", challenge_payload(lesson, title=f"c{i}"), format="json")
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(f"/api/v1/lessons/{lesson.pk}/challenges/").json()["results"]) == 6
    with CaptureQueriesContext(connection) as large_teacher:
        author.get("/api/v1/teacher/challenges/")
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large_teacher.captured_queries) == len(small_teacher.captured_queries)
