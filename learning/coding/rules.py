"""Domain rules of the coding app that more than one layer applies: what a file name and
a file's text may be (the API's input serializers and the draft service), what a
challenge's tests must be (the write serializer and the import), and what a learner may
see of a graded submission (hidden tests)."""

from __future__ import annotations

import re

from django.conf import settings

FILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}(/[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}){0,3}$")


def is_file_name(name) -> bool:
    """Letters, digits, `_.-`, up to four folders deep, never `..`."""
    return isinstance(name, str) and bool(FILE_NAME.match(name)) and ".." not in name


def is_text(value: str) -> bool:
    """Text only: no NUL and no other C0 control character but tab, newline, CR."""
    return not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value)


# --- what a challenge's tests must be ------------------------------------------------

TEST_KINDS = ("assert", "io")


def challenge_tests_problem(tests: list) -> tuple[str, str] | None:
    """What is wrong with a challenge's list of tests, as (message, code), or None."""
    if not tests:
        return "Give at least one test.", "empty"
    if len(tests) > settings.CHALLENGE_MAX_TESTS:
        return f"At most {settings.CHALLENGE_MAX_TESTS} tests.", "too_many"
    return None


def challenge_test_problem(*, kind: str, code: str) -> tuple[str, str] | None:
    """What is wrong with one test, as (message, code), or None."""
    if kind == "assert" and not (code or "").strip():
        return "An assertion test needs code.", "required"
    return None


# --- what a learner sees of a submission -------------------------------------------

VISIBLE_RESULT_KEYS = (
    "test_id",
    "hidden",
    "passed",
    "description",
    "status",
    "message",
    "stdout",
    "output_truncated",
)


def learner_results(results: list[dict]) -> list[dict]:
    """Hidden tests: only whether they passed. Never their description, message,
    output or timing (a failing assertion's message quotes the expected value; a
    test's time can tell the size of its input)."""
    out = []
    for r in results:
        if r.get("hidden"):
            out.append({"test_id": r["test_id"], "hidden": True, "passed": r["passed"]})
        else:
            out.append({k: r[k] for k in VISIBLE_RESULT_KEYS if k in r})
    return out


def learner_wall_ms(*, wall_ms: float, results: list[dict]) -> float:
    """The time a learner is shown: the visible tests' own times only. A submission
    without hidden tests shows its whole time (also for rows stored before per-test
    times were kept); one with hidden tests shows the sum of its visible tests."""
    if not any(r.get("hidden") for r in results):
        return float(wall_ms)
    return round(sum(float(r.get("wall_ms") or 0.0) for r in results if not r.get("hidden")), 3)
