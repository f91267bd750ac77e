"""Attempts: start (retake limit, cooldown, frozen selection), save answers, submit
(server-side timing, scoring, events).

Timing is the server's: an attempt's `deadline` is set at start (time limit, capped by
the window's end). Answers saved after deadline + QUIZ_LATE_GRACE_SECONDS are refused,
and an attempt left open past that point is submitted by the server with what was
saved in time (the next read or start does it: `attempt_close_if_expired`).

Concurrent starts: the learner's row is locked for the start (PostgreSQL), and two
constraints back it on every database (one open attempt per learner and quiz; unique
attempt numbers), so two simultaneous starts give one attempt, never two, and a retake
limit or cooldown cannot be passed by racing.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from learning.events import QuizPassed, QuizSubmitted, bus

from .. import scoring
from ..models import Attempt, FeedbackTiming, Question, QuestionType, QuizPage, QuizSlot, Response
from .questions import question_version_sync, versions_lock

ORDERED_OPTION_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)
SHOWN_OPTION_TYPES = (
    QuestionType.SINGLE,
    QuestionType.MULTIPLE,
    QuestionType.TRUE_FALSE,
    QuestionType.ORDERING,
)


class AttemptRefused(Exception):
    """The use case cannot go on: `code` for the client, `retry_after` (seconds) when
    waiting helps (cooldown: 429), else a 409."""

    def __init__(self, detail: str, code: str, retry_after: int | None = None):
        super().__init__(detail)
        self.detail = detail
        self.code = code
        self.retry_after = retry_after


class AnswerInvalid(Exception):
    """An answer does not fit its question (400, attr `answers.<i>.answer`)."""

    def __init__(self, index: int, detail: str):
        super().__init__(detail)
        self.index = index
        self.detail = detail


def grace() -> dt.timedelta:
    return dt.timedelta(seconds=settings.QUIZ_LATE_GRACE_SECONDS)


def attempt_time_up(attempt: Attempt, now: dt.datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + grace()


# --- start ---------------------------------------------------------------------------


def quiz_course_id(quiz: QuizPage) -> int:
    from cms.permissions import course_of_page

    return course_of_page(quiz).pk


def _pool_questions(quiz: QuizPage, slots: list[QuizSlot], course_id: int) -> list[Question]:
    """Every question the random slots may draw from: tagged with one of their pools,
    in the quiz's course bank or the site-wide bank. One query."""
    tags = {slot.pool_tag for slot in slots if slot.kind == QuizSlot.Kind.RANDOM and slot.pool_tag}
    if not tags:
        return []
    from django.db.models import Q

    return list(
        Question.objects.filter(Q(course_id=course_id) | Q(course__isnull=True), tags__name__in=tags)
        .prefetch_related("tags")
        .select_related("current_version")
        .distinct()
        .order_by("pk")
    )


def _selection(quiz: QuizPage, *, course_id: int, rng: random.Random) -> list[Question]:
    """The questions of a new attempt, in order: the fixed ones, and for each random
    slot `count` distinct questions of its pool not already chosen (fewer if the pool
    is smaller: QUIZ.md "Random draws")."""
    slots = list(quiz.slots.select_related("question__current_version").order_by("sort_order", "pk"))
    pool = _pool_questions(quiz, slots, course_id)
    chosen: list[Question] = []
    taken: set[int] = {s.question_id for s in slots if s.kind == QuizSlot.Kind.FIXED and s.question_id}
    for slot in slots:
        if slot.kind == QuizSlot.Kind.FIXED:
            if slot.question is not None:
                chosen.append(slot.question)
            continue
        candidates = [
            q
            for q in pool
            if q.pk not in taken
            and any(t.name == slot.pool_tag for t in q.tags.all())
            and (not slot.pool_difficulty or q.difficulty == slot.pool_difficulty)
        ]
        picked = rng.sample(candidates, min(slot.count, len(candidates)))
        taken.update(q.pk for q in picked)
        chosen.extend(picked)
    return chosen


def _deadline(quiz: QuizPage, started: dt.datetime) -> dt.datetime | None:
    ends = []
    if quiz.time_limit_minutes:
        ends.append(started + dt.timedelta(minutes=quiz.time_limit_minutes))
    if quiz.available_until:
        ends.append(quiz.available_until)
    return min(ends) if ends else None


