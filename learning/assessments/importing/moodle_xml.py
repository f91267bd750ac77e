"""Moodle XML question files (docs.moodle.org "Moodle XML format") into a ParsedBank.

Parsed with defusedxml: a DTD, an entity declaration or an external reference makes the
file malformed (no billion laughs, no external entities), and the size and element count
are bounded before and while parsing. Mapped: multichoice (single or multiple, with
fractions), truefalse, numerical (first unit dropped and reported), shortanswer,
ordering (the qtype_ordering plugin). Reported as not mappable: essay, matching, cloze
(multianswer), calculated*, drag-and-drop, description and any other type.
"""

from __future__ import annotations

import html
import re

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from .types import (
    MULTIPLE_CHOICE,
    NUMERIC,
    ORDERING,
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

NOT_MAPPABLE = {
    "essay": "Essay questions are graded by hand; the bank has no such type.",
    "matching": "Matching questions have no counterpart in the bank.",
    "randomsamatch": "Random short-answer matching has no counterpart in the bank.",
    "multianswer": "Embedded answers (Cloze) have no counterpart in the bank.",
    "calculated": "Calculated questions (formulas with wildcards) have no counterpart in the bank.",
    "calculatedsimple": "Calculated questions (formulas with wildcards) have no counterpart in the bank.",
    "calculatedmulti": "Calculated questions (formulas with wildcards) have no counterpart in the bank.",
    "ddwtos": "Drag-and-drop into text has no counterpart in the bank.",
    "ddimageortext": "Drag-and-drop onto an image has no counterpart in the bank.",
    "ddmarker": "Drag-and-drop markers have no counterpart in the bank.",
    "gapselect": "Select missing words has no counterpart in the bank.",
    "description": "A description is not a question.",
    "random": "A random-question placeholder refers to another Moodle bank.",
}
TRUE_WORDS = {"true", "1", "yes"}


def _text(element, path: str, limits: ImportLimits, *, what: str) -> str:
    node = element.find(path)
    if node is None:
        return ""
    text_node = node.find("text") if node.tag != "text" else node
    value = (text_node.text if text_node is not None else node.text) or ""
    return check_text(value.strip(), limits, what=what)


def _format(element, path: str) -> str:
    node = element.find(path)
    fmt = (node.get("format") if node is not None else None) or "html"
    return {"html": "html", "markdown": "markdown", "plain_text": "text", "moodle_auto_format": "text"}.get(
        fmt, "html"
    )


def _number(value: str | None, *, what: str, default: float | None = None) -> float:
    if value is None or not value.strip():
        if default is None:
            raise ImportSyntaxError(f"{what} is missing.")
        return default
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        raise ImportSyntaxError(f"{what} is not a number: {value.strip()[:40]!r}.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ImportSyntaxError(f"{what} is not a finite number.")
    return number


def _fraction(answer, *, what: str) -> float:
    percent = _number(answer.get("fraction"), what=f"{what}: fraction", default=0.0)
    if not -100.0 <= percent <= 100.0:
        raise ImportSyntaxError(f"{what}: fraction {percent} is outside -100..100.")
    return percent / 100.0


def _bool(element, path: str, default: bool) -> bool:
    node = element.find(path)
    if node is None or node.text is None:
        return default
    return node.text.strip().lower() in TRUE_WORDS


def parse(data: bytes, *, limits: ImportLimits) -> ParsedBank:
    if len(data) > limits.max_bytes:
        raise ImportSyntaxError(f"The file is larger than {limits.max_bytes} bytes.", code="too_large")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ImportSyntaxError(
            f"The XML declares a DTD or entities, which are not allowed ({type(exc).__name__}).",
            code="forbidden_xml",
        ) from None
    except SafeET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise ImportSyntaxError(f"Not well-formed XML: {exc}", line=line) from None
    if root.tag != "quiz":
        raise ImportSyntaxError("The root element must be <quiz>.")
    count = sum(1 for _ in root.iter())
    if count > limits.max_xml_elements:
        raise ImportSyntaxError(
            f"The file has more than {limits.max_xml_elements} XML elements.", code="too_large"
        )
    entries = root.findall("question")
    questions: list[ImportedQuestion] = []
    skipped: list[SkippedQuestion] = []
    category = ""
    index = 0
    for element in entries:
        qtype = (element.get("type") or "").strip()
        if qtype == "category":
            category = _text(element, "category", limits, what="Category")
            category = re.sub(r"^\$(course|system|module|cat\d+)\$/?", "", category)
            continue
        index += 1
        if index > limits.max_questions:
            raise ImportSyntaxError(
                f"The file has more than {limits.max_questions} questions.", code="too_many"
            )
        name = _text(element, "name", limits, what=f"Question {index}: name")[:255] or f"Question {index}"
        if qtype in NOT_MAPPABLE or qtype not in {
            "multichoice",
            "truefalse",
            "numerical",
            "shortanswer",
            "ordering",
        }:
            detail = NOT_MAPPABLE.get(
                qtype, f"The question type {qtype or '(none)'!r} has no counterpart in the bank."
            )
            skipped.append(SkippedQuestion(index, name, qtype or "(none)", "not_mappable", detail))
            continue
        try:
            question = _question(element, qtype, index, name, category, limits)
        except _Unmappable as exc:
            skipped.append(SkippedQuestion(index, name, qtype, exc.code, exc.detail))
            continue
        except ImportSyntaxError as exc:
            raise ImportSyntaxError(f"Question {index} ({name}): {exc.detail}", code=exc.code) from None
        questions.append(question)
    return ParsedBank(format="moodle_xml", questions=tuple(questions), skipped=tuple(skipped))


class _Unmappable(Exception):
    def __init__(self, code: str, detail: str):
        self.code, self.detail = code, detail


def _question(element, qtype: str, index: int, name: str, category: str, limits: ImportLimits):
    stem = _text(element, "questiontext", limits, what="Question text")
    if not stem:
        raise ImportSyntaxError("The question text is empty.")
    dropped: list[str] = []
    if element.find("questiontext/file") is not None:
        dropped.append("Embedded files (images) in the question text were not imported.")
    for part, label in (("hint", "hints"), ("penalty", "the penalty for each try")):
        node = element.find(part)
        if node is not None and (part != "penalty" or _number(node.text, what="penalty", default=0) > 0):
            dropped.append(f"Moodle's {label} (interactive mode) were not imported.")
    tags = tuple(
        dict.fromkeys(
            check_text((t.text or "").strip(), limits, what="Tag")[:100]
            for t in element.findall("tags/tag/text")
            if (t.text or "").strip()
        )
    )
    answers = element.findall("answer")
    if len(answers) > limits.max_options:
        raise ImportSyntaxError(f"More than {limits.max_options} answers.", code="too_many")
    common = {
        "index": index,
        "name": name,
        "stem": stem,
        "stem_format": _format(element, "questiontext"),
        "general_feedback": _text(element, "generalfeedback", limits, what="General feedback"),
        "points": max(
            0.0,
            _number(
                _text(element, "defaultgrade", limits, what="Default grade") or None,
                what="defaultgrade",
                default=1.0,
            ),
        ),
        "tags": tags,
        "category": category,
    }
    if common["points"] <= 0:
        raise _Unmappable("no_points", "A question worth 0 points cannot be scored.")

    def choices(*, strip_html: bool = False) -> tuple[ImportedChoice, ...]:
        out = []
        for k, answer in enumerate(answers, start=1):
            text = (
                _text(answer, "text", limits, what=f"Answer {k}") if answer.find("text") is not None else ""
            )
            if strip_html:
                text = html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
            out.append(
                ImportedChoice(
                    text=text,
                    fraction=_fraction(answer, what=f"Answer {k}"),
                    feedback=_text(answer, "feedback", limits, what=f"Answer {k}: feedback"),
                )
            )
        return tuple(out)

    if qtype == "multichoice":
        options = choices()
        if len(options) < 2:
            raise _Unmappable("too_few_options", "A choice question needs at least two options.")
        if not any(c.fraction > 0 for c in options):
            raise _Unmappable("no_correct_option", "No option earns any marks.")
        kind = SINGLE_CHOICE if _bool(element, "single", True) else MULTIPLE_CHOICE
        for part in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            if _text(element, part, limits, what=part):
                dropped.append(f"Moodle's combined feedback ({part}) was not imported.")
                break
        return ImportedQuestion(
            **common,
            kind=kind,
            choices=options,
            shuffle=_bool(element, "shuffleanswers", True),
            dropped=tuple(dropped),
        )
    if qtype == "truefalse":
        options = choices(strip_html=True)
        right = [c for c in options if c.fraction >= 1.0]
        words = {c.text.lower() for c in right}
        if len(right) != 1 or not words <= {"true", "false"}:
            raise ImportSyntaxError("A true/false question needs one right answer, 'true' or 'false'.")
        feedback = {c.text.lower(): c.feedback for c in options}
        return ImportedQuestion(
            **common,
            kind=TRUE_FALSE,
            choices=(
                ImportedChoice("True", 1.0 if "true" in words else 0.0, feedback.get("true", "")),
                ImportedChoice("False", 1.0 if "false" in words else 0.0, feedback.get("false", "")),
            ),
            shuffle=False,
            dropped=tuple(dropped),
        )
    if qtype == "shortanswer":
        options = tuple(c for c in choices(strip_html=True) if c.text)
        if not any(c.fraction > 0 for c in options):
            raise _Unmappable("no_correct_option", "No accepted answer earns any marks.")
        return ImportedQuestion(
            **common,
            kind=SHORT_TEXT,
            choices=options,
            case_sensitive=_bool(element, "usecase", False),
            dropped=tuple(dropped),
        )
    if qtype == "numerical":
        values = []
        for k, answer in enumerate(answers, start=1):
            raw = _text(answer, "text", limits, what=f"Answer {k}")
            if raw == "*":
                dropped.append("The catch-all answer '*' was not imported.")
                continue
            values.append(
                ImportedNumeric(
                    value=_number(raw, what=f"Answer {k}"),
                    tolerance=abs(
                        _number(
                            _text(answer, "tolerance", limits, what="Tolerance") or None,
                            what=f"Answer {k}: tolerance",
                            default=0.0,
                        )
                    ),
                    fraction=_fraction(answer, what=f"Answer {k}"),
                    feedback=_text(answer, "feedback", limits, what=f"Answer {k}: feedback"),
                )
            )
        if not any(v.fraction > 0 for v in values):
            raise _Unmappable("no_correct_option", "No numeric answer earns any marks.")
        if element.find("units/unit") is not None:
            dropped.append("Units were not imported: answers are plain numbers.")
        return ImportedQuestion(**common, kind=NUMERIC, numeric=tuple(values), dropped=tuple(dropped))
    # ordering (qtype_ordering): the answers in their right order.
    items = tuple(_text(a, "text", limits, what="Ordering item") for a in answers)
    if len(items) < 2 or any(not item for item in items):
        raise _Unmappable("too_few_options", "An ordering question needs at least two non-empty items.")
    return ImportedQuestion(**common, kind=ORDERING, order=items, dropped=tuple(dropped))
