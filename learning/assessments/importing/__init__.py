"""Importing question banks teachers already have: GIFT and Moodle XML
(docs/assessments.md#import).

`gift.parse` and `moodle_xml.parse` turn a file into a `ParsedBank` (types.py): frozen
dataclasses that hold every question we can map, plus, per question, what could not be
mapped (a whole question of a type we do not have, or parts of one we dropped). They
touch no database: a malformed file raises `ImportSyntaxError` before anything is
written; the service writes the parsed bank in one transaction.
"""

from .types import (
    ImportedChoice,
    ImportedNumeric,
    ImportedQuestion,
    ImportLimits,
    ImportSyntaxError,
    ParsedBank,
    SkippedQuestion,
)


def parse(data: bytes, *, format: str, limits: ImportLimits | None = None) -> ParsedBank:  # noqa: A002
    """Parse a GIFT (`format="gift"`) or Moodle XML (`"moodle_xml"`) file."""
    from . import gift, moodle_xml

    parsers = {"gift": gift.parse, "moodle_xml": moodle_xml.parse}
    if format not in parsers:
        raise ImportSyntaxError(f"Unknown format {format!r}: use gift or moodle_xml.", code="unknown_format")
    return parsers[format](data, limits=limits or ImportLimits())


__all__ = [
    "ImportLimits",
    "ImportSyntaxError",
    "ImportedChoice",
    "ImportedNumeric",
    "ImportedQuestion",
    "ParsedBank",
    "SkippedQuestion",
    "parse",
]
