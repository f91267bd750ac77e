"""The tutor's use cases: a question (`tutor_turn_open` + `tutor_turn_answer`) and what
the tutor hears from other apps (`hint_attempt_record`).

A turn is two steps so the streaming API can open its stream between them:

1. `tutor_turn_open`: the checks that can refuse (the daily limit, the conversation),
   retrieval (no index → IndexNotBuilt, before anything is written), the guardrails in
   front (scope, injection, solution requests), the hint ladder's decision (the
   learner's row locked, so two requests at once cannot both climb), and the learner's
   message stored. One transaction.
2. `tutor_turn_answer`: the reply, from the LLM when one is configured and it answers,
   else from the built-in answerer; the output check; the reply stored; `HintRequested`
   published after commit when it gave a hint.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from learning.events import HintRequested, bus

from . import guardrails, prompting
from .answerer import HintText, Source, compose
from .diagnosis import Attempt, diagnose
from .llm import LLMUnavailable, StopGeneration, llm_chat, llm_configured
from .models import Conversation, HintProgress, TutorMessage

log = logging.getLogger("mrict.tutor")

LEAK_CHECK_EVERY_CHARS = 160


class DailyLimitReached(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"daily limit reached; retry in {retry_after} s")
        self.retry_after = retry_after


class ConversationMismatch(Exception):
    """The conversation belongs to another course than the lesson/challenge asked about."""


class ConversationFull(Exception):
    """The conversation has TUTOR_MAX_TURNS turns: start a new one."""


@dataclass
class TurnInput:
    kind: str  # TutorMessage.Kind
    question: str
    lesson: object | None = None  # cms.LessonPage, already checked visible to the user
    challenge: object | None = None  # coding.Challenge, already checked visible
    conversation: Conversation | None = None  # already checked to be the user's
    attempt: Attempt | None = None  # code updates: the code and its last result
    run_result_text: str = ""


@dataclass
class Turn:
    user: object
    input: TurnInput
    conversation: Conversation
    learner_message: TutorMessage
    sources: list[Source]
    reason: str  # a guardrail that answers in place of the LLM ("" = none)
    hint: HintText | None
    findings: list[str]
    history: list[tuple[str, str]]
    earlier_replies: list[str]
    references: list[guardrails.Reference] = field(default_factory=list)


# --- step 1 ----------------------------------------------------------------------------


def _day_start(now: dt.datetime) -> dt.datetime:
    return now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def learner_questions_today(*, user) -> int:
    return TutorMessage.objects.filter(
        conversation__user=user, role=TutorMessage.Role.LEARNER, created_at__gte=_day_start(timezone.now())
    ).count()


def _sources(*, question: str, course_id: int | None) -> list[Source]:
    from .retrieval import retrieve

    passages = retrieve(question, k=settings.TUTOR_PASSAGES, course_id=course_id)
    return [
        Source(
            number=i,
            text=p.text,
            lesson_id=p.lesson_id,
            lesson_title=p.lesson_title,
            section_anchor=p.section_anchor or "",
            course_id=p.course_id,
            score=float(p.score),
        )
        for i, p in enumerate(passages, start=1)
    ]


def _ladder(challenge) -> list[str]:
    return [h.text for h in challenge.hints.all().order_by("sort_order", "pk")]


def _hint(*, user, challenge) -> HintText | None:
    """The ladder's decision for this ask, the learner's row locked and updated."""
    ladder = _ladder(challenge)
    progress, _ = HintProgress.objects.get_or_create(user=user, challenge=challenge)
    progress = HintProgress.objects.select_for_update().get(pk=progress.pk)
    decision = guardrails.next_hint_level(
        given=progress.level, attempted_since=progress.attempted_since_hint, ladder_size=len(ladder)
    )
    if not decision.level:
        return None
    if decision.advanced:
        progress.level = decision.level
        progress.last_hint_at = timezone.now()
        progress.attempted_since_hint = False
        progress.save(update_fields=["level", "last_hint_at", "attempted_since_hint"])
    return HintText(decision=decision, text=ladder[decision.level - 1])


def _references(*, user, challenge, lesson, sources: list[Source]) -> list[guardrails.Reference]:
    from learning.coding.selectors import reference_solutions_not_passed

    lesson_ids = {s.lesson_id for s in sources if s.lesson_id}
    if lesson is not None:
        lesson_ids.add(lesson.pk)
    solutions = reference_solutions_not_passed(
        user=user, challenge_ids=[challenge.pk] if challenge else [], lesson_ids=lesson_ids
    )
    return guardrails.references_of(solutions)


def tutor_turn_open(*, user, data: TurnInput) -> Turn:
    now = timezone.now()
    if guardrails.daily_limit_reached(
        asked_today=learner_questions_today(user=user), limit=settings.TUTOR_DAILY_LIMIT
    ):
        tomorrow = _day_start(now) + dt.timedelta(days=1)
        raise DailyLimitReached(max(1, int((tomorrow - now).total_seconds())))
    lesson = data.lesson
    if data.challenge is not None and lesson is None:
        lesson = data.challenge.lesson
    course_id = data.challenge.course_id if data.challenge is not None else None
    if course_id is None and lesson is not None:
        from cms.selectors import lesson_course

        course_id = lesson_course(lesson).pk
    conversation = data.conversation
    if conversation is not None:
        if conversation.course_id and course_id and conversation.course_id != course_id:
            raise ConversationMismatch()
        if conversation.turn_count >= settings.TUTOR_MAX_TURNS:
            raise ConversationFull()
    if course_id is None and conversation is not None:
        course_id = conversation.course_id

    question = data.question.strip()
    sources = _sources(question=question, course_id=course_id)  # IndexNotBuilt before any write

    reason = ""
    scope_text = question + ("\n" + data.attempt.code if data.attempt else "")
    if not guardrails.in_scope(
        scope_text,
        top_score=max((s.score for s in sources), default=None),
        min_score=settings.TUTOR_SCOPE_MIN_SCORE,
        in_exercise=data.challenge is not None,
    ):
        reason = "off_topic"
    elif guardrails.injection_suspected(question):
        reason = "injection"
    elif data.challenge is not None and guardrails.solution_requested(question):
        reason = "solution_request"

    findings = diagnose(data.attempt) if data.attempt else []
    with transaction.atomic():
        if conversation is None:
            conversation = Conversation.objects.create(user=user, course_id=course_id, title=question[:200])
        elif not conversation.course_id and course_id:
            conversation.course_id = course_id
        hint = None
        if data.challenge is not None and reason != "off_topic":
            hint = _hint(user=user, challenge=data.challenge)
        learner_message = TutorMessage.objects.create(
            conversation=conversation,
            role=TutorMessage.Role.LEARNER,
            kind=data.kind,
            text=question,
            code=data.attempt.code if data.attempt else "",
            lesson=lesson,
            challenge=data.challenge,
        )
        Conversation.objects.filter(pk=conversation.pk).update(
            course_id=conversation.course_id, turn_count=F("turn_count") + 1, updated_at=timezone.now()
        )

    earlier = list(
        TutorMessage.objects.filter(conversation=conversation)
        .exclude(pk=learner_message.pk)
        .order_by("-created_at", "-pk")
        .values_list("role", "text")[: max(settings.TUTOR_MAX_TURNS * 2, 1)]
    )
    earlier.reverse()
    history = earlier[-settings.TUTOR_HISTORY_TURNS * 2 :] if settings.TUTOR_HISTORY_TURNS else []
    return Turn(
        user=user,
        input=data,
        conversation=conversation,
        learner_message=learner_message,
        sources=sources,
        reason=reason,
        hint=hint,
        findings=findings,
        history=history,
        earlier_replies=[text for role, text in earlier if role == TutorMessage.Role.TUTOR],
        references=_references(user=user, challenge=data.challenge, lesson=lesson, sources=sources),
    )


# --- step 2 ----------------------------------------------------------------------------


def _leak(turn: Turn, text: str) -> int | None:
    return guardrails.leaks_solution(
        text,
        references=turn.references,
        earlier=turn.earlier_replies,
        threshold=settings.TUTOR_SOLUTION_SIMILARITY,
    )


def _built_in(turn: Turn, reason: str) -> tuple[str, list[Source], str]:
    text, cited = compose(
        question=turn.input.question,
        sources=turn.sources,
        hint=turn.hint,
        findings=turn.findings,
        reason=reason,
    )
    if _leak(turn, text) is not None:
        # Course passages or an authored hint too close to a solution: say less.
        text, cited = compose(
            question="", sources=[], hint=None, findings=turn.findings, reason="solution_withheld"
        )
        reason = "solution_withheld"
    return text, cited, reason


def _from_llm(turn: Turn) -> str | None:
    """The LLM's reply, or None when it leaked (cut as soon as the stream shows it)."""
    context = prompting.PromptContext(
        passages=[
            prompting.PassageRef(s.number, s.lesson_title, s.section_anchor, s.text) for s in turn.sources
        ],
        challenge_title=turn.input.challenge.title if turn.input.challenge else "",
        challenge_prompt=turn.input.challenge.prompt if turn.input.challenge else "",
        hint_text=turn.hint.text if turn.hint else "",
        hint_level=turn.hint.decision.level if turn.hint else 0,
        hint_of=turn.hint.decision.of if turn.hint else 0,
        needs_attempt=bool(turn.hint and turn.hint.decision.needs_attempt),
        diagnosis=" ".join(turn.findings),
    )
    messages = prompting.chat_messages(
        context=context,
        history=turn.history,
        question=turn.input.question,
        code=turn.input.attempt.code if turn.input.attempt else "",
        run_result=turn.input.run_result_text,
    )
    received: list[str] = []
    checked = [0]

    def on_text(piece: str) -> None:
        received.append(piece)
        size = sum(map(len, received))
        if size - checked[0] >= LEAK_CHECK_EVERY_CHARS:
            checked[0] = size
            if _leak(turn, "".join(received)) is not None:
                raise StopGeneration()

    try:
        text = llm_chat(messages, on_text=on_text if turn.references else None)
    except StopGeneration:
        return None
    if _leak(turn, text) is not None:
        return None
    return text


