"""Importing challenges from a document (docs/challenges.md): `manage.py
import_challenges`, POST /api/v1/teacher/challenges/import/ and the `challenges` key of
a lesson in a course import (docs/course-import.md) all come through `challenge_import`.

An import cannot plant a broken challenge. In order:
1. Clean every item with the same rules the write endpoint applies (rules.py) plus the
   import key, without touching the database but to find the lessons.
2. Run each challenge's reference solution against all its tests in the sandbox (the
   pool, its limits and the author's run slots, one challenge at a time). One failing
   test rejects the whole document, naming the challenge, the test and its message.
   Then run the starter code: one that already passes every test is reported (a
   warning), not rejected.
3. Write everything in one transaction: a challenge whose lesson already holds its
   `slug` is updated (title, prompt, code, tests), the others are created.

The key is (lesson, slug), never an id in the document: the lesson must be in a course
the importer may edit, so an import can only ever update challenges of such a course. A
`slug` defaults to the title's (`slugify`); give one explicitly to keep the key when
the title changes. Nothing is written when anything fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from .models import Challenge, ChallengeTest
from .rules import CHALLENGE_FIELDS, TEST_KINDS, challenge_test_problem, challenge_tests_problem, is_text
from .sandbox.protocol import SUPPORTED_LANGUAGES

FIELDS = ("lesson", *CHALLENGE_FIELDS)
ITEM_KEYS = {"lesson_id", *CHALLENGE_FIELDS, "tests", "hints"}
TEST_KEYS = {"description", "kind", "code", "input", "expected_output", "hidden"}
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")


@dataclass(frozen=True)
class ImportedChallenge:
    challenge: Challenge
    created: bool
    warnings: tuple[str, ...]


def _error(attr: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({attr: [ValidationError(message, code=code)]})


def _text(
    data: dict, key: str, at: str, *, required=False, default="", max_length=None, max_bytes=None
) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise _error(f"{at}.{key}", "This field is required.", "required")
        return default
    if not isinstance(value, str):
        raise _error(f"{at}.{key}", "Expected a string.")
    if required and not value.strip():
        raise _error(f"{at}.{key}", "This field may not be blank.", "blank")
    if not is_text(value):
        raise _error(f"{at}.{key}", "Must be text (it contains control characters).", "binary")
    if max_length is not None and len(value) > max_length:
        raise _error(f"{at}.{key}", f"At most {max_length} characters.", "max_length")
    if max_bytes is not None and len(value.encode()) > max_bytes:
        raise _error(f"{at}.{key}", f"At most {max_bytes} bytes.", "too_large")
    return value


def _unknown(data: dict, allowed: set[str], at: str) -> None:
    for key in sorted(set(data) - allowed, key=str):
        if key == "id":
            raise _error(
                f"{at}.id",
                "An id is not an import key: give the challenge a `slug` (unique within its lesson).",
                "unknown_field",
            )
        raise _error(f"{at}.{key}", "Unknown field.", "unknown_field")


def _tests_clean(value, at: str) -> list[dict]:
    if not isinstance(value, list):
        raise _error(at, "Expected a list of tests.")
    problem = challenge_tests_problem(value)
    if problem:
        raise _error(at, *problem)
    tests = []
    for i, test in enumerate(value):
        where = f"{at}.{i}"
        if not isinstance(test, dict):
            raise _error(where, "Expected an object.")
        _unknown(test, TEST_KEYS, where)
        kind = test.get("kind") or "assert"
        if kind not in TEST_KINDS:
            raise _error(f"{where}.kind", f"One of: {', '.join(TEST_KINDS)}.", "invalid_choice")
        clean = {
            "description": _text(test, "description", where, required=True, max_length=300),
            "kind": kind,
            "code": _text(test, "code", where, max_bytes=settings.SANDBOX_MAX_SOURCE_BYTES),
            "input": _text(test, "input", where, max_bytes=settings.SANDBOX_MAX_STDIN_BYTES),
            "expected_output": _text(test, "expected_output", where),
            "hidden": test.get("hidden", False),
        }
        if not isinstance(clean["hidden"], bool):
            raise _error(f"{where}.hidden", "Expected true or false.")
        problem = challenge_test_problem(kind=kind, code=clean["code"])
        if problem:
            raise _error(f"{where}.code", *problem)
        tests.append(clean)
    return tests


def _hints_clean(value, at: str) -> list[str] | None:
    """The hint ladder: a list of texts, from a nudge to a near-solution (None: not
    given, a re-import keeps the ladder authored in the editor)."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise _error(at, "Expected a list of hints (texts, from a nudge to a near-solution).")
    if len(value) > settings.CHALLENGE_MAX_HINTS:
        raise _error(at, f"At most {settings.CHALLENGE_MAX_HINTS} hints.", "too_many")
    return [
        _text(
            {"text": hint}, "text", f"{at}.{i}", required=True, max_length=settings.CHALLENGE_HINT_MAX_CHARS
        )
        for i, hint in enumerate(value)
    ]


