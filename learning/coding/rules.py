"""Domain rules of the coding app that more than one layer applies: what a file name and
a file's text may be (the API's input serializers and the draft service), what a
challenge's tests must be (the write serializer and the import), and what a learner may
see of a graded submission (hidden tests)."""

from __future__ import annotations

import re

from django.conf import settings

from learning.filepaths import path_problem


def is_file_name(name) -> bool:
    """The shared path rule (learning/filepaths.py) in its portable form: letters,
    digits, `_.-`, up to four segments deep, never `..`, never a reserved name."""
    return (
        isinstance(name, str)
        and ".." not in name
        and path_problem(name, max_depth=4, max_chars=403, portable=True) is None
    )


def is_text(value: str) -> bool:
    """Text only: no NUL and no other C0 control character but tab, newline, CR."""
    return not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value)


# What an author sets on a challenge besides its lesson and tests (services, import).
CHALLENGE_FIELDS = (
    "title",
    "slug",
    "prompt",
    "language",
    "starter_source",
    "reference_solution",
    "sort_order",
)


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


# The language a file is in when its author did not say: by its extension.
LANGUAGE_EXTENSIONS = {
    "javascript": (".js", ".mjs", ".cjs"),
    "html": (".html", ".htm"),
    "css": (".css",),
}


def file_language(name: str, language: str = "") -> str:
    """`language` if given, else the one its extension names, else ""."""
    if language:
        return language
    lowered = (name or "").lower()
    for candidate, extensions in LANGUAGE_EXTENSIONS.items():
        if lowered.endswith(extensions):
            return candidate
    return ""


# --- a challenge's code as files ------------------------------------------------------

# A web challenge's starter code and reference solution are several files kept in one
# text field: each file after the first starts with a marker line
# `<!-- file: style.css -->`; what comes before the first marker is `index.html`.
# A learner's `source` to a web challenge is read the same way.
WEB_FILE_MARKER = re.compile(r"^[ \t]*<!--[ \t]*file:[ \t]*(?P<name>[^\s>]+)[ \t]*-->[ \t]*\r?\n?", re.M)
WEB_ENTRY = "index.html"


def challenge_code_files(*, language: str, text: str, name: str) -> list[tuple[str, str, str]]:
    """The files (name, content, language) a challenge's code field holds: for a web
    challenge the marked files (above), else one file called `name`."""
    if language != "web":
        return [(name, text or "", language)]
    text = text or ""
    files: list[tuple[str, str, str]] = []
    matches = list(WEB_FILE_MARKER.finditer(text))
    head = text[: matches[0].start()] if matches else text
    if head.strip() or not matches:
        files.append((WEB_ENTRY, head, "html"))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        file_name = match.group("name")
        files.append((file_name, text[match.end() : end], file_language(file_name)))
    return files


# --- one test's outcome -------------------------------------------------------------

PASSED, FAILED = "passed", "failed"
# A test that did not pass ends one of these ways: its assertion or expected output
# did not hold (`failed`), the test threw something else (`error`: the sandbox reports
# that test with status error), or the program itself stopped with a run status
# (protocol STATUSES other than ok: error, timeout, memory_limit, output_limit).
TEST_OUTCOMES = (PASSED, FAILED, "error", "timeout", "memory_limit", "output_limit")


def outcome_of(*, passed: bool, status: str | None) -> str:
    """One word for how a test ended, from the sandbox's verdict (`passed` and the
    status of the program run for that test)."""
    if passed:
        return PASSED
    if not status or status == "ok":
        return FAILED
    return status if status in TEST_OUTCOMES else "error"


def result_outcome(result: dict) -> str:
    """The outcome of a stored result (rows stored before `outcome` existed carry the
    run `status` instead)."""
    outcome = result.get("outcome")
    if outcome in TEST_OUTCOMES:
        return outcome
    return outcome_of(passed=bool(result.get("passed")), status=result.get("status"))


# --- what a learner sees of a submission -------------------------------------------

VISIBLE_RESULT_KEYS = (
    "test_id",
    "hidden",
    "outcome",
    "passed",
    "description",
    "message",
    "stdout",
    "output_truncated",
)


