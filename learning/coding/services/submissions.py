"""A learner's submission: every test in a clean realm, the output stored within a
budget, the newest kept per learner and challenge plus the best."""

from __future__ import annotations

from django.conf import settings

from learning.events import CodeRun, bus

from ..rules import (
    outcome_of,
)
from ..sandbox import protocol
from .runs import ENTRY_FILE, SourceFile, code_files, code_run_tests
from .similarity import submission_duplicate_find, submission_token_hash

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
    from ..models import Submission

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

    from ..models import Submission

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

    from learning.events import ChallengePassed, ChallengeSubmitted

    from ..models import Submission

    if challenge.language == "web" and [f.name for f in files] == [ENTRY_FILE]:
        # `source` to a web challenge: the page's files in one text, marked (rules.py)
        files = code_files(language="web", text=files[0].content, name=ENTRY_FILE)
    tests = list(challenge.tests.all())
    outcome = code_run_tests(
        user=user, language=challenge.language, files=files, tests=[t.as_job() for t in tests]
    )
    results = _submission_results(tests=tests, outcome=outcome)
    passed_count = sum(1 for r in results if r["passed"])
    passed = bool(results) and passed_count == len(results)
    token_hash = submission_token_hash(files)
    with transaction.atomic():
        duplicate = submission_duplicate_find(challenge=challenge, user=user, token_hash=token_hash)
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
            token_hash=token_hash,
            duplicate_of=duplicate,
        )
        submissions_trim(user=user, challenge=challenge)
        bus.publish(
            ChallengeSubmitted(
                user_id=user.pk,
                challenge_id=challenge.pk,
                submission_id=submission.pk,
                passed=passed,
                duplicate_of_id=duplicate.pk if duplicate else None,
            )
        )
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
