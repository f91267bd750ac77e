"""Writing a parsed bank: `question_bank_import` (the import endpoint and the demo
loader call it).

1. Parse the whole file (gift.py / moodle_xml.py): a malformed, hostile or oversized
   file raises ImportSyntaxError and nothing is written.
2. Map every question to the bank's fields (types.py kinds -> QuestionType; HTML stems
   through the editor's own rich-text allow-list, feedback and options as plain text).
3. In one transaction, create each question with part 1's `question_create` (or update
   the one its import key already names with `question_update`, which makes a new
   version when attempts have shown the old one). A question the bank's rules refuse
   (e.g. a single choice with two right answers) is reported, not written; the others
   are. `dry_run` does all of it and rolls back.

The import key (`Question.source_key`) is "<format>:<category>/<name>", so importing the
same file again updates instead of duplicating.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import parse
from .types import (
    MULTIPLE_CHOICE,
    NUMERIC,
    ORDERING,
    SHORT_TEXT,
    SINGLE_CHOICE,
    TRUE_FALSE,
    ImportedQuestion,
    ImportLimits,
    ParsedBank,
)

KIND_TO_TYPE = {
    SINGLE_CHOICE: "single",
    MULTIPLE_CHOICE: "multiple",
    TRUE_FALSE: "true_false",
    NUMERIC: "numeric",
    SHORT_TEXT: "short_text",
    ORDERING: "ordering",
}


@dataclass(frozen=True)
class ImportedRow:
    index: int
    name: str
    status: str  # created | updated | invalid
    question_id: int | None
    question_type: str
    dropped: tuple[str, ...]
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class BankImportReport:
    format: str
    dry_run: bool
    rows: tuple[ImportedRow, ...]
    bank: ParsedBank


def import_limits() -> ImportLimits:
    return ImportLimits(
        max_bytes=settings.QUESTION_IMPORT_MAX_BYTES,
        max_questions=settings.QUESTION_IMPORT_MAX_QUESTIONS,
        max_options=settings.QUESTION_IMPORT_MAX_OPTIONS,
        max_text_chars=settings.QUESTION_IMPORT_MAX_TEXT_CHARS,
        max_xml_elements=settings.QUESTION_IMPORT_MAX_XML_ELEMENTS,
    )


def _as_text(text: str) -> str:
    """HTML (Moodle stores answers and feedback as HTML) as plain text."""
    text = re.sub(r"<br\s*/?>|</p>", "\n", text or "", flags=re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _stem(question: ImportedQuestion) -> str:
    from cms.services.input import rich_text_clean
    from learning.assessments.models import STEM_FEATURES

    if question.stem_format == "html":
        return rich_text_clean(question.stem, STEM_FEATURES, attr="stem")
    paragraphs = [p for p in re.split(r"\n\s*\n", question.stem) if p.strip()]
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in paragraphs)


def _options(question: ImportedQuestion) -> list[dict]:
    # Answers and feedback are HTML where the question's text is (Moodle XML's default,
    # GIFT's [html]); plain text elsewhere ("<a>" is then an answer, not a tag).
    is_html = question.stem_format == "html"

    def _plain(text: str) -> str:
        return _as_text(text) if is_html else (text or "").strip()

    if question.kind == NUMERIC:
        return [
            {
                "text": repr(n.value) if n.value != int(n.value) else str(int(n.value)),
                "correct": n.fraction >= 1.0,
                "weight": 0.0 if n.fraction >= 1.0 else n.fraction,
                "tolerance": n.tolerance,
                "feedback": _plain(n.feedback),
            }
            for n in question.numeric
        ]
    if question.kind == ORDERING:
        return [{"text": _plain(item), "correct": True} for item in question.order]
    options = []
    for choice in question.choices:
        full = choice.fraction >= 1.0 - 1e-9
        if question.kind == MULTIPLE_CHOICE:
            correct = choice.fraction > 0
            weight = choice.fraction
        else:
            correct = full
            weight = 0.0 if full else choice.fraction
        options.append(
            {
                "text": _plain(choice.text),
                "correct": correct,
                "weight": weight,
                "feedback": _plain(choice.feedback),
            }
        )
    return options


def question_data(question: ImportedQuestion) -> dict:
    """The bank's fields for one parsed question (what question_create takes)."""
    tags = list(question.tags)
    if question.category:
        leaf = question.category.rstrip("/").rsplit("/", 1)[-1].strip()
        if leaf and leaf not in tags:
            tags.append(leaf[:100])
    data = {
        "title": question.name[:200],
        "question_type": KIND_TO_TYPE[question.kind],
        "stem": _stem(question),
        "general_feedback": _as_text(question.general_feedback)
        if question.stem_format == "html"
        else question.general_feedback.strip(),
        "points": min(question.points, 1000.0),
        "case_sensitive": question.case_sensitive,
        "options": _options(question),
        "tags": tags,
    }
    if question.kind == MULTIPLE_CHOICE:
        data["multiple_scoring"] = "weights"  # Moodle's rule: the sum of the chosen weights
    return data


def _messages(exc: ValidationError) -> tuple[str, ...]:
    if hasattr(exc, "message_dict"):
        return tuple(f"{field}: {m}" for field, messages in exc.message_dict.items() for m in messages)
    return tuple(exc.messages)


def question_bank_import(
    *, user, course, data: bytes, format: str, dry_run: bool = False
) -> BankImportReport:  # noqa: A002
    """Import a GIFT or Moodle XML file into `course`'s bank (None: the site-wide bank,
    admins only). Raises ImportSyntaxError (malformed: nothing written) or
    PermissionDenied."""
    from cms.permissions import user_can_edit_course, user_is_content_admin
    from learning.assessments.models import Question
    from learning.assessments.services import question_create, question_update

    if course is None and not user_is_content_admin(user):
        raise PermissionDenied("Only admins import into the site-wide bank.")
    if course is not None and not user_can_edit_course(user, course):
        raise PermissionDenied("You may not edit this course's questions.")
    bank = parse(data, format=format, limits=import_limits())
    rows: list[ImportedRow] = []
    with transaction.atomic():
        keys_seen: set[str] = set()
        for question in bank.questions:
            key = f"{format}:{question.category}/{question.name}"[:190]
            if key in keys_seen:
                key = f"{key[:180]}#{question.index}"
            keys_seen.add(key)
            qtype = KIND_TO_TYPE[question.kind]
            try:
                fields = question_data(question)
                existing = Question.objects.filter(course=course, source_key=key).first()
                with transaction.atomic():
                    if existing is not None:
                        saved = question_update(user=user, question=existing, data=fields)
                        status = "updated"
                    else:
                        saved = question_create(user=user, course=course, data=fields, source_key=key)
                        status = "created"
            except ValidationError as exc:
                rows.append(
                    ImportedRow(
                        question.index,
                        question.name,
                        "invalid",
                        None,
                        qtype,
                        question.dropped,
                        _messages(exc),
                    )
                )
                continue
            rows.append(ImportedRow(question.index, question.name, status, saved.pk, qtype, question.dropped))
        if dry_run:
            transaction.set_rollback(True)
    return BankImportReport(format=format, dry_run=dry_run, rows=tuple(rows), bank=bank)
