"""What one learner's submissions may cost and reveal (issue 10, rows 9 and 14): a
per-user submission throttle, output stored once and cut with a marker, the newest
SUBMISSION_KEEP submissions per challenge plus the best, and no timing of hidden tests
in the learner's view."""

import pytest

from cms.models import LessonPage
from learning.accounts.tests.factories import UserFactory
from learning.coding.models import Challenge, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(build_course):
    return LessonPage.objects.descendant_of(build_course()).live().first()


@pytest.fixture
def make_challenge(auth_client, teacher, lesson):
    def make(tests):
        payload = {
            "lesson_id": lesson.pk,
            "title": "Challenge",
            "prompt": "Do it.",
            "reference_solution": "function f() { return 1 }",
            "tests": tests,
        }
        response = auth_client(teacher).post("/api/v1/teacher/challenges/", payload, format="json")
        assert response.status_code == 201, response.content
        return Challenge.objects.get(pk=response.json()["id"])

    return make


ASSERT_F = {"description": "f is one", "code": "assert.strictEqual(f(), 1);"}


def hidden_io(stdin: str, expected: str) -> dict:
    return {"description": "secret", "kind": "io", "input": stdin, "expected_output": expected} | {
        "hidden": True
    }


GOOD = "function f() { return 1 }"
BAD = "function f() { return 2 }"


def submit(client, challenge, source):
    return client.post(f"/api/v1/challenges/{challenge.pk}/submit/", {"source": source}, format="json")


def mine(client, challenge):
    response = client.get(f"/api/v1/challenges/{challenge.pk}/submissions/?page_size=100")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def teachers_view(client, challenge):
    response = client.get(f"/api/v1/teacher/submissions/?challenge={challenge.pk}&page_size=100")
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- row 9: throttle ---


def test_submissions_are_throttled_per_user(auth_client, student, make_challenge, settings):
    settings.CHALLENGE_SUBMIT_RATE = "2/min"
    challenge = make_challenge([ASSERT_F])
    client = auth_client(student)
    assert submit(client, challenge, GOOD).status_code == 201
    assert submit(client, challenge, BAD).status_code == 201
    response = submit(client, challenge, GOOD)
    assert response.status_code == 429
    body = response.json()
    assert body["type"] == "client_error" and body["errors"][0]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    assert Submission.objects.filter(user=student).count() == 2  # nothing ran or was stored
    # per user: another learner is not slowed down by this one
    assert submit(auth_client(UserFactory(role="student")), challenge, GOOD).status_code == 201


# --- row 9: output stored once, cut, marked ---


def test_stored_output_is_cut_per_test_and_per_submission(
    auth_client, student, teacher, make_challenge, settings
):
    from learning.coding.services import STORED_LINE_BYTES

    settings.SUBMISSION_OUTPUT_BYTES_PER_TEST = 200
    settings.SUBMISSION_OUTPUT_BYTES = 450
    challenge = make_challenge([ASSERT_F, ASSERT_F, ASSERT_F, ASSERT_F])
    # 3 lines of 60 characters: 3 x (60 + 26) = 258 stored bytes per test
    source = GOOD + "\nfor (let i = 0; i < 3; i++) console.log(String(i).repeat(60))"
    response = submit(auth_client(student), challenge, source)
    assert response.status_code == 201, response.content
    results = response.json()["results"]
    assert [r["output_truncated"] for r in results] == [True, True, True, True]
    sizes = [sum(len(e["text"].encode()) + STORED_LINE_BYTES for e in r["stdout"]) for r in results]
    assert sizes == [200, 200, 50, 0]  # 200 per test, 450 in all
    line = 200 - 2 * (60 + STORED_LINE_BYTES) - STORED_LINE_BYTES
    assert results[0]["stdout"] == [
        {"level": "log", "text": "0" * 60},
        {"level": "log", "text": "1" * 60},
        {"level": "log", "text": "2" * line},
    ]
    assert results[2]["stdout"] == [{"level": "log", "text": "0" * (50 - STORED_LINE_BYTES)}]
    stored = Submission.objects.get(pk=response.json()["id"]).results
    assert [r["stdout"] for r in stored] == [r["stdout"] for r in results]
    assert [r["output_truncated"] for r in teachers_view(auth_client(teacher), challenge)[0]["results"]] == [
        True
    ] * 4


def test_output_that_fits_is_kept_whole_and_unmarked(auth_client, student, make_challenge):
    challenge = make_challenge([ASSERT_F])
    response = submit(auth_client(student), challenge, GOOD + "\nconsole.log('caf\\u00e9')")
    (result,) = response.json()["results"]
    assert result["stdout"] == [{"level": "log", "text": "café"}]
    assert result["output_truncated"] is False


def test_a_hidden_tests_output_never_cuts_a_visible_ones(auth_client, student, make_challenge, settings):
    """Visible tests take from the submission's budget first: what a learner sees cut
    must not tell how much a hidden test printed (nor so its input's size)."""
    settings.SUBMISSION_OUTPUT_BYTES_PER_TEST = 1000
    settings.SUBMISSION_OUTPUT_BYTES = 150
    challenge = make_challenge(
        [
            hidden_io("h" * 300, "x"),
            {"description": "shown", "kind": "io", "input": "v" * 60, "expected_output": "v" * 60},
        ]
    )
    response = submit(auth_client(student), challenge, "console.log(readline())")
    hidden, shown = response.json()["results"]
    assert hidden == {"test_id": hidden["test_id"], "hidden": True, "outcome": "failed", "passed": False}
    assert shown["passed"] is True and shown["output_truncated"] is False
    assert shown["stdout"] == [{"level": "log", "text": "v" * 60}]
    stored_hidden = Submission.objects.get().results[0]
    assert stored_hidden["output_truncated"] is True
    # what the visible test left: 150 - (60 + 26), less the hidden line's own 26
    assert stored_hidden["stdout"] == [{"level": "log", "text": "h" * 38}]


