"""The built-in grounded answerer: the tutor's reply when no LLM is configured, when the
LLM fails, and whenever a guardrail takes the reply over. Deterministic: it quotes the
retrieved passages' sentences that share the most words with the question (citing
them by number), says what the code check found, and gives the hint the ladder allows.
It invents nothing, so it can never give away more than the authored hints do."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .guardrails import HintDecision

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[a-z0-9]+")
_STOP_WORDS = """
    a an and are as at be but by can could do does for from how i if in into is it its me my of on
    or so that the their them then there these this to was what when where which who why will with
    would you your yours please explain tell about use using used get make work works mean means
    """
_STOP = frozenset(_STOP_WORDS.split())
QUOTED_SENTENCES = 2
MAX_SENTENCE_CHARS = 320


@dataclass(frozen=True)
class Source:
    """A retrieved passage as the answerer sees it (tutor.retrieval.Passage fits)."""

    number: int
    text: str
    lesson_id: int | None
    lesson_title: str
    section_anchor: str
    course_id: int | None
    score: float


@dataclass(frozen=True)
class HintText:
    decision: HintDecision
    text: str


def _words(text: str) -> set[str]:
    return {w.rstrip("s") for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1}


def quote(question: str, sources: list[Source]) -> list[tuple[str, Source]]:
    """The passages' sentences that best answer `question`: (sentence, source) pairs, in
    reading order of the best sources."""
    wanted = _words(question)
    scored = []
    for rank, source in enumerate(sources[:3]):
        for position, sentence in enumerate(s.strip() for s in _SENTENCE.split(source.text)):
            if len(sentence) < 12:
                continue
            overlap = len(wanted & _words(sentence))
            scored.append((-overlap, rank, position, sentence, source))
    if not scored:
        return []
    best = sorted(scored)[:QUOTED_SENTENCES]
    if best[0][0] == 0:  # nothing shares a word: the best source's opening says what it is about
        best = [min(scored, key=lambda item: (item[1], item[2]))]
    best = [item for item in best if item[0] < 0] or best[:1]
    best.sort(key=lambda item: (item[1], item[2]))
    out = []
    for _, _, _, sentence, source in best:
        if len(sentence) > MAX_SENTENCE_CHARS:
            sentence = sentence[: MAX_SENTENCE_CHARS - 1].rsplit(" ", 1)[0] + "…"
        out.append((sentence, source))
    return out


def hint_paragraph(hint: HintText | None) -> str:
    if hint is None or not hint.decision.level:
        return ""
    d = hint.decision
    lines = [f"**Hint {d.level} of {d.of}:** {hint.text.strip()}"]
    if d.needs_attempt:
        lines.append(
            "That is the hint you already have: try it in your code, run or submit it, then ask again "
            "for the next one."
        )
    elif d.level >= d.of:
        lines.append("That is the last hint: the rest is yours to write. Submit when your tests pass.")
    else:
        lines.append("When you have tried it (run or submit your code), ask again for the next hint.")
    return "\n\n".join(lines)


OPENINGS = {
    "off_topic": (
        "I can only help with programming and this course, so I will leave that one aside. "
        "Ask me about HTML, CSS, JavaScript or the lesson you are on!"
    ),
    "injection": "I cannot change how I work or step outside my rules, but I am glad to help you learn.",
    "solution_request": (
        "I cannot give you the solution of a graded challenge before you pass it, "
        "but I can help you get there step by step."
    ),
    "solution_withheld": (
        "My answer would have given away too much of the solution, so here is the hint you are "
        "ready for instead."
    ),
    "solution_withheld_no_hint": (
        "My answer would have given away the solution of a challenge, so I will not show it. Try it yourself "
        "and ask me about the part you are stuck on."
    ),
}


def compose(
    *,
    question: str,
    sources: list[Source],
    hint: HintText | None = None,
    findings: list[str] | None = None,
    reason: str = "",
) -> tuple[str, list[Source]]:
    """The reply text and the sources it cites. `reason` (a guardrail's name) opens the
    reply; an off-topic reply says only that."""
    if reason == "off_topic":
        return OPENINGS["off_topic"], []
    parts: list[str] = []
    if reason == "solution_withheld" and not (hint and hint.decision.level):
        parts.append(OPENINGS["solution_withheld_no_hint"])
    elif reason in OPENINGS:
        parts.append(OPENINGS[reason])
    if findings:
        parts.append("Here is what I notice in your code:\n" + "\n".join(f"- {f}" for f in findings))
    cited: list[Source] = []
    if reason not in ("injection", "solution_request", "solution_withheld"):
        quoted = quote(question, sources)
        if quoted:
            lines = []
            for sentence, source in quoted:
                lines.append(f"> {sentence} [{source.number}]")
                if source not in cited:
                    cited.append(source)
            refs = "; ".join(f"[{s.number}] {s.lesson_title}" for s in cited)
            parts.append("From the course:\n\n" + "\n>\n".join(lines) + f"\n\n(See {refs}.)")
        elif not hint or not hint.decision.level:
            parts.append(
                "I could not find this in the course material. Try asking with the words of the lesson, "
                "or tell me which lesson you are on."
            )
    paragraph = hint_paragraph(hint)
    if paragraph:
        parts.append(paragraph)
    return "\n\n".join(parts), cited
