"""Importing challenges cannot plant a broken one: every reference solution runs against
all its tests in the real sandbox first (a failure rejects the whole document, naming
the challenge, the test and its message), a starter code that already passes is a
warning, a re-import updates by (lesson, slug), and a failure writes nothing. For the
command, the teacher API and the `challenges` key of a course import."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cms.models import CoursePage, LessonPage
from learning.coding.models import Challenge

pytestmark = pytest.mark.django_db

IMPORT_URL = "/api/v1/teacher/challenges/import/"
LOOP = "function repeatStringNumTimes(s, n) { let o = ''; for (let i = 0; i < n; i++) o += s; return o; }"
BUILT_IN = "function repeatStringNumTimes(s, n) { return n > 0 ? s.repeat(n) : ''; }"


def repeat_challenge(lesson=None, **over):
    item = {
        "slug": "repeat-a-string",
        "title": "Repeat a String",
        "prompt": "Repeat `s` `n` times, without `.repeat()`.",
        "starter_source": "function repeatStringNumTimes(s, n) {\n  return s;\n}\n",
        "reference_solution": LOOP,
        "tests": [
            {"description": "abc 3 times", "code": "assert(repeatStringNumTimes('abc', 3) === 'abcabcabc');"},
            {"description": "does not use .repeat()", "code": "assert(!code.match(/\\.repeat/g));"},
            {"description": "prints nothing", "kind": "io", "input": "", "expected_output": ""},
        ],
        **over,
    }
    if lesson is not None:
        item["lesson_id"] = lesson.pk
    return item


def sum_challenge(lesson, **over):
    return {
        "lesson_id": lesson.pk,
        "title": "Sum",
        "prompt": "Write `sum(a, b)`.",
        "starter_source": "function sum(a, b) {}\n",
        "reference_solution": "function sum(a, b) { return a + b; }",
        "tests": [{"description": "1 + 2", "code": "assert.strictEqual(sum(1, 2), 3);"}],
        **over,
    }


@pytest.fixture
def lesson(build_course):
    return LessonPage.objects.descendant_of(build_course()).live().first()


# --- the teacher API ---


def test_api_rejects_a_reference_solution_that_fails_a_test(auth_client, teacher, lesson):
    response = auth_client(teacher).post(
        IMPORT_URL, {"challenges": [repeat_challenge(lesson, reference_solution=BUILT_IN)]}, format="json"
    )
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert error["code"] == "reference_fails"
    assert error["attr"] == "challenges.0.reference_solution"
    assert "'Repeat a String'" in error["detail"]
    assert "test 2 ('does not use .repeat()')" in error["detail"]
    assert "Unspecified AssertionError" in error["detail"]  # Chai's message for assert(false)
    assert not Challenge.objects.exists()


def test_api_names_the_error_a_broken_test_throws(auth_client, teacher, lesson):
    broken = repeat_challenge(
        lesson, tests=[{"description": "typo in the test", "code": "assert(repeatStringNumTime('a', 1));"}]
    )
    response = auth_client(teacher).post(IMPORT_URL, [broken], format="json")
    assert response.status_code == 400
    detail = response.json()["errors"][0]["detail"]
    assert "'typo in the test'" in detail and "ReferenceError: repeatStringNumTime is not defined" in detail


def test_api_warns_when_the_starter_code_already_passes(auth_client, teacher, lesson):
    lazy = repeat_challenge(lesson, starter_source=LOOP)
    response = auth_client(teacher).post(IMPORT_URL, [lazy, sum_challenge(lesson)], format="json")
    assert response.status_code == 201, response.content
    first, second = response.json()
    assert first["created"] is True and first["slug"] == "repeat-a-string"
    assert len(first["warnings"]) == 1 and "starter code already passes every test" in first["warnings"][0]
    assert second["warnings"] == [] and second["slug"] == "sum"
    assert Challenge.objects.count() == 2


def test_api_reimport_updates_instead_of_duplicating(auth_client, teacher, lesson):
    client = auth_client(teacher)
    first = client.post(IMPORT_URL, [repeat_challenge(lesson), sum_challenge(lesson)], format="json")
    assert first.status_code == 201
    ids = [c["id"] for c in first.json()]
    changed = repeat_challenge(
        lesson,
        title="Repeat a String (v2)",
        tests=[
            {"description": "xy twice", "code": "assert.strictEqual(repeatStringNumTimes('xy', 2), 'xyxy');"}
        ],
    )
    second = client.post(IMPORT_URL, {"challenges": [changed, sum_challenge(lesson)]}, format="json")
    assert second.status_code == 201, second.content
    assert [c["id"] for c in second.json()] == ids
    assert [c["created"] for c in second.json()] == [False, False]
    assert Challenge.objects.count() == 2
    updated = Challenge.objects.get(pk=ids[0])
    assert updated.title == "Repeat a String (v2)" and updated.slug == "repeat-a-string"
    assert [t.description for t in updated.tests.all()] == ["xy twice"]


def test_api_partial_failure_writes_nothing(auth_client, teacher, lesson):
    client = auth_client(teacher)
    document = [
        sum_challenge(lesson),
        repeat_challenge(lesson),
        sum_challenge(lesson, slug="broken-sum", reference_solution="function sum(a, b) { return a - b; }"),
    ]
    response = client.post(IMPORT_URL, document, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "challenges.2.reference_solution"
    assert not Challenge.objects.exists()
    # and an update that fails leaves the existing challenges as they were
    assert client.post(IMPORT_URL, document[:2], format="json").status_code == 201
    bad_update = [sum_challenge(lesson, title="Sum", prompt="changed"), document[2]]
    assert client.post(IMPORT_URL, bad_update, format="json").status_code == 400
    assert Challenge.objects.count() == 2
    assert Challenge.objects.get(slug="sum").prompt == "Write `sum(a, b)`."


def test_api_import_keys_cannot_reach_another_teachers_challenge(auth_client, teacher, other_teacher, lesson):
    assert auth_client(teacher).post(IMPORT_URL, [repeat_challenge(lesson)], format="json").status_code == 201
    other = auth_client(other_teacher)
    same_key = other.post(IMPORT_URL, [repeat_challenge(lesson, title="Hijacked")], format="json")
    assert same_key.status_code == 400 and same_key.json()["errors"][0]["attr"] == "challenges.0.lesson_id"
    own = Challenge.objects.get()
    with_id = other.post(IMPORT_URL, [{**repeat_challenge(lesson), "id": own.pk}], format="json")
    assert with_id.status_code == 400
    assert with_id.json()["errors"][0]["attr"] == "challenges.0.id"
    assert "slug" in with_id.json()["errors"][0]["detail"]
    assert Challenge.objects.get().title == "Repeat a String"


def test_api_import_bad_documents(auth_client, teacher, lesson, settings):
    client = auth_client(teacher)
    settings.CHALLENGE_IMPORT_MAX = 2
    many = [sum_challenge(lesson, slug=f"s{i}") for i in range(3)]
    response = client.post(IMPORT_URL, many, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "too_many"
    twins = client.post(IMPORT_URL, [sum_challenge(lesson), sum_challenge(lesson)], format="json")
    assert twins.status_code == 400 and twins.json()["errors"][0]["code"] == "duplicate"
    for body in (
        [],
        {"challenges": "x"},
        [1],
        [sum_challenge(lesson, tests=[])],
        [sum_challenge(lesson, slug="a b")],
    ):
        answer = client.post(IMPORT_URL, body, format="json")
        assert answer.status_code == 400, (body, answer.content)
        assert answer.json()["type"] == "validation_error"
    assert not Challenge.objects.exists()


# --- the command ---


def test_command_rejects_with_the_failing_test_and_writes_nothing(tmp_path, teacher, lesson):
    path = tmp_path / "challenges.json"
    path.write_text(
        json.dumps([sum_challenge(lesson), repeat_challenge(lesson, reference_solution=BUILT_IN)])
    )
    with pytest.raises(CommandError) as caught:
        call_command("import_challenges", str(path), "--as", teacher.email)
    message = str(caught.value)
    assert "'Repeat a String'" in message and "'does not use .repeat()'" in message
    assert "Unspecified AssertionError" in message
    assert not Challenge.objects.exists()


def test_command_warns_and_reimports_idempotently(tmp_path, teacher, lesson, capsys):
    path = tmp_path / "challenges.json"
    path.write_text(
        json.dumps({"challenges": [repeat_challenge(lesson, starter_source=LOOP), sum_challenge(lesson)]})
    )
    call_command("import_challenges", str(path), "--as", teacher.email)
    out = capsys.readouterr().out
    assert out.count("created challenge") == 2
    assert "warning: Challenge 'Repeat a String': the starter code already passes every test" in out
    path.write_text(json.dumps([repeat_challenge(lesson, title="Renamed"), sum_challenge(lesson)]))
    call_command("import_challenges", str(path), "--as", teacher.email)
    out = capsys.readouterr().out
    assert out.count("updated challenge") == 2 and "warning" not in out
    assert Challenge.objects.count() == 2
    assert Challenge.objects.get(slug="repeat-a-string").title == "Renamed"


# --- the `challenges` key of a course import ---


def course_document(challenges):
    return {
        "title": "Imported course",
        "slug": "imported-course",
        "summary": "A course with challenges.",
        "modules": [
            {"title": "M", "lessons": [{"title": "L1"}, {"title": "L2", "challenges": challenges}]},
        ],
    }


def test_course_import_checks_its_challenges(auth_client, teacher, course_index):
    client = auth_client(teacher)
    broken = course_document([repeat_challenge(), repeat_challenge(slug="b", reference_solution=BUILT_IN)])
    response = client.post("/api/v1/authoring/import/", broken, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert error["attr"] == "modules.0.lessons.1.challenges.1.reference_solution"
    assert "'does not use .repeat()'" in error["detail"]
    assert not CoursePage.objects.filter(slug="imported-course").exists()
    assert not Challenge.objects.exists()

    good = course_document([repeat_challenge(starter_source=LOOP)])
    response = client.post("/api/v1/authoring/import/", good, format="json")
    assert response.status_code == 201, response.content
    challenge = Challenge.objects.get()
    assert challenge.lesson.title == "L2" and challenge.created_by == teacher
    assert len(response.json()["warnings"]) == 1
    assert "starter code already passes" in response.json()["warnings"][0]
