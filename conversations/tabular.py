"""The one way parbot writes a cell of an exported table (Excel workbook or CSV file).

Exports carry text people typed — explanations, names, file names, catalog titles, unit
names from a CSV. A spreadsheet treats text starting with ``=``, ``+``, ``-`` or ``@`` (and,
in some programs, a tab or carriage return) as a formula, so an explanation such as
``=HYPERLINK("http://evil.example/","click")`` would become a live link in the council's
workbook (CSV/formula injection). Every export writes its cells through this module, and a
test fails if one writes around it:

- **Excel**: cells go into a :class:`~conversations.workbook.Workbook` through :func:`put`
  (typed, cleaned); the sheet writer from the composition root (``documents.xlsx``) stores
  every text as a text cell (never a formula or an error value), and text starting with one
  of those characters also gets Excel's "quote prefix" — what Excel itself stores when a
  person types a leading ``'`` — so it stays text even when someone edits the cell. The text
  itself is kept exactly as typed.
- **CSV**: there are no cell types, so such text is written with a leading ``'`` as OWASP
  recommends for CSV injection.

Real numbers, dates and times stay numbers and dates; characters a workbook cannot hold
(control characters other than tab, newline and carriage return) are dropped rather than
failing the whole export.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, time
from decimal import Decimal

from conversations.workbook import Cell, Worksheet

RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
Value = str | int | float | Decimal | date | time | None  # bool is an int, datetime a date


def clean(text: str) -> str:
    """``text`` without the control characters no workbook (and no sane CSV) can hold."""
    return _CONTROL.sub("", text)


def is_risky(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula."""
    return text.startswith(RISKY_START)


def _typed(value: object) -> Value:
    """Numbers, dates and booleans as they are; anything else as cleaned text."""
    if value is None or isinstance(value, int | float | Decimal | date | time):
        return value
    return clean(value if isinstance(value, str) else str(value))


def csv_value(value: object) -> Value:
    """One CSV field: text that could start a formula gets a leading ``'``."""
    typed = _typed(value)
    if isinstance(typed, str) and is_risky(typed):
        return "'" + typed
    return typed


def put(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """Write ``value`` into the worksheet ``ws`` at (row, column); returns the cell so the
    caller can style it. Numbers and dates stay typed; anything else becomes cleaned text."""
    cell = ws.cell(row=row, column=column)
    cell.value = _typed(value)
    return cell


def append(ws: Worksheet, values: Iterable[object]) -> int:
    """Write ``values`` as the next row of ``ws`` (like ``ws.append``); returns its number."""
    row = ws.max_row + 1 if ws.cells else 1
    for column, value in enumerate(values, start=1):
        put(ws, row, column, value)
    return row


def csv_bytes(rows: Iterable[Iterable[object]], *, bom: bool = True) -> bytes:
    """Rows as CSV (CRLF line ends), UTF-8 with a BOM so Excel shows Vietnamese correctly;
    every field goes through :func:`csv_value`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for r in rows:
        writer.writerow([csv_value(v) for v in r])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")
