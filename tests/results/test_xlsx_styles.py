"""The .xlsx writer shares a style between the cells that have it (documents/xlsx.py says
why); each cell must still come out with exactly its own font, fill, alignment, border,
number format and quote prefix (and a date its date format), on every sheet of the workbook."""

from __future__ import annotations

import io
import itertools
from datetime import datetime
from decimal import Decimal

import openpyxl

from conversations import tabular
from conversations import workbook as wbm
from documents.xlsx import OpenpyxlSheets

FONTS = (None, wbm.Font(bold=True), wbm.Font(italic=True, size=9, color="FF0000"))
FILLS = (None, wbm.PatternFill("solid", "FFFF00"))
ALIGNMENTS = (None, wbm.Alignment(horizontal="center", wrap_text=True))
THIN = wbm.Side("thin", "000000")
BORDERS = (None, wbm.Border(left=THIN, right=THIN, top=THIN, bottom=THIN))
FORMATS = (None, "#,##0.00#")
VALUES = ("UBND xã A", "=1+1", Decimal("86.55"), datetime(2024, 3, 16, 9, 30))


def _expected() -> list[tuple[object, ...]]:
    """Every combination, except a number format on a date (it would read back as a number)."""
    every = itertools.product(FONTS, FILLS, ALIGNMENTS, BORDERS, FORMATS, VALUES)
    return [c for c in every if not (c[4] is not None and isinstance(c[5], datetime))]


def _book() -> wbm.Workbook:
    """Two sheets, each with every combination twice (so each style is met again), in an
    order that alternates styles from cell to cell."""
    book = wbm.Workbook()
    for title in ("Một", "Hai"):
        ws = book.create_sheet(title)
        for n, (font, fill, align, border, fmt, value) in enumerate(_expected() * 2, start=1):
            cell = tabular.put(ws, n, 1 + n % 3, value)
            cell.font, cell.fill, cell.alignment = font, fill, align
            cell.border, cell.number_format = border, fmt
    return book


def test_every_cell_keeps_its_own_style_when_styles_are_shared() -> None:
    buffer = io.BytesIO()
    OpenpyxlSheets().save(_book(), buffer)
    back = openpyxl.load_workbook(buffer)
    for ws in back.worksheets:
        for n, (font, fill, align, border, fmt, value) in enumerate(_expected() * 2, start=1):
            cell = ws.cell(n, 1 + n % 3)
            where = f"{ws.title}!{cell.coordinate}"
            assert cell.value == (float(value) if isinstance(value, Decimal) else value), where
            assert cell.font.b == bool(font and font.bold), where
            assert cell.font.i == bool(font and font.italic), where
            assert (cell.font.sz == 9) == bool(font and font.size == 9), where
            assert (cell.fill.fill_type == "solid") == (fill is not None), where
            assert (cell.alignment.horizontal == "center") == (align is not None), where
            assert bool(cell.alignment.wrap_text) == (align is not None), where
            assert (cell.border.left.style == "thin") == (border is not None), where
            assert (cell.border.bottom.style == "thin") == (border is not None), where
            default = "yyyy-mm-dd h:mm:ss" if isinstance(value, datetime) else "General"
            assert cell.number_format == (fmt or default), where
            assert cell.quotePrefix == (value == "=1+1"), where
