"""The intermediate form both parsers produce (frozen: a parsed bank is a value)."""

from __future__ import annotations

from dataclasses import dataclass, field

# The question kinds part 1's bank has and an import can produce.
SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
TRUE_FALSE = "true_false"
NUMERIC = "numeric"
SHORT_TEXT = "short_text"
ORDERING = "ordering"
KINDS = (SINGLE_CHOICE, MULTIPLE_CHOICE, TRUE_FALSE, NUMERIC, SHORT_TEXT, ORDERING)


class ImportSyntaxError(ValueError):
    """The file is malformed (or hostile, or too big): nothing of it is imported."""

    def __init__(self, detail: str, *, code: str = "malformed", line: int | None = None):
        self.detail = f"Line {line}: {detail}" if line else detail
        self.code = code
        self.line = line
        super().__init__(self.detail)


@dataclass(frozen=True)
class ImportLimits:
    """Bounds on what one file may hold (the service fills them from settings)."""

    max_bytes: int = 2 * 1024 * 1024
    max_questions: int = 500
    max_options: int = 50
    max_text_chars: int = 20_000
    max_xml_elements: int = 200_000


@dataclass(frozen=True)
class ImportedChoice:
    """An option of a choice question, or an accepted answer of a short-text one
    (`fraction` of the points it earns: 1.0 right, 0 wrong, negative a penalty)."""

    text: str
    fraction: float
    feedback: str = ""


@dataclass(frozen=True)
class ImportedNumeric:
    value: float
    tolerance: float
    fraction: float
    feedback: str = ""


@dataclass(frozen=True)
class ImportedQuestion:
    index: int  # 1-based position of the question in the file
    name: str
    kind: str
    stem: str
    stem_format: str = "html"  # html | text | markdown
    general_feedback: str = ""
    points: float = 1.0
    tags: tuple[str, ...] = ()
    category: str = ""
    choices: tuple[ImportedChoice, ...] = ()
    numeric: tuple[ImportedNumeric, ...] = ()
    case_sensitive: bool = False
    order: tuple[str, ...] = ()  # ordering: the items in their right order
    shuffle: bool = True
    dropped: tuple[str, ...] = field(default=())  # parts of the source we could not keep


@dataclass(frozen=True)
class SkippedQuestion:
    index: int
    name: str
    source_type: str
    code: str
    detail: str


@dataclass(frozen=True)
class ParsedBank:
    format: str
    questions: tuple[ImportedQuestion, ...]
    skipped: tuple[SkippedQuestion, ...]


def check_text(text: str, limits: ImportLimits, *, what: str, line: int | None = None) -> str:
    if len(text) > limits.max_text_chars:
        raise ImportSyntaxError(
            f"{what} is longer than {limits.max_text_chars} characters.", code="too_long", line=line
        )
    if "\x00" in text:
        raise ImportSyntaxError(f"{what} holds a NUL character.", code="invalid_unicode", line=line)
    return text


def choice_kind(choices: tuple[ImportedChoice, ...]) -> str:
    """single_choice when exactly one option earns full marks and none partial ones."""
    positive = [c for c in choices if c.fraction > 0]
    if len(positive) == 1 and abs(positive[0].fraction - 1.0) < 1e-9:
        return SINGLE_CHOICE
    return MULTIPLE_CHOICE