def attempt_start_check(*, quiz: QuizPage, attempts: list[Attempt], now: dt.datetime) -> None:
    if quiz.available_from and now < quiz.available_from:
        raise AttemptRefused("This quiz is not open yet.", "quiz_not_open")
    if quiz.available_until and now >= quiz.available_until:
        raise AttemptRefused("This quiz is closed.", "quiz_closed")
    done = [a for a in attempts if a.state == Attempt.State.SUBMITTED]
    if quiz.attempts_allowed and len(done) >= quiz.attempts_allowed:
        raise AttemptRefused(
            f"You have used all {quiz.attempts_allowed} attempts of this quiz.", "attempt_limit_reached"
        )
    if quiz.cooldown_minutes and done:
        last = max(a.submitted_at for a in done)
        ready = last + dt.timedelta(minutes=quiz.cooldown_minutes)
        if now < ready:
            wait = max(1, int((ready - now).total_seconds() + 0.999))
            raise AttemptRefused(
                f"Wait {wait} s before your next attempt (cooldown).", "quiz_cooldown", retry_after=wait
            )


@dataclass(frozen=True)
class Started:
    attempt: Attempt
    created: bool


def attempt_start(*, user, quiz: QuizPage) -> Started:
    """Start an attempt, or return the learner's open one (a repeated or concurrent
    start gives the same attempt). Raises AttemptRefused."""
    now = timezone.now()
    expired = Attempt.objects.filter(user=user, quiz=quiz, state=Attempt.State.IN_PROGRESS).first()
    if expired is not None:
        attempt_close_if_expired(attempt=expired)  # outside the start's transaction: it may run code
    for _ in range(3):
        try:
            return _attempt_start(user=user, quiz=quiz, now=now)
        except IntegrityError:
            # Another start won the race (SQLite, or a PostgreSQL commit between our
            # read and insert): read again; its attempt is now visible.
            continue
    raise AttemptRefused("Too many simultaneous starts; try again.", "attempt_conflict")


@transaction.atomic
def _attempt_start(*, user, quiz: QuizPage, now: dt.datetime) -> Started:
    # Serialise this learner's starts (PostgreSQL row lock; SQLite serialises writers).
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("number"))
    open_attempt = next((a for a in attempts if a.state == Attempt.State.IN_PROGRESS), None)
    if open_attempt is not None:
        if not attempt_time_up(open_attempt, now):
            return Started(open_attempt, False)
        _submit(attempt=open_attempt, now=now, code_grades={})
    attempt_start_check(quiz=quiz, attempts=attempts, now=now)

    course_id = quiz_course_id(quiz)
    seed = secrets.randbits(62)
    rng = random.Random(seed)
    questions = _selection(quiz, course_id=course_id, rng=rng)
    if not questions:
        raise AttemptRefused("This quiz has no questions yet.", "quiz_empty")
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    versions = []
    for question in questions:
        version = question.current_version
        if version is None:  # made outside the editor and the services
            version = question_version_sync(question=question)
        versions.append(version)

    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        course_id=course_id,
        number=(attempts[-1].number if attempts else 0) + 1,
        started_at=now,
        deadline=_deadline(quiz, now),
        max_score=sum(v.points for v in versions),
        seed=seed,
    )
    responses = []
    for position, (question, version) in enumerate(zip(questions, versions, strict=True), start=1):
        keys = [o["key"] for o in version.content.get("options", [])]
        if version.question_type not in SHOWN_OPTION_TYPES:
            keys = []
        elif version.question_type == QuestionType.ORDERING or (
            quiz.shuffle_options and version.question_type in ORDERED_OPTION_TYPES
        ):
            rng.shuffle(keys)
            if version.question_type == QuestionType.ORDERING and len(keys) > 1:
                while keys == [o["key"] for o in version.content["options"]]:
                    rng.shuffle(keys)  # never show the items already in order
        responses.append(
            Response(
                attempt=attempt,
                position=position,
                question=question,
                version=version,
                option_order=keys,
                max_points=version.points,
            )
        )
    Response.objects.bulk_create(responses)
    versions_lock(v.pk for v in versions)
    return Started(attempt, True)