# --- row 9: retention ---


def test_keeps_the_newest_n_plus_the_best(auth_client, student, teacher, make_challenge, settings):
    settings.CHALLENGE_SUBMIT_RATE = ""
    settings.SUBMISSION_KEEP = 2
    challenge = make_challenge([ASSERT_F, {"description": "prints", "kind": "io", "expected_output": "hi"}])
    client = auth_client(student)
    other = auth_client(UserFactory(role="student"))
    ids = []
    for source in (
        BAD,  # 0 of 2
        GOOD,  # 1 of 2: the best until a full pass
        GOOD + "\nconsole.log('hi')",  # full pass: the best from now on (earliest on ties)
        BAD,
        GOOD + "\nconsole.log('hi')",  # full pass, later: not the best
        BAD,
        BAD,
    ):
        response = submit(client, challenge, source)
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    for _ in range(4):
        submit(other, challenge, BAD)

    kept = [s["id"] for s in mine(client, challenge)]
    assert kept == [ids[6], ids[5], ids[2]]  # newest first: the two newest, then the best
    assert Submission.objects.filter(user=student).count() == 3
    # each learner's own N plus best (all failed alike: the earliest is the best)
    others = [s["id"] for s in mine(other, challenge)]
    assert len(others) == 3 and others[-1] == min(others)
    teacher_ids = {s["id"] for s in teachers_view(auth_client(teacher), challenge)}
    assert teacher_ids == set(kept) | set(others)


def test_without_a_pass_the_best_is_the_highest_score_earliest(
    auth_client, student, make_challenge, settings
):
    settings.CHALLENGE_SUBMIT_RATE = ""
    settings.SUBMISSION_KEEP = 1
    challenge = make_challenge([ASSERT_F, {"description": "prints", "kind": "io", "expected_output": "hi"}])
    client = auth_client(student)
    ids = [submit(client, challenge, source).json()["id"] for source in (BAD, GOOD, GOOD, BAD)]
    assert [s["id"] for s in mine(client, challenge)] == [ids[3], ids[1]]


# --- row 14: no timing of hidden tests for learners ---


def test_learner_never_gets_a_hidden_tests_time(auth_client, student, teacher, make_challenge):
    only_hidden = make_challenge([hidden_io("x" * 5000, "5000")])
    client = auth_client(student)
    response = submit(client, only_hidden, "console.log(readline().length)")
    assert response.status_code == 201
    created = response.json()
    assert created["passed"] is True
    assert created["wall_ms"] == 0.0  # nothing visible was timed
    assert created["results"] == [
        {"test_id": only_hidden.tests.get().pk, "hidden": True, "outcome": "passed", "passed": True}
    ]
    assert mine(client, only_hidden)[0]["wall_ms"] == 0.0
    # the teacher still sees the whole time and each test's own
    (seen,) = teachers_view(auth_client(teacher), only_hidden)
    assert seen["wall_ms"] > 0
    assert seen["results"][0]["wall_ms"] > 0 and seen["results"][0]["hidden"] is True


def test_learner_time_is_the_visible_tests_only(auth_client, student, teacher, make_challenge):
    challenge = make_challenge(
        [
            ASSERT_F,
            hidden_io("y" * 3000, "3000"),
            {**ASSERT_F, "description": "again"},
        ]
    )
    client = auth_client(student)
    created = submit(client, challenge, GOOD + "\nconsole.log(String(readline()?.length))").json()
    (seen,) = teachers_view(auth_client(teacher), challenge)
    visible_ms = round(sum(r["wall_ms"] for r in seen["results"] if not r["hidden"]), 3)
    assert created["wall_ms"] == visible_ms == mine(client, challenge)[0]["wall_ms"]
    assert seen["wall_ms"] >= sum(r["wall_ms"] for r in seen["results"])
    for result in created["results"]:
        assert "wall_ms" not in result


def test_trim_command_applies_the_retention_to_rows_stored_before(student, make_challenge, settings):
    import io

    from django.core.management import call_command

    challenge = make_challenge([ASSERT_F])
    someone = UserFactory(role="student")

    def row(user, passed):
        fields = {"status": "ok", "passed": passed, "passed_count": int(passed), "total_count": 1}
        return Submission.objects.create(user=user, challenge=challenge, **fields).pk

    rows = {user.pk: [row(user, i == 1) for i in range(6)] for user in (student, someone)}
    settings.SUBMISSION_KEEP = 2
    out = io.StringIO()
    call_command("trim_submissions", stdout=out)
    assert out.getvalue().strip() == "6 submissions removed."
    for user_id, ids in rows.items():
        kept = set(Submission.objects.filter(user_id=user_id).values_list("pk", flat=True))
        assert kept == {ids[5], ids[4], ids[1]}  # the two newest and the pass
