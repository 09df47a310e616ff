"""Streaming CSV and XLSX writers with spreadsheet-formula neutralisation. Imports no Django.

A text cell that begins with = + - @ or a tab / carriage return is executed as a formula by Excel,
LibreOffice and Google Sheets (OWASP "CSV injection"); such cells get a leading apostrophe, which
spreadsheets show as text. Numbers stay numbers. Rows are consumed one at a time, so memory does not
grow with the number of rows (openpyxl's write-only mode streams to a temporary file).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Line:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text, one line at a time (header first); None becomes an empty cell."""
    writer = csv.writer(_Line())
    yield writer.writerow([neutralise(h) for h in header])
    for row in rows:
        yield writer.writerow(["" if v is None else neutralise(v) for v in row])


def csv_write(target: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write CSV to an open text file; returns the number of data rows."""
    lines = 0
    for line in csv_lines(header, rows):
        target.write(line)
        lines += 1
    return lines - 1


def xlsx_write(target: str | IO[bytes], sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> int:
    """Write an XLSX workbook with one sheet per (title, header, rows); returns the number of data rows."""
    book = Workbook(write_only=True)
    total = 0
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append([neutralise(h) for h in header])
        for row in rows:
            sheet.append([neutralise(v) for v in row])
            total += 1
    book.save(target)
    return total
