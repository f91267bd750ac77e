"""GIFT question files (docs.moodle.org "GIFT format") into a ParsedBank.

One question per paragraph (blank lines between), `//` comment lines, `$CATEGORY:`
lines, an optional `::title::`, an optional `[html]`/`[markdown]`/`[plain]`/`[moodle]`
format, the answer block in braces, `\\` escapes for `~ = # { } :` and `\\n` for a new
line. Mapped: choice questions (`=right ~wrong`, `~%50%` weights: one full-mark answer
is single choice, several weighted ones multiple choice), true/false (`{T}`, `{FALSE}`),
short answer (only `=` answers), numerical (`{#3.14:0.01}`, `{#1..2}`, `{#=3:0 =%50%4:1}`),
missing word (text on both sides of the block: the stem gets a blank). Not mappable:
essay (`{}`), matching (`=a -> b`), a description (no answer block). Malformed (the whole
file is refused): unbalanced braces, two answer blocks in one question, a weight or a
number that is not one.
"""

from __future__ import annotations

import re

from .types import (
    MULTIPLE_CHOICE,
    NUMERIC,
    SHORT_TEXT,
    SINGLE_CHOICE,
    TRUE_FALSE,
    ImportedChoice,
    ImportedNumeric,
    ImportedQuestion,
    ImportLimits,
    ImportSyntaxError,
    ParsedBank,
    SkippedQuestion,
    check_text,
)

ESCAPES = {
    "\\~": "\ue000",
    "\\=": "\ue001",
    "\\#": "\ue002",
    "\\{": "\ue003",
    "\\}": "\ue004",
    "\\:": "\ue005",
}
RESTORE = {v: k[1] for k, v in ESCAPES.items()} | {"\ue006": "\\"}
ESCAPE_RE = re.compile(r"\\\\|\\[~=#{}:n]")
WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
FORMATS = {"html": "html", "moodle": "text", "plain": "text", "markdown": "markdown"}


def _escape(text: str) -> str:
    def repl(match):
        escape = match.group(0)
        if escape == "\\\\":
            return "\ue006"
        if escape == "\\n":
            return "\n"
        return ESCAPES[escape]

    return ESCAPE_RE.sub(repl, text)


def _restore(text: str) -> str:
    return "".join(RESTORE.get(ch, ch) for ch in text).strip()


def _number(text: str, *, what: str, line: int) -> float:
    try:
        number = float(_restore(text))
    except ValueError:
        raise ImportSyntaxError(f"{what} is not a number: {_restore(text)[:40]!r}.", line=line) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ImportSyntaxError(f"{what} is not a finite number.", line=line)
    return number


def _blocks(text: str):
    """Paragraphs of non-comment lines, with the line each starts on."""
    block: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith("//"):
            continue
        if not line.strip():
            if block:
                yield start, "\n".join(block)
                block = []
            continue
        if not block:
            start = number
        block.append(line)
    if block:
        yield start, "\n".join(block)


