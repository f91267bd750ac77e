"""The last check of a challenge is kept (for the teacher's dashboard): the teacher check
API and an import record their outcome on the challenge, through the services; an edit
after the check makes it stale; a run the sandbox refused records nothing. The
dashboard's selector reads it in two queries, whatever the number of courses."""

import pytest

from cms.models import LessonPage
from learning.coding.models import Challenge
from learning.coding.selectors import CheckState, challenge_check_overview
from learning.coding.services import challenge_check_record
from learning.coding.tests.helpers import challenge_on_first_lesson

from .test_challenges import GOOD, challenge_payload, importable

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(build_course):
    return LessonPage.objects.descendant_of(build_course()).live().first()


def _state(challenge_id):
    counts, rows = challenge_check_overview(course_ids=[Challenge.objects.get(pk=challenge_id).course_id])
    return {row.id: row for row in rows}.get(challenge_id), counts


def test_check_api_records_failure_then_edit_is_stale_then_pass(auth_client, teacher, lesson):
    client = auth_client(teacher)
    created = client.post("/api/v1/teacher/challenges/", challenge_payload(lesson), format="json")
    assert created.status_code == 201, created.content
    challenge_id = created.json()["id"]
    row, counts = _state(challenge_id)
    assert row.state == CheckState.NEVER_CHECKED and row.checked_at is None

    # the io test expects "ready", which this reference solution does not print
    body = client.post(f"/api/v1/teacher/challenges/{challenge_id}/check/").json()
    assert body["passed"] is False
    stored = Challenge.objects.get(pk=challenge_id)
    assert stored.last_check_passed is False and stored.last_checked_at is not None
    assert stored.last_check_message.startswith("Test 4 (prints):")
    row, counts = _state(challenge_id)
    assert row.state == CheckState.FAILED and row.message == stored.last_check_message
    assert counts[stored.course_id] == {
        "total": 1,
        "failed": 1,
        "changed": 0,
        "never_checked": 0,
        "passed": 0,
    }

    # an edit after the check: the outcome no longer describes the code
    fixed = challenge_payload(lesson, reference_solution=GOOD)
    assert client.put(f"/api/v1/teacher/challenges/{challenge_id}/", fixed, format="json").status_code == 200
    row, _ = _state(challenge_id)
    assert row.state == CheckState.CHANGED and row.message == ""

    body = client.post(f"/api/v1/teacher/challenges/{challenge_id}/check/").json()
    assert body["passed"] is True
    row, counts = _state(challenge_id)
    assert row is None  # passing and up to date: nothing for the author to do
    assert counts[stored.course_id]["passed"] == 1
    assert Challenge.objects.get(pk=challenge_id).last_check_message == ""


def test_import_records_a_passing_check(auth_client, teacher, lesson):
    response = auth_client(teacher).post(
        "/api/v1/teacher/challenges/import/", {"challenges": [importable(lesson)]}, format="json"
    )
    assert response.status_code == 201, response.content
    challenge = Challenge.objects.get()
    assert challenge.last_check_passed is True
    assert challenge.last_checked_at >= challenge.updated_at
    row, counts = _state(challenge.pk)
    assert row is None and counts[challenge.course_id]["passed"] == 1


def test_a_refused_run_records_nothing(auth_client, teacher, lesson, settings):
    client = auth_client(teacher)
    challenge_id = client.post(
        "/api/v1/teacher/challenges/", challenge_payload(lesson), format="json"
    ).json()["id"]
    settings.SANDBOX_URL = "http://127.0.0.1:9"  # nothing listens: the sandbox is down
    response = client.post(f"/api/v1/teacher/challenges/{challenge_id}/check/")
    assert response.status_code == 503, response.content
    stored = Challenge.objects.get(pk=challenge_id)
    assert stored.last_checked_at is None and stored.last_check_passed is None


def test_overview_runs_two_queries_for_one_or_many_courses(build_course, teacher, django_assert_num_queries):
    def courses_with_challenges(n):
        ids = []
        for i in range(n):
            course = build_course(title=f"Course {n}-{i}")
            failing = challenge_on_first_lesson(course, f"Failing {n}-{i}")
            challenge_check_record(challenge=failing, passed=False, message="Test 1: no")
            passing = challenge_on_first_lesson(course, f"Passing {n}-{i}")
            challenge_check_record(challenge=passing, passed=True)
            challenge_on_first_lesson(course, f"Unchecked {n}-{i}")
            ids.append(course.pk)
        return ids

    one, many = courses_with_challenges(1), courses_with_challenges(4)
    with django_assert_num_queries(2):
        counts, rows = challenge_check_overview(course_ids=one)
    assert [r.state for r in rows] == [CheckState.FAILED, CheckState.NEVER_CHECKED]
    with django_assert_num_queries(2):
        counts, rows = challenge_check_overview(course_ids=many)
    assert len(rows) == 8 and [r.state for r in rows[:4]] == [CheckState.FAILED] * 4
    assert all(
        counts[i] == {"total": 3, "failed": 1, "changed": 0, "never_checked": 1, "passed": 1} for i in many
    )
