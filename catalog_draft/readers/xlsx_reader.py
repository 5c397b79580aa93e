"""Excel appendices: each sheet is one table; merged cells and numbers stored either way.

openpyxl keeps a merged range's value only in its top-left cell. Cells to its right stay empty
(the row is one wide heading); cells below repeat the text marked ``continued``. Numbers come
as numbers or as text with a comma decimal ("0,25"); numbers are written back as plain decimal
text so the one parser downstream reads both.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from catalog_draft.errors import SEND_APPENDIX, DraftError
from catalog_draft.readers.limits import check_zip
from catalog_draft.source import SourceCell, SourceDocument, SourceRow, SourceTable
from scoring.i18n import N_

NOT_XLSX = N_("The Excel file could not be opened (%(error)s).")
MAX_ROWS = 5000
MAX_COLUMNS = 30


def read_xlsx(data: bytes) -> SourceDocument:
    import openpyxl  # type: ignore[import-untyped,unused-ignore]

    check_zip(data)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DraftError(NOT_XLSX, SEND_APPENDIX, error=type(exc).__name__) from exc
    tables = tuple(_sheet(ws) for ws in wb.worksheets if ws.max_row > 0)
    return SourceDocument("xlsx", tables, ())


def _sheet(ws: Any) -> SourceTable:
    below: dict[tuple[int, int], str] = {}
    covered: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        top = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) == (rng.min_row, rng.min_col):
                    continue
                covered.add((r, c))
                if r > rng.min_row and c == rng.min_col:
                    below[(r, c)] = _text(top)
    rows: list[SourceRow] = []
    width = min(ws.max_column, MAX_COLUMNS)
    for r, row in enumerate(ws.iter_rows(max_row=min(ws.max_row, MAX_ROWS), max_col=width), 1):
        cells: list[SourceCell] = []
        bold = total = 0
        for c, cell in enumerate(row, 1):
            if (r, c) in below:
                cells.append(SourceCell(below[(r, c)], continued=True))
                continue
            if (r, c) in covered:
                cells.append(SourceCell(""))
                continue
            text = _text(cell.value)
            n = len(text)
            total += n
            if n and cell.font is not None and cell.font.b:
                bold += n
            cells.append(SourceCell(text))
        if any(c.text for c in cells):
            rows.append(SourceRow(tuple(cells), bold=total > 0 and bold * 10 >= total * 6))
    return SourceTable(tuple(rows))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    lines = (" ".join(line.split()) for line in str(value).splitlines())
    return "\n".join(line for line in lines if line)
