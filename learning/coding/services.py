"""State changes and side effects of the coding app (running code, drafts, challenges).

Running code is a use case like any other: admission (per-user and global slots),
the sandbox, then a `code_run` event — with the outcome and sizes, never the code.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from learning.events import CodeRun, ContentChange, ContentPublished, bus

from .concurrency import Busy, CrashLimited, crash_gate, crash_record, run_slot
from .rules import (
    CHALLENGE_FIELDS,
    check_problems,
    check_report,
    file_language,
    is_file_name,
    is_text,
    outcome_of,
)
from .sandbox import protocol
from .sandbox.backends import PoolBusy, SandboxUnavailable, get_backend, job_limits, job_timeout_s

RUNNABLE_EXTENSIONS = {"javascript": (".js", ".mjs", ".cjs")}


class SandboxBusyError(Exception):
    """No run slot or worker within the bounded wait: the API answers 429."""


class SandboxDownError(Exception):
    """The sandbox cannot run anything right now: the API answers 503."""


class SandboxCrashLimitError(Exception):
    """The account's runs killed too many sandbox workers lately: the API answers 429
    (code `sandbox_crash_limit`) with Retry-After."""

    def __init__(self, retry_after: float):
        super().__init__(f"retry after {retry_after:.1f} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class SourceFile:
    name: str
    content: str
    language: str = ""


def runnable_files(*, language: str, files: list[SourceFile]) -> list[dict]:
    """The files the runner executes, in order: those of the run's language (by their
    `language` or their extension). HTML/CSS files of a lesson are not programs."""
    extensions = RUNNABLE_EXTENSIONS.get(language, ())
    return [
        {"name": f.name, "content": f.content}
        for f in files
        if (f.language or "").lower() == language or (not f.language and f.name.lower().endswith(extensions))
    ]


ENTRY_FILE = "main.js"


def entry_file(runnable: list[dict]) -> str | None:
    """The learner's entry file among the runnable files: `main.js` (what a `source`
    submission is called) when there is one, else the first file that runs. Its text is
    what a challenge test sees as `code` (docs/challenges.md)."""
    names = [f["name"] for f in runnable]
    if ENTRY_FILE in names:
        return ENTRY_FILE
    return names[0] if names else None


def _submit(*, user, job: dict) -> dict:
    """Admission (crash backoff, then a fair slot), the run, and the crash count: a run
    that cost the pool its worker counts against its account."""
    timeout_s = job_timeout_s(job)
    user_key = str(user.pk)
    try:
        crash_gate(user_key=user_key)
        with run_slot(user_key=user_key, ttl_ms=int((timeout_s + 5) * 1000)) as wait_left:
            result = get_backend().run(job, wait_s=max(wait_left, 1.0))
    except CrashLimited as exc:
        raise SandboxCrashLimitError(exc.retry_after) from exc
    except (Busy, PoolBusy) as exc:
        raise SandboxBusyError from exc
    except SandboxUnavailable as exc:
        raise SandboxDownError(str(exc)) from exc
    if (result.get("worker") or {}).get("lost_worker"):
        crash_record(user_key=user_key)
    return result


def code_run(
    *,
    user,
    language: str,
    files: list[SourceFile],
    stdin: str = "",
    lesson_id: int | None = None,
    challenge_id: int | None = None,
) -> dict:
    """Run a program in the sandbox and publish `code_run`. Returns the protocol's run
    result (status, stdout, error, wall_ms)."""
    job = {
        "kind": "run",
        "language": language,
        "files": runnable_files(language=language, files=files),
        "stdin": stdin or "",
        "limits": job_limits(),
    }
    result = _submit(user=user, job=job)
    result.pop("worker", None)
    bus.publish(
        CodeRun(
            user_id=user.pk,
            language=language,
            status=result.get("status", protocol.ERROR),
            wall_ms=float(result.get("wall_ms") or 0.0),
            source_bytes=sum(len(f.content.encode()) for f in files),
            lesson_id=lesson_id,
            challenge_id=challenge_id,
        )
    )
    return result


def code_run_tests(*, user, language: str, files: list[SourceFile], tests: list[dict]) -> dict:
    """Run the learner's files against test cases (one clean realm per test); an
    assertion test sees the entry file's text as `code`."""
    runnable = runnable_files(language=language, files=files)
    job = {
        "kind": "tests",
        "language": language,
        "files": runnable,
        "entry": entry_file(runnable),
        "tests": tests,
        "limits": job_limits(),
    }
    result = _submit(user=user, job=job)
    result.pop("worker", None)
    return result


