"""The tutor's policy layer, in front of and behind whatever writes the reply (the LLM
or the built-in answerer). Pure functions over plain values, so every rule can be
tested without a request; tutor/services.py applies them in order:

in front
  - `daily_limit_reached`: questions per learner per UTC day (TUTOR_DAILY_LIMIT).
  - `in_scope`: a question about neither programming nor the course is declined.
  - `injection_suspected` / `solution_requested`: attempts to change the rules or to
    get the answer outright are answered by the built-in answerer, the LLM never sees
    them. (They could not change the instructions anyway: tutor/prompting.py keeps user
    text in user messages, delimited; this only spares a call.)
  - `next_hint_level`: the hint ladder (hint n+1 only after asking again AND a real
    attempt since hint n).
behind
  - `leaks_solution`: a reply whose code is too close to the reference solution of a
    graded challenge the learner has not passed (token fingerprints, containment,
    counted over the whole conversation so a solution given in pieces adds up) is
    replaced by the allowed hint.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from learning.coding.similarity import containment, fingerprints

# --- the hint ladder -------------------------------------------------------------------


@dataclass(frozen=True)
class HintDecision:
    """`level` is the hint this reply gives (1-based; 0 = the ladder is empty),
    `advanced` whether it is a new rung, `needs_attempt` whether the learner asked for
    more but must run or submit code first, `of` how many rungs there are."""

    level: int
    of: int
    advanced: bool
    needs_attempt: bool


def next_hint_level(*, given: int, attempted_since: bool, ladder_size: int) -> HintDecision:
    """Asking is what this call answers; `given` is the highest rung given so far and
    `attempted_since` whether a run or submission came after it. The first rung needs
    no attempt; every further one needs one; past the top the top rung repeats."""
    if ladder_size <= 0:
        return HintDecision(level=0, of=0, advanced=False, needs_attempt=False)
    if given <= 0:
        return HintDecision(level=1, of=ladder_size, advanced=True, needs_attempt=False)
    given = min(given, ladder_size)
    if given >= ladder_size:
        return HintDecision(level=ladder_size, of=ladder_size, advanced=False, needs_attempt=False)
    if attempted_since:
        return HintDecision(level=given + 1, of=ladder_size, advanced=True, needs_attempt=False)
    return HintDecision(level=given, of=ladder_size, advanced=False, needs_attempt=True)


# --- scope -----------------------------------------------------------------------------

# Words a question about the course's subjects (the web, programming) almost always has.
_VOCABULARY_WORDS = """
    html css javascript js node dom element elements tag tags attribute attributes selector selectors
    class classes id ids style styles styling stylesheet flex flexbox grid margin padding border color
    colour font layout responsive media query div span link href src img image form input button
    script browser page web website code coding program programming programs function functions
    method methods variable variables const let var loop loops for while if else condition
    conditions boolean string strings number numbers integer array arrays list object objects
    property properties key keys value values return returns parameter parameters argument arguments
    call callback callbacks event events listener click error errors bug bugs debug debugging
    exception syntax undefined null nan typeof operator operators compare comparison equal
    equality scope closure closures promise promises async await fetch json api map filter reduce
    foreach sort split join slice push pop length index indexes console log print output input test
    tests challenge challenges exercise lesson lessons module course hint hints solution run runs
    submit submission assert expected recursion algorithm iterate iteration sum count math random
    regex regexp template literal concatenate concatenation semicolon bracket brackets brace
    braces parenthesis indentation comment comments editor sandbox
    """
_VOCABULARY = frozenset(_VOCABULARY_WORDS.split())
_CODE_SIGN = re.compile(r"[{};]|=>|===|\w\(|\(\)|</?[a-z]+[^>]*>|\w\.\w")


# Asking for help with the exercise in front of you ("I'm stuck") is on topic there.
_HELP_TEXT = "stuck help hint hints clue confused lost next idea understand wrong fix broken fail failing"
_HELP_WORDS = frozenset(_HELP_TEXT.split())


def in_scope(text: str, *, top_score: float | None, min_score: float, in_exercise: bool = False) -> bool:
    """On topic: the text has code in it, or words of the subject, or the course's
    index finds a close passage (`top_score` ≥ `min_score`), or, on a challenge
    (`in_exercise`), it asks for help."""
    lowered = (text or "").lower()
    if _CODE_SIGN.search(lowered):
        return True
    words = set(re.findall(r"[a-z][a-z0-9']*", lowered))
    if words & _VOCABULARY:
        return True
    if in_exercise and words & _HELP_WORDS:
        return True
    return top_score is not None and top_score >= min_score


# --- attempts to change the rules or get the answer ------------------------------------

_INJECTION = re.compile(
    r"""
    \b(ignore|disregard|forget|override|bypass|skip)\b[^.\n]{0,40}\b(instructions?|rules?|prompts?|guidelines?|
        restrictions?|polic(y|ies)|system)\b
    | \b(system|developer|hidden|initial)\s+(prompt|message|instructions?)\b
    | \byou\s+are\s+(now|no\s+longer)\b
    | \b(act|behave)\s+as\b | \bpretend\b | \brole[\s-]?play\b | \bjail\s?break\b | \bDAN\b
    | \b(developer|god|admin|debug|sudo)\s+mode\b
    | </?\s*(system|assistant|instructions?|learner_\w+|run_result)\s*>
    | \bnew\s+(instructions?|rules?)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)