def learner_results(results: list[dict]) -> list[dict]:
    """Hidden tests: only whether they passed (`outcome` passed or failed, one bit).
    Never their description, message, output, timing or how they failed (a failing
    assertion's message quotes the expected value; a test's time or a timeout can
    tell the size of its input)."""
    out = []
    for r in results:
        passed = bool(r.get("passed"))
        if r.get("hidden"):
            out.append(
                {
                    "test_id": r["test_id"],
                    "hidden": True,
                    "outcome": PASSED if passed else FAILED,
                    "passed": passed,
                }
            )
        else:
            visible = {**r, "outcome": result_outcome(r), "passed": passed}
            out.append({k: visible[k] for k in VISIBLE_RESULT_KEYS if k in visible})
    return out


def staff_results(results: list[dict]) -> list[dict]:
    """Every test's result for the course's teachers, with its outcome (rows stored
    before `outcome` existed included)."""
    defaults = {"description": "", "message": "", "stdout": [], "output_truncated": False, "wall_ms": 0.0}
    return [{**defaults, **r, "outcome": result_outcome(r), "passed": bool(r.get("passed"))} for r in results]


def check_results(*, tests: list, run: dict) -> list[dict]:
    """The sandbox's verdicts on an author's code (`run`, a tests result whose tests carry
    their position as `id`: `services.challenge_check`), one per test in the tests'
    order, shaped like a submission's results (`test_id`, `description`, `hidden`,
    `outcome`...). The tests may be unsaved (the editor checks its form's contents):
    `test_id` is then None. A test without a verdict (the job as a whole failed) takes
    the job's status and error."""
    by_position = {str(v.get("id")): v for v in run.get("tests") or () if isinstance(v, dict)}
    whole = run.get("error") or {}
    whole_message = f"{whole.get('name', 'Error')}: {whole.get('message', '')}".strip(": ") if whole else ""
    out = []
    for position, test in enumerate(tests):
        verdict = by_position.get(str(position), {})
        passed = bool(verdict.get("passed"))
        message = verdict.get("message", "")
        if not verdict and not message:
            message = whole_message or f"The run ended with status {run.get('status') or 'error'}."
        out.append(
            {
                "test_id": test.pk,
                "description": test.description,
                "hidden": test.hidden,
                "outcome": outcome_of(
                    passed=passed, status=verdict.get("status") or run.get("status") or "error"
                ),
                "passed": passed,
                "message": message,
                "stdout": verdict.get("stdout") or [],
                "wall_ms": float(verdict.get("wall_ms") or 0.0),
            }
        )
    return out


def check_report(*, tests: list, run: dict) -> dict:
    """One checked piece of code (the reference solution or the starter code): the run's
    status, whether it passed every test, each test's result, the time. The teacher
    check API answers this for the reference solution."""
    results = check_results(tests=tests, run=run)
    return {
        "run_status": run.get("status"),
        "passed": bool(results) and all(r["passed"] for r in results),
        "passed_count": sum(1 for r in results if r["passed"]),
        "results": results,
        "wall_ms": float(run.get("wall_ms") or 0.0),
    }


# What a checked challenge must be before learners get it: the reference solution passes
# every test (else no learner can pass), the starter code fails at least one (else a
# learner passes by submitting it unchanged).
SOLUTION_FAILS, STARTER_PASSES = "solution_fails", "starter_passes"


def check_problems(*, solution: dict, starter: dict) -> list[tuple[str, str]]:
    """What is wrong with a challenge, from the reports of its reference solution and its
    starter code (check_report), as (code, message) pairs; empty when it is ready."""
    problems = []
    total = len(solution["results"])
    if not solution["passed"]:
        failing = total - solution["passed_count"]
        problems.append(
            (
                SOLUTION_FAILS,
                f"The reference solution fails {failing} of {total} tests: no learner could pass "
                "this challenge. Fix the solution or the failing tests.",
            )
        )
    if starter["passed"]:
        problems.append(
            (
                STARTER_PASSES,
                f"The starter code already passes all {total} tests: a learner could submit it "
                "unchanged. Make the starter incomplete or add a test it fails.",
            )
        )
    return problems


def learner_wall_ms(*, wall_ms: float, results: list[dict]) -> float:
    """The time a learner is shown: the visible tests' own times only. A submission
    without hidden tests shows its whole time (also for rows stored before per-test
    times were kept); one with hidden tests shows the sum of its visible tests."""
    if not any(r.get("hidden") for r in results):
        return float(wall_ms)
    return round(sum(float(r.get("wall_ms") or 0.0) for r in results if not r.get("hidden")), 3)