def sandbox_limits() -> dict:
    return {
        **job_limits(),
        "max_source_bytes": settings.SANDBOX_MAX_SOURCE_BYTES,
        "max_stdin_bytes": settings.SANDBOX_MAX_STDIN_BYTES,
    }


# --- drafts ------------------------------------------------------------------------


class DraftConflict(Exception):
    """The save was based on an older version: the client must merge or reload."""

    def __init__(self, current_version: int):
        super().__init__(f"stale version; current is {current_version}")
        self.current_version = current_version


def draft_files_clean(files) -> list[dict]:
    """Text files within DRAFT_MAX_FILE_BYTES each, DRAFT_MAX_FILES and DRAFT_MAX_BYTES
    in all, unique names. Raises a DRF ValidationError naming the file."""
    from rest_framework.exceptions import ValidationError

    if not isinstance(files, list):
        raise ValidationError({"files": ["Expected a list of files."]}, code="invalid")
    if len(files) > settings.DRAFT_MAX_FILES:
        raise ValidationError(
            {"files": [serializers_error(f"At most {settings.DRAFT_MAX_FILES} files.", "too_many")]}
        )
    clean, names, total = [], set(), 0
    for i, item in enumerate(files):
        name, content = item.get("name"), item.get("content")
        language = file_language(name, item.get("language") or "") if isinstance(name, str) else ""
        if not is_file_name(name):
            raise ValidationError(
                {f"files.{i}.name": [serializers_error("Not a valid file name.", "invalid_name")]}
            )
        if name in names:
            raise ValidationError(
                {f"files.{i}.name": [serializers_error("File names must be unique.", "duplicate")]}
            )
        if not isinstance(content, str) or not is_text(content):
            raise ValidationError(
                {
                    f"files.{i}.content": [
                        serializers_error("Files must be text (no binary content).", "binary")
                    ]
                }
            )
        size = len(content.encode())
        if size > settings.DRAFT_MAX_FILE_BYTES:
            raise ValidationError(
                {
                    f"files.{i}.content": [
                        serializers_error(
                            f"{name} is {size} bytes; the limit per file is {settings.DRAFT_MAX_FILE_BYTES}.",
                            "file_too_large",
                        )
                    ]
                }
            )
        total += size
        names.add(name)
        clean.append({"name": name, "language": str(language)[:30], "content": content})
    if total > settings.DRAFT_MAX_BYTES:
        raise ValidationError(
            {
                "files": [
                    serializers_error(
                        f"The draft is {total} bytes; the limit is {settings.DRAFT_MAX_BYTES}.", "too_large"
                    )
                ]
            }
        )
    return clean


def serializers_error(message: str, code: str):
    from rest_framework.exceptions import ErrorDetail

    return ErrorDetail(message, code=code)


def _draft_record(*, draft, files: list[dict], origin: str) -> None:
    from .models import DraftVersion

    DraftVersion.objects.create(draft=draft, version=draft.version, files=files, origin=origin)
    keep = max(1, settings.DRAFT_HISTORY)
    stale = list(
        DraftVersion.objects.filter(draft=draft).order_by("-version").values_list("pk", flat=True)[keep:]
    )
    if stale:
        DraftVersion.objects.filter(pk__in=stale).delete()


