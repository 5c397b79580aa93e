"""The .xlsx writer (the core's :class:`~conversations.formats.SheetWriter`), with openpyxl.

It turns a :class:`conversations.workbook.Workbook` into a file and keeps the export guarantee
of :mod:`conversations.tabular`: every text is stored as a text cell — never a formula or an
error value — and text a spreadsheet could read as a formula (``=``, ``+``, ``-``, ``@``, tab,
carriage return) also gets Excel's "quote prefix", what Excel itself stores when a person types
a leading ``'``, so it stays text even when someone edits the cell. The text itself is kept
exactly as typed (the cell values were already cleaned of control characters by
``tabular.put``). The guard in tests/security/test_tabular.py allows cell writes only here and
in ``conversations/tabular.py``.
"""

from __future__ import annotations

from copy import copy
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook as XlWorkbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet as XlWorksheet

from conversations import workbook as wbm
from conversations.tabular import is_risky


class OpenpyxlSheets:
    """The sheet writer the composition root passes to the core."""

    def save(self, workbook: wbm.Workbook, out: Path | BinaryIO) -> None:
        save(workbook, out)


def save(workbook: wbm.Workbook, out: Path | BinaryIO) -> None:
    """Write ``workbook`` as .xlsx to a path or a binary stream."""
    xl = XlWorkbook()
    first = xl.active
    assert first is not None
    xl.remove(first)
    styled: dict[tuple[object, ...], Any] = {}  # one model cell per distinct style, see _cells
    for sheet in workbook.sheets:
        _sheet(xl.create_sheet(sheet.title), sheet, styled)
    xl.properties.title = workbook.properties.title
    if workbook.properties.creator is not None:
        xl.properties.creator = workbook.properties.creator
    xl.save(out)


def put(ws: Any, row: int, column: int, value: object) -> Any:
    """Store ``value`` in the openpyxl worksheet ``ws``: text always as a text cell (with the
    quote prefix when it could start a formula); numbers and dates as they are."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl guesses "f" for "=…" and "e" for "#REF!"
        if is_risky(value):
            cell.quotePrefix = True
    return cell


def _sheet(ws: XlWorksheet, sheet: wbm.Worksheet, styled: dict[tuple[object, ...], Any]) -> None:
    _cells(ws, sheet, styled)
    for m in sheet.merged:
        ws.merge_cells(
            start_row=m.start_row,
            start_column=m.start_column,
            end_row=m.end_row,
            end_column=m.end_column,
        )
    for letter, dim in sheet.column_dimensions.items():
        if dim.width is not None:
            ws.column_dimensions[letter].width = dim.width
    for number, dim in sheet.row_dimensions.items():
        if dim.height is not None:
            ws.row_dimensions[number].height = dim.height
    freeze = sheet.freeze_panes
    if freeze is not None:
        ws.freeze_panes = freeze if isinstance(freeze, str) else freeze.coordinate
    if sheet.auto_filter is not None:
        ws.auto_filter.ref = sheet.auto_filter
    if sheet.print_layout is not None:
        _print_layout(ws, sheet.print_layout)
    if sheet.print_area is not None:
        ws.print_area = sheet.print_area


def _cells(ws: XlWorksheet, sheet: wbm.Worksheet, styled: dict[tuple[object, ...], Any]) -> None:
    """Every cell's value and style. openpyxl files each style assigned to a cell in the
    workbook's tables by hashing it field by field: 70 % of a 5,000-unit ranking's 21 s went
    there (2026-12-07). A style met again is copied from the first cell that had it (its
    table ids, as openpyxl's own worksheet copy does), so each distinct style is hashed once."""
    for (row, column), c in sorted(sheet.cells.items()):
        cell = put(ws, row, column, c.value)
        # with what put() set (a date's number format, the quote prefix) in the key
        put_style = () if cell._style is None else tuple(cell._style)
        key = (c.font, c.fill, c.alignment, c.border, c.number_format, put_style)
        model = styled.get(key)
        if model is None:
            _apply_style(cell, c)
            styled[key] = cell
        else:
            cell._style = copy(model._style)
        if c.hyperlink is not None:
            cell.hyperlink = c.hyperlink


def _apply_style(cell: Any, c: wbm.Cell) -> None:
    if c.font is not None:
        cell.font = _font(c.font)
    if c.fill is not None:
        cell.fill = PatternFill(c.fill.fill_type, fgColor=c.fill.fgColor)
    if c.alignment is not None:
        a = c.alignment
        cell.alignment = Alignment(
            horizontal=a.horizontal, vertical=a.vertical, wrap_text=a.wrap_text
        )
    if c.border is not None:
        cell.border = Border(
            left=_side(c.border.left),
            right=_side(c.border.right),
            top=_side(c.border.top),
            bottom=_side(c.border.bottom),
        )
    if c.number_format is not None:
        cell.number_format = c.number_format


def _font(f: wbm.Font) -> Font:
    return Font(bold=f.bold, italic=f.italic, size=f.size, color=f.color, underline=f.underline)


def _side(s: wbm.Side) -> Side:
    return Side(style=s.style, color=s.color)


def _print_layout(ws: XlWorksheet, layout: wbm.PrintLayout) -> None:
    """Landscape A4, one page wide, the title rows repeated, centred, "Trang n/N" below."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = layout.title_rows
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    footer = ws.oddFooter
    if footer is not None:  # openpyxl gives every new worksheet one
        footer.center.text = "Trang &P/&N"
