"""An author's check of a challenge: the reference solution must pass every test and the
starter code fail at least one; the last check of a saved challenge is kept."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from ..rules import (
    check_problems,
    check_report,
)
from .runs import ENTRY_FILE, code_files, code_run_tests


def challenge_tests_for_check(challenge) -> list:
    """The tests a check runs, in order: the challenge's (saved ones, or the ones the
    editor's form holds in memory for an unsaved check)."""
    return list(challenge.tests.all())


def _check_job(tests: list) -> list[dict]:
    # by position, not pk: the editor checks tests that are not saved yet
    return [{**test.as_job(), "id": position} for position, test in enumerate(tests)]


def challenge_check(*, user, challenge, tests: list | None = None) -> dict:
    """Run the tests against the reference solution (authors: are my tests right?).
    Returns the report (rules.check_report): what the teacher check API answers. The
    author's run slots and crash backoff apply, as for every run. A check of the saved
    challenge (`tests` None) is recorded on it for the dashboard
    (`challenge_check_record`); a check of unsaved form contents (the editor's Check
    with `tests`) is not, since what was checked is not what is stored. A run the
    sandbox refused (busy, down) raises and records nothing."""
    saved = tests is None
    tests = challenge_tests_for_check(challenge) if saved else tests
    files = code_files(language=challenge.language, text=challenge.reference_solution, name="solution.js")
    run = code_run_tests(user=user, language=challenge.language, files=files, tests=_check_job(tests))
    report = check_report(tests=tests, run=run)
    if saved and challenge.pk:
        challenge_check_record(
            challenge=challenge,
            passed=report["passed"],
            message=check_failure_message(results=report["results"], run=run),
        )
    return report


def challenge_check_starter(*, user, challenge, tests: list | None = None) -> dict:
    """Run the tests against the starter code, as a learner would submit it unchanged
    (`main.js`, what a learner's `source` is called; a blank starter runs as an empty
    file). Returns the report (rules.check_report)."""
    tests = challenge_tests_for_check(challenge) if tests is None else tests
    files = code_files(language=challenge.language, text=challenge.starter_source or "", name=ENTRY_FILE)
    run = code_run_tests(user=user, language=challenge.language, files=files, tests=_check_job(tests))
    return check_report(tests=tests, run=run)


@dataclass(frozen=True)
class ChallengeCheck:
    """Both halves of an author's check and its verdict (`problems` empty: ready)."""

    solution: dict
    starter: dict
    problems: tuple[tuple[str, str], ...]

    @property
    def ready(self) -> bool:
        return not self.problems


def challenge_check_both(*, user, challenge, tests: list | None = None) -> ChallengeCheck:
    """The editor's Check: the reference solution must pass every test and the starter
    code fail at least one (rules.check_problems). `challenge` may be unsaved, with
    `tests` the form's test cases; nothing is written. Raises the sandbox's admission
    errors (SandboxBusyError...) like every run."""
    tests = challenge_tests_for_check(challenge) if tests is None else tests
    solution = challenge_check(user=user, challenge=challenge, tests=tests)
    starter = challenge_check_starter(user=user, challenge=challenge, tests=tests)
    return ChallengeCheck(
        solution=solution,
        starter=starter,
        problems=tuple(check_problems(solution=solution, starter=starter)),
    )


CHECK_MESSAGE_MAX = 500  # Challenge.last_check_message


def check_failure_message(*, results: list[dict], run: dict) -> str:
    """One line for the dashboard: the first failing test and its message ("" when all
    pass)."""
    for number, result in enumerate(results, start=1):
        if not result["passed"]:
            detail = result.get("message") or result.get("outcome") or "failed"
            return f"Test {number} ({result['description']}): {detail}"[:CHECK_MESSAGE_MAX]
    if not results:
        return f"No test ran (run status {run.get('status')})."[:CHECK_MESSAGE_MAX]
    return ""


def challenge_check_record(*, challenge, passed: bool, message: str = "") -> None:
    """Keep the outcome of the latest check of `challenge`'s reference solution. A
    queryset update: `updated_at` is left alone, so a later edit makes the check stale."""
    from ..models import Challenge

    now = timezone.now()
    fields = {"last_check_passed": passed, "last_checked_at": now, "last_check_message": message}
    Challenge.objects.filter(pk=challenge.pk).update(**fields)
    for name, value in fields.items():
        setattr(challenge, name, value)