def challenge_items_clean(*, user, items, lesson=None, prefix: str = "challenges") -> list[dict]:
    """The document's challenges, checked: each on a lesson of a course `user` may edit
    (`lesson_id`; or all on `lesson` when given, as in a course import), at most
    CHALLENGE_IMPORT_MAX of them, and no two with the same slug on one lesson. Raises
    ValidationError keyed by where the problem is (`challenges.2.tests.0.code`)."""
    from .selectors import lesson_get_for_author

    if not isinstance(items, list):
        raise _error(prefix, "Expected a list of challenges.")
    if not items:
        raise _error(prefix, "Give at least one challenge.", "empty")
    if len(items) > settings.CHALLENGE_IMPORT_MAX:
        raise _error(prefix, f"At most {settings.CHALLENGE_IMPORT_MAX} challenges per import.", "too_many")
    clean, keys = [], set()
    for i, item in enumerate(items):
        at = f"{prefix}.{i}"
        if not isinstance(item, dict):
            raise _error(at, "Expected an object.")
        _unknown(item, ITEM_KEYS - ({"lesson_id"} if lesson is not None else set()), at)
        target = lesson
        if target is None:
            lesson_id = item.get("lesson_id")
            if isinstance(lesson_id, int) and not isinstance(lesson_id, bool) and 0 < lesson_id < 2**63:
                target = lesson_get_for_author(user=user, lesson_id=lesson_id)
            if target is None:
                raise _error(f"{at}.lesson_id", "No such lesson in a course you may edit.", "does_not_exist")
        title = _text(item, "title", at, required=True, max_length=200)
        language = item.get("language") or "javascript"
        if language not in SUPPORTED_LANGUAGES:
            raise _error(
                f"{at}.language", f"Supported: {', '.join(SUPPORTED_LANGUAGES)}.", "unsupported_language"
            )
        slug = item.get("slug")
        if slug is None:
            slug = slugify(title)[:100]
            if not slug:
                raise _error(f"{at}.slug", "The title makes no slug: give one.", "required")
        elif not isinstance(slug, str) or not SLUG.match(slug):
            raise _error(f"{at}.slug", "Letters, digits, `-` and `_`, at most 100.", "invalid")
        if (target.pk, slug) in keys:
            raise _error(
                f"{at}.slug",
                f"Two challenges of this document have the slug {slug!r} on one lesson.",
                "duplicate",
            )
        keys.add((target.pk, slug))
        sort_order = item.get("sort_order", 0)
        if not isinstance(sort_order, int) or isinstance(sort_order, bool) or not 0 <= sort_order < 2**31:
            raise _error(f"{at}.sort_order", "Expected a whole number, 0 or more.")
        clean.append(
            {
                "at": at,
                "lesson": target,
                "slug": slug,
                "title": title,
                "prompt": _text(item, "prompt", at, required=True),
                "language": language,
                "starter_source": _text(
                    item, "starter_source", at, max_bytes=settings.SANDBOX_MAX_SOURCE_BYTES
                ),
                "reference_solution": _text(
                    item, "reference_solution", at, required=True, max_bytes=settings.SANDBOX_MAX_SOURCE_BYTES
                ),
                "sort_order": sort_order,
                "tests": _tests_clean(item.get("tests"), f"{at}.tests"),
                "hints": _hints_clean(item.get("hints"), f"{at}.hints"),
            }
        )
    return clean


def _jobs(tests: list[dict]) -> list[dict]:
    return [
        {
            **ChallengeTest(
                kind=t["kind"], code=t["code"], input=t["input"], expected_output=t["expected_output"]
            ).as_job(),
            "id": i,
        }
        for i, t in enumerate(tests)
    ]


def _verdicts(*, user, item: dict, file_name: str, source: str) -> list[dict]:
    """One verdict per test (in order) of `source` run against the item's tests."""
    from .services import code_files, code_run_tests

    result = code_run_tests(
        user=user,
        language=item["language"],
        files=code_files(language=item["language"], text=source, name=file_name),
        tests=_jobs(item["tests"]),
    )
    by_id = {v.get("id"): v for v in result.get("tests") or () if isinstance(v, dict)}
    whole = result.get("error") or {}
    fallback = {
        "passed": False,
        "message": f"{whole.get('name', 'Error')}: {whole.get('message', '')}".strip(": ")
        or f"The run ended with status {result.get('status')}.",
    }
    return [by_id.get(i, fallback) for i in range(len(item["tests"]))]