def attempt_close_if_expired(*, attempt: Attempt) -> Attempt:
    """Submit an open attempt whose time is up (with the answers saved in time). Its
    code answers are graded in the sandbox first; if the sandbox cannot take them now,
    they score 0 (`detail.run_status` "not_run"): the attempt is closed either way."""
    now = timezone.now()
    if attempt.state == Attempt.State.IN_PROGRESS and attempt_time_up(attempt, now):
        from learning.coding.services import SandboxBusyError, SandboxCrashLimitError, SandboxDownError

        try:
            code_grades = _code_grades(attempt, user=attempt.user)
        except (SandboxBusyError, SandboxCrashLimitError, SandboxDownError):
            code_grades = {}
        with transaction.atomic():
            locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
            if locked.state == Attempt.State.IN_PROGRESS:
                _submit(attempt=locked, now=now, code_grades=code_grades)
        attempt.refresh_from_db()
    return attempt


# --- answers --------------------------------------------------------------------------


@transaction.atomic
def attempt_answers_save(*, attempt: Attempt, answers: list[dict]) -> list[Response]:
    """Save answers (`[{"position", "answer"}]`; `answer` null clears it). Saving the
    same answers again changes nothing but `saved_at`. Returns the saved responses."""
    now = timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.state != Attempt.State.IN_PROGRESS:
        raise AttemptRefused("This attempt is submitted; answers can no longer change.", "attempt_submitted")
    if attempt_time_up(attempt, now):
        raise AttemptRefused(
            "The time of this attempt is up; answers are no longer accepted.", "attempt_time_up"
        )
    immediate = QuizPage.objects.filter(pk=attempt.quiz_id, feedback_timing=FeedbackTiming.IMMEDIATE).exists()
    by_position = {r.position: r for r in attempt.responses.select_related("version")}
    changed = {}
    for index, item in enumerate(answers):
        response = by_position.get(item["position"])
        if response is None:
            raise AnswerInvalid(index, f"This attempt has no question at position {item['position']}.")
        if response.detail.get("checked"):
            raise AnswerInvalid(
                index, "This answer was checked (immediate feedback); it can no longer change."
            )
        value = item["answer"]
        if value is not None:
            try:
                scoring.answer_check(response.version.content, value)
            except scoring.AnswerShapeError as exc:
                raise AnswerInvalid(index, str(exc)) from None
            if response.version.question_type == QuestionType.CODE:
                limit = settings.QUIZ_MAX_CODE_ANSWER_BYTES
                if len(value.encode()) > limit:
                    raise AnswerInvalid(index, f"The code is longer than {limit} bytes.")
            elif len(str(value).encode()) > settings.QUIZ_MAX_ANSWER_BYTES:
                raise AnswerInvalid(
                    index, f"The answer is longer than {settings.QUIZ_MAX_ANSWER_BYTES} bytes."
                )
        response.answer = value
        response.chosen_options = (
            scoring.grade(response.version.content, value).chosen if value is not None else []
        )
        response.saved_at = now
        # Immediate feedback shows the answer's grade now, so the answer is final.
        if immediate and value is not None and response.version.question_type != QuestionType.CODE:
            response.detail = {**response.detail, "checked": True}
        changed[response.position] = response
    Response.objects.bulk_update(list(changed.values()), ["answer", "chosen_options", "saved_at", "detail"])
    return [changed[p] for p in sorted(changed)]


# --- submit ---------------------------------------------------------------------------


def _code_grades(attempt: Attempt, *, user) -> dict[int, scoring.Grade]:
    """Run each answered code question's tests in the coding sandbox (before the
    submit's transaction: a run takes seconds). A call, not an event: grading needs
    the verdicts now, in this use case (docs/assessments.md)."""
    from learning.coding.services import SourceFile, code_run_tests

    grades = {}
    for response in attempt.responses.select_related("version").filter(
        version__question_type=QuestionType.CODE
    ):
        if not response.answer or attempt_time_up_at(attempt, response.saved_at):
            continue
        content = response.version.content
        tests = [
            {
                "id": t["id"],
                "kind": t["kind"],
                "code": t["code"],
                "input": t["input"],
                "expected": t["expected"],
            }
            if t["kind"] == "io"
            else {"id": t["id"], "kind": "assert", "code": t["code"]}
            for t in content.get("code_tests", [])
        ]
        language = content.get("settings", {}).get("code_language") or "javascript"
        outcome = code_run_tests(
            user=user,
            language=language,
            files=[SourceFile("main.js", response.answer, language)],
            tests=tests,
        )
        grades[response.pk] = scoring.grade_code_verdicts(
            content, outcome.get("tests", []), status=outcome.get("status", "")
        )
    return grades