def _draft_write(*, user, lesson, base_version: int, files: list[dict], origin: str):
    from django.db import transaction

    from .models import Draft

    with transaction.atomic():
        draft, _ = Draft.objects.get_or_create(user=user, lesson=lesson, defaults={"files": [], "version": 0})
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        if draft.version != base_version:
            raise DraftConflict(draft.version)
        draft.files = files
        draft.version += 1
        draft.save(update_fields=["files", "version", "updated_at"])
        _draft_record(draft=draft, files=files, origin=origin)
    return draft


def draft_save(*, user, lesson, files, base_version: int):
    """Save the learner's files if `base_version` is the current version (0 before the
    first save); otherwise DraftConflict with the current version. Keeps history."""
    return _draft_write(
        user=user, lesson=lesson, base_version=base_version, files=draft_files_clean(files), origin="save"
    )


def draft_reset(*, user, lesson, base_version: int):
    """Back to the lesson's starter code, as a new version (the old one stays restorable)."""
    return _draft_write(
        user=user, lesson=lesson, base_version=base_version, files=lesson.starter_files(), origin="reset"
    )


def draft_restore(*, user, lesson, version, base_version: int):
    """An earlier saved state, as a new version."""
    return _draft_write(
        user=user, lesson=lesson, base_version=base_version, files=version.files, origin="restore"
    )


# --- challenges --------------------------------------------------------------------


def _challenge_apply(*, challenge, data: dict) -> None:
    from .models import ChallengeHint, ChallengeTest

    for field in CHALLENGE_FIELDS:
        if field in data:
            setattr(challenge, field, data[field])
    if "lesson" in data:
        challenge.lesson = data["lesson"]
    challenge.save()
    if "tests" in data:
        challenge.tests.all().delete()
        ChallengeTest.objects.bulk_create(
            [
                ChallengeTest(
                    challenge=challenge,
                    sort_order=i,
                    description=t["description"],
                    kind=t.get("kind") or "assert",
                    code=t.get("code") or "",
                    input=t.get("input") or "",
                    expected_output=t.get("expected_output") or "",
                    hidden=bool(t.get("hidden")),
                )
                for i, t in enumerate(data["tests"])
            ]
        )
    if "hints" in data:
        challenge.hints.all().delete()
        ChallengeHint.objects.bulk_create(
            [
                ChallengeHint(challenge=challenge, sort_order=i, text=text)
                for i, text in enumerate(data["hints"])
            ]
        )


def challenge_placements(challenges) -> set[tuple[int, int]]:
    """`(lesson id, course id)` of each challenge, taken before a change that may move
    or delete it (for `challenges_changed_announce`)."""
    return {(c.lesson_id, c.course_id) for c in challenges if c.lesson_id and c.course_id}


def challenges_changed_announce(*, placements: set[tuple[int, int]]) -> None:
    """A challenge is part of what its lesson shows learners: publish ContentPublished
    (change "challenge") for each course, naming its live lessons among `placements`.
    A challenge of a lesson that is not live changes nothing a learner sees, so it
    announces nothing (publishing the lesson later announces the lesson). Delivered
    after commit. Called by the challenge services and by the snippet editor's hooks
    (wagtail_hooks.py), so every path announces exactly once."""
    from cms.models import LessonPage

    lesson_ids = {lesson_id for lesson_id, _ in placements}
    live = set(LessonPage.objects.filter(pk__in=lesson_ids, live=True).values_list("pk", flat=True))
    by_course: dict[int, set[int]] = {}
    for lesson_id, course_id in placements:
        if lesson_id in live:
            by_course.setdefault(course_id, set()).add(lesson_id)
    now = timezone.now()
    for course_id, ids in by_course.items():
        bus.publish(
            ContentPublished(
                course_id=course_id,
                page_ids=sorted(ids),
                change=ContentChange.CHALLENGE.value,
                occurred_at=now,
            )
        )


def challenge_create(*, user, data: dict, announce: bool = True):
    """`data` is validated by ChallengeWriteSerializer; `data["lesson"]` is a lesson of
    a course the user may edit (checked by the serializer through the selector)."""
    from django.db import transaction

    from .models import Challenge

    with transaction.atomic():
        challenge = Challenge(created_by=user)
        _challenge_apply(challenge=challenge, data=data)
        if announce:
            challenges_changed_announce(placements=challenge_placements([challenge]))
    return challenge