def _citation(source: Source) -> dict:
    return {
        "number": source.number,
        "lesson_id": source.lesson_id,
        "lesson_title": source.lesson_title,
        "section_anchor": source.section_anchor,
        "course_id": source.course_id,
        "score": round(source.score, 4),
    }


def tutor_turn_answer(*, turn: Turn, on_status: Callable[[str], None] | None = None) -> TutorMessage:
    """Write, check and store the tutor's reply to an opened turn."""
    reason, mode = turn.reason, TutorMessage.Mode.BUILT_IN
    text, cited = None, []
    if not reason and llm_configured():
        if on_status:
            on_status("llm")
        try:
            text = _from_llm(turn)
        except LLMUnavailable:
            text = None
            reason = ""
        else:
            if text is None:
                reason = "solution_withheld"
            else:
                mode, cited = TutorMessage.Mode.LLM, list(turn.sources)
    if text is None:
        text, cited, reason = _built_in(turn, reason)
    hint = turn.hint
    with transaction.atomic():
        reply = TutorMessage.objects.create(
            conversation=turn.conversation,
            role=TutorMessage.Role.TUTOR,
            kind=turn.input.kind,
            text=text,
            lesson=turn.learner_message.lesson,
            challenge=turn.input.challenge,
            mode=mode,
            hint_level=hint.decision.level if hint else None,
            citations=[_citation(s) for s in cited],
            guardrail=reason,
        )
        Conversation.objects.filter(pk=turn.conversation.pk).update(updated_at=timezone.now())
        if hint is not None and reason != "off_topic":
            bus.publish(
                HintRequested(
                    user_id=turn.user.pk,
                    lesson_id=turn.learner_message.lesson_id,
                    level=str(hint.decision.level),
                    challenge_id=turn.input.challenge.pk,
                )
            )
    return reply


# --- what the tutor hears --------------------------------------------------------------


def hint_attempt_record(*, user_id: int, challenge_id: int | None, lesson_id: int | None) -> int:
    """A run or a submission happened: it is the "real attempt" the next hint needs. A
    run names its challenge when the client says which (submissions always do); a run
    that names none counts for every ladder the learner is on (docs/tutor.md)."""
    progress = HintProgress.objects.filter(user_id=user_id, level__gt=0, attempted_since_hint=False)
    if challenge_id:
        progress = progress.filter(challenge_id=challenge_id)
    elif lesson_id:
        progress = progress.filter(challenge__lesson_id=lesson_id)
    return progress.update(attempted_since_hint=True)