def attempt_time_up_at(attempt: Attempt, when: dt.datetime | None) -> bool:
    return when is not None and attempt.deadline is not None and when > attempt.deadline + grace()


def attempt_submit(*, user, attempt: Attempt) -> Attempt:
    """Submit the learner's attempt: grade every response, total, pass or not, and
    publish `quiz_submitted` (and `quiz_passed` when the quiz grade turns to a pass).
    A submission after deadline + grace is accepted and marked late; only answers
    saved in time count (later saves were refused). Submitting twice is a 409."""
    if attempt.state != Attempt.State.IN_PROGRESS:
        raise AttemptRefused("This attempt is already submitted.", "attempt_submitted")
    code_grades = _code_grades(attempt, user=user)
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.state != Attempt.State.IN_PROGRESS:
            raise AttemptRefused("This attempt is already submitted.", "attempt_submitted")
        _submit(attempt=locked, now=timezone.now(), code_grades=code_grades)
    return locked


def _submit(*, attempt: Attempt, now: dt.datetime, code_grades: dict) -> None:
    """Inside the caller's transaction, with the attempt locked."""
    from ..selectors import quiz_grade

    quiz = QuizPage.objects.get(pk=attempt.quiz_id)
    responses = list(attempt.responses.select_related("version"))
    total = 0.0
    for response in responses:
        content = response.version.content
        if attempt_time_up_at(attempt, response.saved_at):  # never: saves are refused then
            grade = scoring.Grade(0.0)
        elif response.version.question_type == QuestionType.CODE:
            grade = code_grades.get(response.pk) or scoring.Grade(
                0.0,
                detail={
                    "tests_passed": 0,
                    "tests": len(content.get("code_tests", [])),
                    "run_status": "not_run" if response.answer else "unanswered",
                },
            )
        else:
            grade = scoring.grade(content, response.answer, negative_marking=quiz.negative_marking)
        response.score_fraction = grade.fraction
        response.points_awarded = round(grade.fraction * response.max_points, 4)
        response.chosen_options = grade.chosen
        response.detail = {
            **grade.detail,
            "feedback_keys": grade.feedback_keys,
            **({"checked": True} if response.detail.get("checked") else {}),
        }
        total += response.points_awarded
    Response.objects.bulk_update(responses, ["score_fraction", "points_awarded", "chosen_options", "detail"])

    previous = list(
        Attempt.objects.filter(
            user_id=attempt.user_id, quiz_id=attempt.quiz_id, state=Attempt.State.SUBMITTED
        )
        .exclude(pk=attempt.pk)
        .order_by("number")
    )
    before = quiz_grade(quiz=quiz, attempts=previous)

    attempt.state = Attempt.State.SUBMITTED
    attempt.submitted_at = now
    attempt.late = attempt.deadline is not None and now > attempt.deadline + grace()
    attempt.score = round(max(0.0, total), 4)  # a quiz total never goes below 0
    attempt.passed = (attempt.percent or 0) >= quiz.pass_mark
    attempt.save(update_fields=["state", "submitted_at", "late", "score", "passed"])

    after = quiz_grade(quiz=quiz, attempts=[*previous, attempt])
    bus.publish(
        QuizSubmitted(
            user_id=attempt.user_id,
            quiz_id=attempt.quiz_id,
            score=attempt.score,
            max_score=attempt.max_score,
            attempt_id=attempt.pk,
            course_id=attempt.course_id,
            passed=attempt.passed,
        )
    )
    if after.passed and not before.passed:
        bus.publish(
            QuizPassed(
                user_id=attempt.user_id,
                quiz_id=attempt.quiz_id,
                course_id=attempt.course_id,
                attempt_id=attempt.pk,
                grade_percent=after.percent,
                occurred_at=now,
            )
        )
