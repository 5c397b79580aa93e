"""A spreadsheet as plain data: what the exports build, before any file format is involved.

The sheet-building code (:mod:`conversations.sheets`, the evidence pack's index) describes
cells, styles, merged ranges, column widths and the print layout here; a
:class:`~conversations.formats.SheetWriter` from the composition root turns it into an .xlsx file
(``documents.xlsx``, the only code that imports openpyxl). The names follow openpyxl's (``cell``,
``merge_cells``, ``column_dimensions``, ``Font``, ``PatternFill``) so the building code reads like
the spreadsheet code it replaced, but nothing here touches a file.

Cell values are written through :func:`conversations.tabular.put` / ``append`` (a guard test
fails otherwise), and the writer stores every text as a text cell, never a formula.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

FillType = Literal["solid"]
Underline = Literal["single", "double"]
BorderStyle = Literal["thin", "medium", "thick", "dashed", "dotted", "double", "hair"]


@dataclass(frozen=True)
class Font:
    bold: bool = False
    italic: bool = False
    size: float | None = None
    color: str | None = None
    underline: Underline | None = None  # "single" for a link


@dataclass(frozen=True)
class PatternFill:
    fill_type: FillType = "solid"
    fgColor: str = "FFFFFF"


@dataclass(frozen=True)
class Alignment:
    horizontal: str | None = None
    vertical: str | None = None
    wrap_text: bool = False


@dataclass(frozen=True)
class Side:
    style: BorderStyle | None = None
    color: str | None = None


@dataclass(frozen=True)
class Border:
    left: Side = Side()
    right: Side = Side()
    top: Side = Side()
    bottom: Side = Side()


@dataclass
class Cell:
    row: int
    column: int
    value: Any = None
    font: Font | None = None
    fill: PatternFill | None = None
    alignment: Alignment | None = None
    border: Border | None = None
    number_format: str | None = None
    hyperlink: str | None = None  # a relative path or URL the cell links to

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"


@dataclass
class Dimension:
    width: float | None = None
    height: float | None = None


@dataclass(frozen=True)
class MergedRange:
    start_row: int
    start_column: int
    end_row: int
    end_column: int


@dataclass(frozen=True)
class PrintLayout:
    """Landscape A4, fitted to one page wide, ``title_rows`` repeated on every page, centred,
    "page n/N" in the footer."""

    title_rows: str  # "4:4"


class Worksheet:
    def __init__(self, title: str) -> None:
        self.title = title
        self.cells: dict[tuple[int, int], Cell] = {}
        self.merged: list[MergedRange] = []
        self.column_dimensions: defaultdict[str, Dimension] = defaultdict(Dimension)
        self.row_dimensions: defaultdict[int, Dimension] = defaultdict(Dimension)
        self.freeze_panes: str | Cell | None = None
        self.print_area: str | None = None
        self.print_layout: PrintLayout | None = None
        self.auto_filter: str | None = None  # a range such as "A1:K20"

    def cell(self, row: int, column: int) -> Cell:
        """The cell at (row, column), created empty on first use (write values with
        :func:`conversations.tabular.put`)."""
        key = (row, column)
        found = self.cells.get(key)
        if found is None:
            found = self.cells[key] = Cell(row, column)
        return found

    def row_cells(self, row: int) -> list[Cell]:
        """The cells of ``row`` that exist, left to right."""
        return [c for (r, _), c in sorted(self.cells.items()) if r == row]

    @property
    def max_row(self) -> int:
        """The last row with a cell (1 for an empty sheet, like openpyxl)."""
        return max((r for r, _ in self.cells), default=1)

    def merge_cells(
        self, *, start_row: int, start_column: int, end_row: int, end_column: int
    ) -> None:
        self.merged.append(MergedRange(start_row, start_column, end_row, end_column))


@dataclass
class Properties:
    title: str | None = None
    creator: str | None = None


@dataclass
class Workbook:
    sheets: list[Worksheet] = field(default_factory=list)
    properties: Properties = field(default_factory=Properties)

    def create_sheet(self, title: str) -> Worksheet:
        ws = Worksheet(title)
        self.sheets.append(ws)
        return ws


def get_column_letter(column: int) -> str:
    """1 → "A", 27 → "AA" (spreadsheet column names)."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