def challenge_items_verify(*, user, items: list[dict]) -> list[tuple[str, ...]]:
    """Run every challenge's reference solution against all its tests; the first test
    that fails raises ValidationError (at `<challenge>.reference_solution`, code
    `reference_fails`) naming the challenge, the test and its message. Returns each
    challenge's warnings: a starter code that already passes every test."""
    warnings = []
    for item in items:
        for i, verdict in enumerate(
            _verdicts(user=user, item=item, file_name="solution.js", source=item["reference_solution"])
        ):
            if not verdict.get("passed"):
                test = item["tests"][i]
                raise _error(
                    f"{item['at']}.reference_solution",
                    f"Challenge {item['title']!r}: the reference solution fails test {i + 1} "
                    f"({test['description']!r}): {verdict.get('message') or 'failed'}",
                    "reference_fails",
                )
        notes = []
        if item["starter_source"].strip():
            seed = _verdicts(user=user, item=item, file_name="main.js", source=item["starter_source"])
            if all(v.get("passed") for v in seed):
                notes.append(
                    f"Challenge {item['title']!r}: the starter code already passes every test "
                    "(a learner could submit it unchanged)."
                )
        warnings.append(tuple(notes))
    return warnings


def _write(
    *, user, items: list[dict], warnings: list[tuple[str, ...]], prefix: str
) -> list[ImportedChallenge]:
    """All or nothing: update the challenge of the same lesson and slug, or create one."""
    from .services import (
        challenge_check_record,
        challenge_create,
        challenge_placements,
        challenge_update,
        challenges_changed_announce,
    )

    imported = []
    placements: set[tuple[int, int]] = set()
    try:
        with transaction.atomic():
            for item, notes in zip(items, warnings, strict=True):
                data = {key: item[key] for key in FIELDS} | {"tests": item["tests"]}
                if item.get("hints") is not None:
                    data["hints"] = item["hints"]
                existing = (
                    Challenge.objects.select_for_update()
                    .filter(lesson=item["lesson"], slug=item["slug"])
                    .first()
                )
                if existing is None:
                    challenge = challenge_create(user=user, data=data, announce=False)
                else:
                    placements |= challenge_placements([existing])
                    challenge = challenge_update(user=user, challenge=existing, data=data, announce=False)
                placements |= challenge_placements([challenge])
                # challenge_items_verify ran this reference solution against these tests
                # and every one passed (any failure stops the import before writing).
                challenge_check_record(challenge=challenge, passed=True)
                imported.append(
                    ImportedChallenge(challenge=challenge, created=existing is None, warnings=notes)
                )
            challenges_changed_announce(placements=placements)  # one event per course
    except IntegrityError as exc:  # another import created the same slug meanwhile
        raise _error(
            prefix, "Another import changed these challenges meanwhile; import again.", "conflict"
        ) from exc
    return imported


def challenge_import(*, user, items, lesson=None, prefix: str = "challenges") -> list[ImportedChallenge]:
    """Clean, verify in the sandbox (before any transaction opens), then write all or
    nothing (`_write`)."""
    clean = challenge_items_clean(user=user, items=items, lesson=lesson, prefix=prefix)
    warnings = challenge_items_verify(user=user, items=clean)
    return _write(user=user, items=clean, warnings=warnings, prefix=prefix)


# --- the `challenges` key of a lesson in a course import ----------------------------


@dataclass(frozen=True)
class CheckedChallenges:
    """A lesson's challenges, cleaned and verified before the course import's
    transaction; the lesson they go on does not exist yet."""

    items: list[dict]
    warnings: list[tuple[str, ...]]


_LESSON_TO_COME = SimpleNamespace(pk=None)


def lesson_challenges_check(*, user, value) -> CheckedChallenges:
    """cms LESSON_IMPORT_CHECKS: clean and run every reference solution (and starter
    code) in the sandbox, outside the course import's transaction."""
    from .services import SandboxBusyError, SandboxCrashLimitError, SandboxDownError

    clean = challenge_items_clean(user=user, items=value, lesson=_LESSON_TO_COME, prefix="challenges")
    try:
        warnings = challenge_items_verify(user=user, items=clean)
    except (SandboxBusyError, SandboxCrashLimitError, SandboxDownError) as exc:
        raise _error(
            "challenges",
            "The code sandbox could not check these challenges right now; import again later.",
            "sandbox_unavailable",
        ) from exc
    return CheckedChallenges(items=clean, warnings=warnings)


def lesson_challenges_import(*, user, lesson, value) -> list[str]:
    """cms LESSON_IMPORT_EXTENSIONS: write the checked challenges on the lesson just
    created, inside the course import's transaction (its failure undoes the whole
    course). Returns the warnings."""
    if not isinstance(value, CheckedChallenges):  # called without the check phase
        value = lesson_challenges_check(user=user, value=value)
    items = [{**item, "lesson": lesson} for item in value.items]
    imported = _write(user=user, items=items, warnings=value.warnings, prefix="challenges")
    return [warning for row in imported for warning in row.warnings]
