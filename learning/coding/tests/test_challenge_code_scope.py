"""freeCodeCamp-style challenge tests: `code` (the learner's entry file as one string)
in the test scope, and a test that throws anything but an assertion reported as a
failed test with the error's name and message. Through the real HTTP API and sandbox."""

import json

import pytest

from cms.models import LessonPage

pytestmark = pytest.mark.django_db

# "Repeat a String Repeat a String" (freeCodeCamp, Basic Algorithm Scripting), its tests
# as freeCodeCamp writes them.
REPEAT_TESTS = [
    ("returns a string", 'assert(typeof repeatStringNumTimes("*", 3) === "string");'),
    ('"*", 3 is "***"', 'assert(repeatStringNumTimes("*", 3) === "***");'),
    ('"abc", 3 is "abcabcabc"', 'assert(repeatStringNumTimes("abc", 3) === "abcabcabc");'),
    ('"abc", -2 is ""', 'assert(repeatStringNumTimes("abc", -2) === "");'),
    ("does not use .repeat()", "assert(!code.match(/\\.repeat/g));"),
]
LOOP = (
    "function repeatStringNumTimes(str, num) {\n"
    '  let out = "";\n'
    "  for (let i = 0; i < num; i++) out += str;\n"
    "  return out;\n"
    "}\n"
)
BUILT_IN = "function repeatStringNumTimes(str, num) {\n  return num > 0 ? str.repeat(num) : '';\n}\n"


@pytest.fixture
def lesson(build_course):
    return LessonPage.objects.descendant_of(build_course()).live().first()


def create_challenge(client, lesson, tests, *, solution=LOOP):
    response = client.post(
        "/api/v1/teacher/challenges/",
        {
            "lesson_id": lesson.pk,
            "title": "Repeat a String Repeat a String",
            "prompt": "Repeat `str` `num` times without the built-in `.repeat()`.",
            "starter_source": "function repeatStringNumTimes(str, num) {\n  return str;\n}\n",
            "reference_solution": solution,
            "tests": [{"description": d, "code": c} for d, c in tests],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def submit(client, challenge_id, **body):
    response = client.post(f"/api/v1/challenges/{challenge_id}/submit/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_freecodecamp_repeat_a_string(auth_client, teacher, student, lesson):
    challenge_id = create_challenge(auth_client(teacher), lesson, REPEAT_TESTS)
    learner = auth_client(student)

    good = submit(learner, challenge_id, source=LOOP)
    assert good["passed"] is True, good["results"]
    assert [r["passed"] for r in good["results"]] == [True] * 5

    banned = submit(learner, challenge_id, source=BUILT_IN)
    assert banned["passed"] is False
    assert [r["passed"] for r in banned["results"]] == [True, True, True, True, False]
    failed = banned["results"][4]
    assert failed["description"] == "does not use .repeat()"
    assert "not defined" not in failed["message"]
    assert failed["outcome"] == "failed"  # a failed assertion, not a broken test

    # the author's check runs the same way against the reference solution
    check = auth_client(teacher).post(f"/api/v1/teacher/challenges/{challenge_id}/check/").json()
    assert [t["passed"] for t in check["results"]] == [True] * 5


def test_code_is_the_entry_file_exactly_and_read_only(auth_client, teacher, student, lesson):
    helpers = "// HELPERS_FILE\nfunction twice(s) { return s + s; }\n"
    main = "// MAIN_FILE\nconst greeting = twice('hi');\nconsole.log(typeof code);\n"
    tests = [
        ("code is main.js, byte for byte", f"assert.strictEqual(code, {json.dumps(main)});"),
        ("a test cannot overwrite code", "code = 'changed';"),
        ("the next test sees the original", "assert.include(code, 'MAIN_FILE');"),
        ("a test may shadow it", "const code = 1; assert.strictEqual(code, 1);"),
    ]
    challenge_id = create_challenge(auth_client(teacher), lesson, tests, solution=helpers + main)
    learner = auth_client(student)
    body = submit(
        learner,
        challenge_id,
        files=[{"name": "helpers.js", "content": helpers}, {"name": "main.js", "content": main}],
    )
    results = body["results"]
    assert [r["passed"] for r in results] == [True, False, True, True], results
    assert results[1]["outcome"] == "error"
    assert results[1]["message"].startswith("TypeError: Assignment to constant variable")
    # the learner's own scripts do not see `code`
    assert [e["text"] for e in results[0]["stdout"]] == ["undefined"]

    # without a main.js, the entry file is the first file that runs
    first = submit(
        learner,
        challenge_id,
        files=[{"name": "app.js", "content": "// APP_FILE\n"}, {"name": "b.js", "content": helpers}],
    )
    assert first["results"][2]["passed"] is False
    assert "APP_FILE" in first["results"][2]["message"]


def test_a_test_that_throws_is_a_failed_test_with_the_error(auth_client, teacher, student, lesson):
    tests = [
        ("uses a name that is not there", "assert(notThere.length === 1);"),
        ("calls the learner's function", "assert.strictEqual(shout('a'), 'A');"),
    ]
    challenge_id = create_challenge(
        auth_client(teacher), lesson, tests, solution="function shout(s) { return s.toUpperCase(); }"
    )
    body = submit(auth_client(student), challenge_id, source="function shout(s) {\n  return s.upper();\n}\n")
    first, second = body["results"]
    assert first["passed"] is False and first["outcome"] == "error"
    assert first["message"] == "ReferenceError: notThere is not defined"
    assert second["passed"] is False and second["outcome"] == "error"
    assert second["message"] == "TypeError: s.upper is not a function (main.js:2:12)"
