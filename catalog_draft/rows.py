"""Table rows → logical lines: code, title, max, rule and evidence, from whatever layout.

Codes sit in the STT column or at the start of the title ("1.1.1. Kế hoạch …", trailing dot or
not); Roman numerals and capital letters (I, II, A, B) are grouping rows; lowercase letters
(a, b) are parts of the item above. A row with no code and no points continues the row above
(a cell split over a page break, a wrapped line); notes and totals under the table are kept as
loose text for the classification sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from catalog_draft.clauses import glue
from catalog_draft.columns import Columns, find_columns, header_of, is_number_row, same_shape
from catalog_draft.numbers import points_cell
from catalog_draft.source import SourceDocument, SourceRow, SourceTable
from scoring.values import fold_chars

_DEC = r"(\d{1,2}(?:\.\d{1,2}){0,4})"
_CODE_CELL = re.compile(rf"^\s*{_DEC}\s*\.?\s*$")
_CODE_TITLE = re.compile(rf"^\s*{_DEC}\s*[.)]?\s+(?=[^\s%])")
_ROMAN_CELL = re.compile(r"^\s*(?:phần|mục)?\s*([IVXL]{1,5})\s*[.):\-–]?\s*$", re.IGNORECASE)
_ROMAN_TITLE = re.compile(r"^\s*(?:PHẦN\s+|Phần\s+)?([IVXL]{1,5})\s*[.):\-–]\s+")
_UPPER_CELL = re.compile(r"^\s*([A-H])\s*[.):\-–]?\s*$")
_UPPER_TITLE = re.compile(r"^\s*([A-H])\s*[.):\-–]\s+")
_LOWER_CELL = re.compile(r"^\s*([a-hđ])\s*[.)]?\s*$")
_LOWER_TITLE = re.compile(r"^\s*([a-hđ])\s*\)\s+")
_TOTAL = re.compile(r"^\s*(?:tong cong|tong so diem|tong diem|tong|cong)\b")
_NOTE = re.compile(r"^\s*(?:\(?\*+\)?|ghi chu|luu y|xep loai|chu thich|cach xep loai)")


@dataclass
class Line:
    code: str | None  # "1.1.1" (no trailing dot) or a lowercase part letter
    kind: str  # "item" | "group" | "part" | "plain"
    title: str
    max: Decimal | None
    max_text: str
    rule: str
    evidence: str
    row: int


@dataclass
class Lines:
    lines: list[Line]
    loose: list[str]
    stated_total: Decimal | None
    columns: Columns | None


def criteria_lines(doc: SourceDocument) -> Lines:
    """The criteria table's lines; tables after it with the same columns continue it."""
    loose = list(doc.paragraphs)
    for n, table in enumerate(doc.tables):
        columns = find_columns(table)
        if columns is None:
            loose.extend(t for r in table.rows for t in r.filled)
            continue
        rows: list[SourceRow] = []
        for r in table.rows[: columns.start]:
            loose.extend(r.filled)
        rows.extend(table.rows[columns.header_rows :])
        width = len(table.rows[columns.header_rows - 1].cells)
        rest = list(doc.tables[n + 1 :])
        while rest and same_shape(rest[0], width):
            rows.extend(rest.pop(0).rows)
        for later in rest:
            loose.extend(t for r in later.rows for t in r.filled)
        return _parse(rows, columns, loose)
    return Lines([], loose, None, None)


def _split_code(code_text: str, title: str) -> tuple[str | None, str, str]:
    """(code, kind, title without the code) for one row."""
    for regex, kind in ((_CODE_CELL, "item"), (_ROMAN_CELL, "group"), (_UPPER_CELL, "group")):
        m = regex.match(code_text)
        if m is not None:
            return m.group(1).rstrip("."), kind, _strip_same(title, m.group(1))
    m = _LOWER_CELL.match(code_text)
    if m is not None:
        return m.group(1), "part", title
    for regex, kind in (
        (_CODE_TITLE, "item"),
        (_ROMAN_TITLE, "group"),
        (_UPPER_TITLE, "group"),
        (_LOWER_TITLE, "part"),
    ):
        m = regex.match(title)
        if m is not None:
            return m.group(1).rstrip("."), kind, title[m.end() :].strip()
    return None, "plain", title


def _is_code(text: str) -> bool:
    return any(r.match(text) for r in (_CODE_CELL, _ROMAN_CELL, _UPPER_CELL, _LOWER_CELL))


def _strip_same(title: str, code: str) -> str:
    m = _CODE_TITLE.match(title)
    if m is not None and m.group(1).rstrip(".") == code.rstrip("."):
        return title[m.end() :].strip()
    return title


def _parse(rows: list[SourceRow], cols: Columns, loose: list[str]) -> Lines:
    lines: list[Line] = []
    stated: Decimal | None = None
    tail = False
    for index, row in enumerate(rows, start=cols.header_rows + 1):
        if is_number_row(row) or ("title" in (h := header_of(row)) and "max" in h):
            continue
        title = row.fresh(cols.title)
        code_text = row.fresh(cols.code)
        filled = [i for i, c in enumerate(row.cells) if c.text and not c.continued]
        if filled == [0] and cols.code is None and cols.title != 0:
            title = row.cells[filled[0]].text  # one wide merged heading cell
        if not title and code_text and not _is_code(code_text):
            title, code_text = code_text, ""  # a heading merged over the STT and title columns
        code, kind, title = _split_code(code_text, title)
        max_text = row.fresh(cols.max)
        lead = fold_chars(title or code_text)
        if code is None and _TOTAL.match(lead):
            stated = points_cell(max_text)
            tail = True
            continue
        if code is None and (tail or _NOTE.match(lead) or _is_note(row, cols)):
            loose.extend(row.filled)
            tail = tail or bool(_NOTE.match(lead))
            continue
        maxp = points_cell(max_text)
        rule = row.text(cols.rule)
        if cols.rule is None and "\n" in title:
            title, rule = title.split("\n", 1)  # no rule column: the rule sits under the title
        evidence = row.text(cols.evidence)
        if code is None and maxp is None and lines:
            _continue(lines[-1], row, cols, title)
            continue
        lines.append(Line(code, kind, title, maxp, max_text, rule, evidence, index))
    return Lines(lines, loose, stated, cols)


def _is_note(row: SourceRow, cols: Columns) -> bool:
    """A sentence written across the table's width below it (one cell, long, no code)."""
    filled = row.filled
    return len(filled) == 1 and len(filled[0]) > 80 and not row.fresh(cols.max)


def _continue(last: Line, row: SourceRow, cols: Columns, title: str) -> None:
    """A row that only carries more text for the row above (page break, wrapped cell)."""
    if title:
        last.title = f"{last.title} {title}".strip()
    for attr, col in (("rule", cols.rule), ("evidence", cols.evidence)):
        text = row.fresh(col)
        if text:
            setattr(last, attr, glue(getattr(last, attr), text))


__all__ = ["Line", "Lines", "SourceTable", "criteria_lines"]