def challenge_update(*, user, challenge, data: dict, announce: bool = True):
    from django.db import transaction

    with transaction.atomic():
        before = challenge_placements([challenge])
        _challenge_apply(challenge=challenge, data=data)
        if announce:
            challenges_changed_announce(placements=before | challenge_placements([challenge]))
    return challenge


def challenge_delete(*, user, challenge) -> None:
    from django.db import transaction

    with transaction.atomic():
        before = challenge_placements([challenge])
        challenge.delete()
        challenges_changed_announce(placements=before)


def challenge_import(*, user, items, lesson=None, prefix: str = "challenges") -> list:
    """Import a document of challenges (importing.py): each reference solution must pass
    all its tests in the sandbox; then created or updated by (lesson, slug), all or
    nothing. Returns ImportedChallenge rows (challenge, created, warnings)."""
    from . import importing

    return importing.challenge_import(user=user, items=items, lesson=lesson, prefix=prefix)


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
    files = [SourceFile("solution.js", challenge.reference_solution, challenge.language)]
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
    files = [SourceFile(ENTRY_FILE, challenge.starter_source or "", challenge.language)]
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
    from .models import Challenge

    now = timezone.now()
    fields = {"last_check_passed": passed, "last_checked_at": now, "last_check_message": message}
    Challenge.objects.filter(pk=challenge.pk).update(**fields)
    for name, value in fields.items():
        setattr(challenge, name, value)


# What a stored console line costs beyond its text: its JSON wrapping,
# `{"level":"log","text":""},` (so a program printing empty lines fills the budget too).
STORED_LINE_BYTES = 26


def stored_output_bytes(entries: list[dict]) -> int:
    return sum(len(e["text"].encode()) + STORED_LINE_BYTES for e in entries)


def stored_output(entries: list, *, budget: int) -> tuple[list[dict], bool]:
    """The console entries that fit in `budget` bytes (UTF-8 text + STORED_LINE_BYTES
    per line), the last one cut at a character boundary; and whether anything was cut."""
    kept, used = [], 0
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        level, text = entry.get("level") or "log", str(entry.get("text") or "")
        encoded = text.encode()
        room = budget - used - STORED_LINE_BYTES
        if len(encoded) <= room:
            kept.append({"level": level, "text": text})
            used += len(encoded) + STORED_LINE_BYTES
            continue
        if room > 0:
            kept.append({"level": level, "text": encoded[:room].decode(errors="ignore")})
        return kept, True
    return kept, False


def _submission_results(*, tests: list, outcome: dict) -> list[dict]:
    """One stored verdict per test. Output is kept once, in the test's `stdout`, within
    SUBMISSION_OUTPUT_BYTES_PER_TEST per test and SUBMISSION_OUTPUT_BYTES for the whole
    submission (`stored_output`); `output_truncated` marks a cut
    (or a program stopped at the run's own output limit). The visible tests take from
    the submission's budget first, in order, then the hidden ones: what a learner sees
    cut never depends on a hidden test's output. `wall_ms` is the test's own time:
    teachers see it, learners only for visible tests (rules.py)."""
    verdicts = {str(v.get("id")): v for v in outcome.get("tests", []) if isinstance(v, dict)}
    left = max(0, settings.SUBMISSION_OUTPUT_BYTES)
    per_test = max(0, settings.SUBMISSION_OUTPUT_BYTES_PER_TEST)
    outputs = {}
    for test in sorted(tests, key=lambda t: t.hidden):  # stable: visible in order, then hidden
        verdict = verdicts.get(str(test.pk), {})
        outputs[test.pk] = stored_output(verdict.get("stdout") or [], budget=min(left, per_test))
        left -= stored_output_bytes(outputs[test.pk][0])
    results = []
    for test in tests:
        verdict = verdicts.get(str(test.pk), {})
        status = verdict.get("status", outcome.get("status", protocol.ERROR))
        passed = bool(verdict.get("passed"))
        stdout, cut = outputs[test.pk]
        results.append(
            {
                "test_id": test.pk,
                "description": test.description,
                "hidden": test.hidden,
                "outcome": outcome_of(passed=passed, status=status),
                "passed": passed,
                "message": verdict.get("message", ""),
                "stdout": stdout,
                "output_truncated": cut or status == protocol.OUTPUT_LIMIT,
                "wall_ms": float(verdict.get("wall_ms") or 0.0),
            }
        )
    return results