def parse(data: bytes, *, limits: ImportLimits) -> ParsedBank:
    if len(data) > limits.max_bytes:
        raise ImportSyntaxError(f"The file is larger than {limits.max_bytes} bytes.", code="too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportSyntaxError("A GIFT file must be UTF-8 text.", code="invalid_unicode") from None
    if "\x00" in text:
        raise ImportSyntaxError("The file holds a NUL character.", code="invalid_unicode")
    questions: list[ImportedQuestion] = []
    skipped: list[SkippedQuestion] = []
    category = ""
    index = 0
    for line, raw in _blocks(text):
        body = _escape(raw).strip()
        if body.startswith("$CATEGORY:"):
            first, _, rest = body.partition("\n")
            category = _restore(first[len("$CATEGORY:") :])
            category = re.sub(r"^\$(course|system|module|cat\d+)\$/?", "", category)
            body = rest.strip()
            if not body:
                continue
        index += 1
        if index > limits.max_questions:
            raise ImportSyntaxError(
                f"The file has more than {limits.max_questions} questions.", code="too_many"
            )
        result = _question(body, index, line, category, limits)
        (questions if isinstance(result, ImportedQuestion) else skipped).append(result)
    return ParsedBank(format="gift", questions=tuple(questions), skipped=tuple(skipped))


def _question(body: str, index: int, line: int, category: str, limits: ImportLimits):
    name = ""
    title = re.match(r"^::(.*?)::", body, re.S)
    if title:
        name = _restore(title.group(1))[:255]
        body = body[title.end() :].lstrip()
    opening, closing = body.count("{"), body.count("}")
    if opening != closing or opening > 1:
        if opening != closing:
            raise ImportSyntaxError(f"Question {index}: unbalanced braces {{ }}.", line=line)
        raise ImportSyntaxError(f"Question {index}: more than one answer block {{ }}.", line=line)
    stem_format = "text"
    fmt = re.match(r"^\[(html|moodle|plain|markdown)\]", body)
    if fmt:
        stem_format = FORMATS[fmt.group(1)]
        body = body[fmt.end() :]
    if opening == 0:
        stem = _restore(body)
        name = name or stem[:60]
        return SkippedQuestion(
            index, name, "description", "not_mappable", "A description (no answer block) is not a question."
        )
    start, end = body.index("{"), body.index("}")
    if end < start:
        raise ImportSyntaxError(f"Question {index}: '}}' before '{{'.", line=line)
    before, answer, after = body[:start], body[start + 1 : end], body[end + 1 :]
    dropped: list[str] = []
    if before.strip() and after.strip():
        stem = _restore(before) + " _____ " + _restore(after)
    else:
        stem = _restore(before + after)
    check_text(stem, limits, what=f"Question {index}: text", line=line)
    if not stem:
        raise ImportSyntaxError(f"Question {index}: the question text is empty.", line=line)
    name = name or stem[:60]
    answer, _, general = answer.partition("####")
    common = {
        "index": index,
        "name": name,
        "stem": stem,
        "stem_format": stem_format,
        "general_feedback": check_text(_restore(general), limits, what="General feedback", line=line),
        "category": category,
    }
    answer = answer.strip()
    if not answer:
        return SkippedQuestion(
            index,
            name,
            "essay",
            "not_mappable",
            "Essay questions are graded by hand; the bank has no such type.",
        )
    upper = answer.split("#", 1)[0].strip().upper()
    if upper in {"T", "TRUE", "F", "FALSE"}:
        right = upper.startswith("T")
        feedback = [_restore(f) for f in answer.split("#")[1:3]]
        wrong_feedback = feedback[0] if feedback else ""
        right_feedback = feedback[1] if len(feedback) > 1 else ""
        return ImportedQuestion(
            **common,
            kind=TRUE_FALSE,
            choices=(
                ImportedChoice("True", 1.0 if right else 0.0, right_feedback if right else wrong_feedback),
                ImportedChoice("False", 0.0 if right else 1.0, wrong_feedback if right else right_feedback),
            ),
            shuffle=False,
        )
    if answer.startswith("#"):
        return _numeric(answer[1:], common, index, line, limits)
    items = _items(answer, index, line)
    if any("->" in text for _, text in items):
        return SkippedQuestion(
            index, name, "matching", "not_mappable", "Matching questions have no counterpart in the bank."
        )
    if len(items) > limits.max_options:
        raise ImportSyntaxError(
            f"Question {index}: more than {limits.max_options} answers.", code="too_many", line=line
        )
    choices = tuple(_choice(mark, text, index, line, limits) for mark, text in items)
    if all(mark == "=" for mark, _ in items):
        return ImportedQuestion(**common, kind=SHORT_TEXT, choices=choices, dropped=tuple(dropped))
    if len(choices) < 2:
        return SkippedQuestion(
            index, name, "multichoice", "too_few_options", "A choice question needs at least two options."
        )
    if not any(c.fraction > 0 for c in choices):
        return SkippedQuestion(index, name, "multichoice", "no_correct_option", "No option earns any marks.")
    # One "=" answer: single choice (other answers may carry partial weights, as in
    # Moodle); weights only ("~%50%a ~%50%b ~%-100%c"): multiple choice.
    kind = SINGLE_CHOICE if sum(mark == "=" for mark, _ in items) == 1 else MULTIPLE_CHOICE
    return ImportedQuestion(**common, kind=kind, choices=choices, dropped=tuple(dropped))


def _items(answer: str, index: int, line: int) -> list[tuple[str, str]]:
    parts = re.split(r"([=~])", answer)
    if parts[0].strip():
        raise ImportSyntaxError(
            f"Question {index}: answers must start with '=' or '~' (got {_restore(parts[0])[:40]!r}).",
            line=line,
        )
    items = []
    for k in range(1, len(parts), 2):
        mark, text = parts[k], parts[k + 1]
        # "=a -> b" of a matching question keeps its "->" (a '~' or '=' inside needs \)
        items.append((mark, text))
    if any(not text.strip() for _, text in items):
        raise ImportSyntaxError(f"Question {index}: an empty answer.", line=line)
    return items


def _choice(mark: str, text: str, index: int, line: int, limits: ImportLimits) -> ImportedChoice:
    text = text.strip()
    fraction = 1.0 if mark == "=" else 0.0
    weight = WEIGHT_RE.match(text)
    if weight:
        fraction = float(weight.group(1)) / 100
        if not -1.0 <= fraction <= 1.0:
            raise ImportSyntaxError(
                f"Question {index}: weight {weight.group(1)}% is outside -100..100.", line=line
            )
        text = text[weight.end() :]
    elif text.startswith("%"):
        raise ImportSyntaxError(f"Question {index}: a weight must be like %50%.", line=line)
    text, _, feedback = text.partition("#")
    return ImportedChoice(
        text=check_text(_restore(text), limits, what=f"Question {index}: answer", line=line),
        fraction=fraction,
        feedback=check_text(_restore(feedback), limits, what=f"Question {index}: feedback", line=line),
    )


def _numeric(answer: str, common: dict, index: int, line: int, limits: ImportLimits) -> ImportedQuestion:
    answer = answer.strip()
    entries = [("=", answer)] if not answer.startswith("=") else _items(answer, index, line)
    values = []
    for mark, text in entries:
        if mark != "=":
            raise ImportSyntaxError(f"Question {index}: numeric answers start with '='.", line=line)
        text = text.strip()
        fraction = 1.0
        weight = WEIGHT_RE.match(text)
        if weight:
            fraction = float(weight.group(1)) / 100
            text = text[weight.end() :]
        text, _, feedback = text.partition("#")
        if ".." in text:
            low, _, high = text.partition("..")
            low_v, high_v = (
                _number(low, what="Range start", line=line),
                _number(high, what="Range end", line=line),
            )
            if high_v < low_v:
                raise ImportSyntaxError(f"Question {index}: the range ends before it starts.", line=line)
            value, tolerance = (low_v + high_v) / 2, (high_v - low_v) / 2
        else:
            number, _, tol = text.partition(":")
            value = _number(number, what="Answer", line=line)
            tolerance = abs(_number(tol, what="Tolerance", line=line)) if tol.strip() else 0.0
        values.append(
            ImportedNumeric(
                value=value,
                tolerance=tolerance,
                fraction=fraction,
                feedback=check_text(_restore(feedback), limits, what="Feedback", line=line),
            )
        )
    if len(values) > limits.max_options:
        raise ImportSyntaxError(
            f"Question {index}: more than {limits.max_options} answers.", code="too_many", line=line
        )
    if not any(v.fraction > 0 for v in values):
        return SkippedQuestion(
            index, common["name"], "numerical", "no_correct_option", "No numeric answer earns any marks."
        )
    return ImportedQuestion(**common, kind=NUMERIC, numeric=tuple(values))
