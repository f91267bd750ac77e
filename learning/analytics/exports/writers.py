"""Writing report rows to a file, streamed: CSV through the csv module, XLSX through
openpyxl's write-only workbook (rows go to disk as they come, nothing is kept).

Every cell goes through `cell()`: text that a spreadsheet would take for a formula
(starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, the
OWASP "CSV injection" advice; other text, Unicode included, is written as it is.
Datetimes are ISO 8601 in UTC; XLSX drops the control characters XML cannot hold.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import IO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A value as it goes into a report: numbers stay numbers, booleans true/false,
    times ISO 8601, text neutralised against formula injection."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class CsvReportWriter:
    """UTF-8 with a byte order mark, so spreadsheet programs read non-ASCII text right."""

    def __init__(self, stream: IO[bytes]):
        import io

        self._text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=False)
        self._csv = csv.writer(self._text)

    def header(self, columns: list[str]) -> None:
        self._csv.writerow(columns)

    def row(self, values: list) -> None:
        self._csv.writerow([cell(v) for v in values])

    def close(self) -> None:
        self._text.flush()
        self._text.detach()


class XlsxReportWriter:
    def __init__(self, stream: IO[bytes], *, title: str = "Report"):
        from openpyxl import Workbook

        self._stream = stream
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(title=title[:31])

    def header(self, columns: list[str]) -> None:
        self._sheet.append(columns)

    def row(self, values: list) -> None:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        # Control characters go first, so that what is left is what the formula check sees.
        self._sheet.append(
            [cell(ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v) for v in values]
        )

    def close(self) -> None:
        self._book.save(self._stream)


def writer_for(fmt: str, stream: IO[bytes], *, title: str):
    return CsvReportWriter(stream) if fmt == "csv" else XlsxReportWriter(stream, title=title)