def submissions_trim(*, user, challenge) -> int:
    """Keep the learner's SUBMISSION_KEEP newest submissions to this challenge plus
    their best one (passed first, then the most tests passed; the earliest on ties,
    so the first full pass stays); delete the rest. Returns how many went."""
    from .models import Submission

    mine = Submission.objects.filter(user=user, challenge=challenge)
    best = mine.order_by("-passed", "-passed_count", "created_at", "pk").values_list("pk", flat=True).first()
    keep = max(1, settings.SUBMISSION_KEEP)
    stale = [
        pk for pk in mine.order_by("-created_at", "-pk").values_list("pk", flat=True)[keep:] if pk != best
    ]
    if not stale:
        return 0
    Submission.objects.filter(pk__in=stale).delete()
    return len(stale)


def submissions_trim_all() -> int:
    """The retention for every learner and challenge with more than SUBMISSION_KEEP
    submissions (rows stored before it existed, or after SUBMISSION_KEEP was lowered),
    one pair per transaction. Returns how many submissions went."""
    from django.db import transaction
    from django.db.models import Count

    from .models import Submission

    keep = max(1, settings.SUBMISSION_KEEP)
    pairs = (
        Submission.objects.values("user_id", "challenge_id")
        .annotate(n=Count("id"))
        .filter(n__gt=keep)
        .values_list("user_id", "challenge_id")
    )
    removed = 0
    for user_id, challenge_id in pairs.iterator():
        with transaction.atomic():
            removed += submissions_trim(user=user_id, challenge=challenge_id)
    return removed


def challenge_submit(*, user, challenge, files: list[SourceFile]):
    """Grade the learner's files against every test, store the submission (bounded
    output, then the retention: `submissions_trim`, in the same transaction), publish
    `code_run` (always) and `challenge_passed` (on the first full pass only)."""
    from django.db import transaction

    from learning.events import ChallengePassed

    from .models import Submission

    tests = list(challenge.tests.all())
    outcome = code_run_tests(
        user=user, language=challenge.language, files=files, tests=[t.as_job() for t in tests]
    )
    results = _submission_results(tests=tests, outcome=outcome)
    passed_count = sum(1 for r in results if r["passed"])
    passed = bool(results) and passed_count == len(results)
    with transaction.atomic():
        first_pass = (
            passed and not Submission.objects.filter(user=user, challenge=challenge, passed=True).exists()
        )
        submission = Submission.objects.create(
            user=user,
            challenge=challenge,
            files=[{"name": f.name, "language": f.language, "content": f.content} for f in files],
            status=outcome.get("status", protocol.ERROR),
            passed=passed,
            passed_count=passed_count,
            total_count=len(results),
            results=results,
            wall_ms=float(outcome.get("wall_ms") or 0),
        )
        submissions_trim(user=user, challenge=challenge)
        bus.publish(
            CodeRun(
                user_id=user.pk,
                language=challenge.language,
                status=submission.status,
                wall_ms=submission.wall_ms,
                source_bytes=sum(len(f.content.encode()) for f in files),
                lesson_id=challenge.lesson_id,
                challenge_id=challenge.pk,
            )
        )
        if first_pass:
            bus.publish(
                ChallengePassed(
                    user_id=user.pk,
                    challenge_id=challenge.pk,
                    submission_id=submission.pk,
                    lesson_id=challenge.lesson_id,
                )
            )
    return submission
