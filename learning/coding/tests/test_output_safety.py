"""Sandbox output is safe text (issue 10, row 4): a program that prints lone surrogates or
NUL gets U+FFFD back, through runs and submissions, on SQLite and PostgreSQL, and the
learner's and the teacher's submission lists keep answering."""

import importlib
import json

import pytest
from django.db import DataError, connection, transaction
from rest_framework.test import APIClient

from cms.models import LessonPage
from learning.coding.models import Challenge, Submission

from .conftest import run

pytestmark = pytest.mark.django_db

FFFD = "\ufffd"

# JavaScript sources (escapes are JavaScript's: the request itself is valid text)
PAYLOADS = {
    "lone high surrogate": "console.log('\\ud800')",
    "lone low surrogate in a warning": "console.warn('a\\udc00b')",
    "NUL": "console.log('a\\u0000b')",
    "surrogate in an object key": "console.log({['\\ud800']: '\\u0000'})",
    "error message": "throw new Error('bad \\ud800 \\u0000')",
    "error name": "const e = new Error('x'); e.name = 'N\\ud800\\u0000Error'; throw e",
    "thrown string": "throw '\\udfff'",
    "built at run time": "console.log(String.fromCharCode(0xd800, 0), 'x'.padEnd(3, '\\udbff'))",
    "later, from a timer": "setTimeout(() => console.info('\\ud800'), 1)",
}


def assert_safe_text(value) -> None:
    """No lone surrogate and no NUL in any string of `value` (decoded JSON)."""
    if isinstance(value, str):
        assert "\x00" not in value
        assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in value), ascii(value)
    elif isinstance(value, list):
        for item in value:
            assert_safe_text(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_safe_text(key)
            assert_safe_text(item)


def assert_safe_body(response) -> None:
    """The body is UTF-8 JSON whose strings hold no lone surrogate and no NUL."""
    assert_safe_text(json.loads(response.content.decode("utf-8")))


@pytest.mark.parametrize("source", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_run_output_is_safe_text(auth_client, student, source):
    response = run(auth_client(student), source)
    assert response.status_code == 200, response.content
    assert_safe_body(response)
    assert FFFD in response.content.decode()


def test_a_valid_pair_is_kept(auth_client, student):
    body = run(auth_client(student), "console.log('\\ud83d\\ude00 caf\\u00e9')").json()
    assert body["stdout"] == [{"level": "log", "text": "\U0001f600 café"}]


# --- submissions ---


@pytest.fixture
def challenge(auth_client, teacher, build_course):
    lesson = LessonPage.objects.descendant_of(build_course()).live().first()
    payload = {
        "lesson_id": lesson.pk,
        "title": "Echo",
        "prompt": "Print things.",
        "reference_solution": "function f() { return 1 }",
        "tests": [
            {"description": "returns one", "code": "assert.strictEqual(f(), 1);"},
            {"description": "prints", "kind": "io", "expected_output": "ok"},
            {"description": "hidden", "code": "assert.strictEqual(f(), 1);", "hidden": True},
        ],
    }
    response = auth_client(teacher).post("/api/v1/teacher/challenges/", payload, format="json")
    assert response.status_code == 201, response.content
    return Challenge.objects.get(pk=response.json()["id"])


HOSTILE = (
    "console.log('\\ud800', 'a\\u0000b');\n"
    "console.error({['\\udc00']: 1});\n"
    "function f() { return '\\ud800\\u0000' }\n"
)


def test_submission_output_is_stored_safe_and_lists_answer(auth_client, student, teacher, challenge):
    learner = auth_client(student)
    response = learner.post(f"/api/v1/challenges/{challenge.pk}/submit/", {"source": HOSTILE}, format="json")
    assert response.status_code == 201, response.content
    assert_safe_body(response)
    submission = Submission.objects.get(pk=response.json()["id"])
    assert_safe_text(submission.results)
    assert FFFD in json.dumps(submission.results, ensure_ascii=False)
    # the assertion's message quotes the returned value: made safe too
    first = next(r for r in response.json()["results"] if r["description"] == "returns one")
    assert first["passed"] is False and FFFD in first["message"]

    mine = learner.get(f"/api/v1/challenges/{challenge.pk}/submissions/")
    assert mine.status_code == 200 and mine.json()["count"] == 1
    assert_safe_body(mine)
    theirs = auth_client(teacher).get(f"/api/v1/teacher/submissions/?challenge={challenge.pk}")
    assert theirs.status_code == 200 and theirs.json()["count"] == 1
    assert_safe_body(theirs)


def test_teacher_check_output_is_safe(auth_client, teacher, challenge):
    challenge.reference_solution = HOSTILE
    challenge.save()
    response = auth_client(teacher).post(f"/api/v1/teacher/challenges/{challenge.pk}/check/")
    assert response.status_code == 200, response.content
    assert_safe_body(response)


# --- rows stored before the fix ---


def _repair():
    migration = importlib.import_module("learning.coding.migrations.0002_safe_stored_text")
    from django.apps import apps

    # the migration only asks the editor which database it is on
    migration.make_stored_text_safe(apps, connection.schema_editor())


def test_old_rows_with_unsafe_text_are_repaired(auth_client, student, teacher, challenge):
    """SQLite stored such text (JSON escapes) and the lists answered 500 from then on;
    the data migration repairs those rows. PostgreSQL's jsonb never accepted it."""
    bad_results = [
        {
            "test_id": challenge.tests.first().pk,
            "description": "returns one",
            "hidden": False,
            "passed": False,
            "status": "ok",
            "message": "expected '\ud800' to equal 1",
            "stdout": [{"level": "log", "text": "a\x00b \udc00"}],
        }
    ]
    bad_files = [{"name": "main.js", "language": "", "content": "// \ud800"}]
    fields = {
        "user": student,
        "challenge": challenge,
        "files": bad_files,
        "results": bad_results,
        "status": "ok",
        "total_count": 1,
    }
    if connection.vendor == "postgresql":
        with pytest.raises(DataError), transaction.atomic():
            Submission.objects.create(**fields)
        assert not Submission.objects.exists()
        return
    Submission.objects.create(**fields)
    learner_url = f"/api/v1/challenges/{challenge.pk}/submissions/"
    broken = APIClient(raise_request_exception=False)
    broken.force_authenticate(student)
    assert broken.get(learner_url).status_code == 500  # what old rows did

    _repair()

    mine = auth_client(student).get(learner_url)
    assert mine.status_code == 200, mine.content
    assert_safe_body(mine)
    result = mine.json()["results"][0]["results"][0]
    assert result["message"] == f"expected '{FFFD}' to equal 1"
    assert result["stdout"] == [{"level": "log", "text": f"a{FFFD}b {FFFD}"}]
    theirs = auth_client(teacher).get(f"/api/v1/teacher/submissions/?challenge={challenge.pk}")
    assert theirs.status_code == 200
    assert_safe_body(theirs)