_SOLUTION_REQUEST = re.compile(
    r"""
    \b(give|show|tell|write|send|paste|print|reveal|share|post|provide|type)\b[^.?!\n]{0,40}
        \b(solution|answer|full\s+code|whole\s+code|complete\s+code|working\s+code|final\s+code|code\s+for\s+(it|this|me))\b
    | \b(reference|official|model|correct|expected|teacher'?s?)\s+(solution|answer|implementation)\b
    | \bjust\s+this\s+once\b
    | \b(solve|do|finish|complete)\s+(it|this|the\s+challenge|the\s+exercise|my\s+homework)\s+for\s+me\b
    """,
    re.IGNORECASE | re.VERBOSE,
)


def injection_suspected(text: str) -> bool:
    return bool(_INJECTION.search(text or ""))


def solution_requested(text: str) -> bool:
    return bool(_SOLUTION_REQUEST.search(text or ""))


# --- the output check ------------------------------------------------------------------

_FENCE = re.compile(r"^\s*(```|~~~)[^\n]*$", re.MULTILINE)


def code_text(reply: str) -> str:
    """The reply as JavaScript tokens see it: Markdown fences and the backticks of
    inline code removed (inside fences a backtick is JavaScript's own, so fenced blocks
    keep theirs)."""
    parts = re.split(r"(^\s*(?:```|~~~)[^\n]*$)", reply or "", flags=re.MULTILINE)
    out, inside = [], False
    for part in parts:
        if _FENCE.fullmatch(part):
            inside = not inside
            out.append("\n")
        elif inside:
            out.append(part)
        else:
            out.append(part.replace("`", " "))
    return "".join(out)


_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_FENCED = re.compile(r"^\s*(?:```|~~~)[^\n]*\n(.*?)^\s*(?:```|~~~)\s*$", re.MULTILINE | re.DOTALL)
_STRING = re.compile(r'"((?:\\.|[^"\\])*)"|\'((?:\\.|[^\'\\])*)\'')
_CODE_LINE = re.compile(r"[{};]\s*$|^\s*[})\]]|=>|\b(function|return|const|let|var|for|while|if)\b.*[({=;]")
MIN_STRING_CHARS = 20


def _unescape(literal: str) -> str:
    try:
        return json.loads(f'"{literal}"')
    except ValueError:
        return literal.replace("\\n", "\n").replace('\\"', '"').replace("\\'", "'")


def reply_views(text: str) -> list[str]:
    """The ways a reply can carry code, each fingerprinted: the whole text (Markdown
    removed); its code alone (fenced blocks and inline spans joined, so prose between
    one line of code and the next does not break the k-grams); its code-looking lines
    joined; and the contents of its string literals (code smuggled inside JSON or a
    quoted string)."""
    views = [code_text(text)]
    spans = [m.group(1) for m in _FENCED.finditer(text or "")]
    spans += [m.group(1) for m in _INLINE_CODE.finditer(_FENCED.sub("", text or ""))]
    if spans:
        views.append("\n".join(spans))
    lines = [line for line in (text or "").splitlines() if _CODE_LINE.search(line)]
    if lines:
        views.append("\n".join(lines))
    for match in _STRING.finditer(text or ""):
        literal = match.group(1) if match.group(1) is not None else match.group(2)
        if len(literal) >= MIN_STRING_CHARS:
            views.append(_unescape(literal))
    return views


def reply_fingerprints(text: str) -> set[int]:
    found: set[int] = set()
    for view in reply_views(text):
        found |= fingerprints(view)
    return found


@dataclass(frozen=True)
class Reference:
    """A graded challenge's reference solution, for the output check."""

    challenge_id: int
    fingerprints: frozenset[int]


def references_of(solutions: Iterable[tuple[int, str]]) -> list[Reference]:
    return [
        Reference(challenge_id=cid, fingerprints=frozenset(fingerprints(source)))
        for cid, source in solutions
        if source and source.strip()
    ]


def leaks_solution(
    reply: str, *, references: list[Reference], earlier: Iterable[str] = (), threshold: float
) -> int | None:
    """The id of the challenge whose reference solution the reply gives away, or None.
    The reply counts together with the tutor's earlier replies of the conversation
    (`earlier`): a solution handed out one piece per reply is caught when the pieces
    add up. Containment of the reference's fingerprints, never string equality."""
    if not references:
        return None
    current = reply_fingerprints(reply)
    together = set(current)
    for text in earlier:
        together |= reply_fingerprints(text)
    for reference in references:
        # only a reply that adds to the leak is refused (an empty one adds nothing)
        adds = not current or containment(set(reference.fingerprints), current) > 0
        if adds and containment(set(reference.fingerprints), together) >= threshold:
            return reference.challenge_id
    return None


# --- the daily limit -------------------------------------------------------------------


def daily_limit_reached(*, asked_today: int, limit: int) -> bool:
    return limit > 0 and asked_today >= limit
