"""Timeline tables in plan text: tab-separated (Word/PDF conversions) or pipe (Markdown).

Columns are found from the header's words, not positions, because plans order and name them
freely ("Thời gian thực hiện" / "Thời hạn" / "Tiến độ", "Cơ quan chủ trì" / "Đơn vị thực
hiện"). Without a header the usual order TT | task | time | lead | coordinate is assumed.
A wrapped row (a cell's text spilling onto the next line) shows up as a row with an empty
number cell, or, in tables without numbers, one whose task starts in lowercase; it is merged
cell by cell into the row above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from conversations.plan.text import clean
from scoring.values import fold_chars

_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_NUMBER = re.compile(r"^(\d{1,2}(\.\d{1,2})*\.?|[IVX]+\.?|[a-zđ]\)?)$")


def split_row(line: str) -> list[str] | None:
    """The cells of a table line, or None if the line is not a table row."""
    stripped = line.strip()
    if "\t" in line:
        cells = line.rstrip("\n").split("\t")
    elif stripped.startswith("|") and stripped.count("|") >= 3:
        cells = stripped.strip("|").split("|")
    else:
        return None
    cells = [clean(c) for c in cells]
    if sum(1 for c in cells if c) < 2 and not _PIPE_SEPARATOR.match(stripped):
        return None
    return cells


def is_separator(line: str) -> bool:
    """A Markdown header underline such as ``|---|:--|``."""
    return bool(_PIPE_SEPARATOR.match(line.strip()))


@dataclass
class Columns:
    """Which cell holds what; None when the table lacks that column."""

    number: int | None = 0
    task: int = 1
    time: int | None = 2
    lead: int | None = 3
    coordinate: int | None = 4

    @classmethod
    def positional(cls, cells: list[str]) -> Columns:
        """Guess for a table met without a header."""
        if cells and (not cells[0] or _NUMBER.match(cells[0])) and len(cells) >= 3:
            return cls()
        return cls(number=None, task=0, time=1, lead=2, coordinate=3)


def header_columns(cells: list[str]) -> Columns | None:
    """Columns named by a header row, or None if ``cells`` is not a header."""
    folded = [fold_chars(c).strip() for c in cells]
    time = next(
        (i for i, c in enumerate(folded) if re.search(r"thoi gian|thoi han|tien do|\bhan\b", c)),
        None,
    )
    task = next(
        (
            i
            for i, c in enumerate(folded)
            if i != time and re.search(r"nhiem vu|noi dung|cong viec|hoat dong|task", c)
        ),
        None,
    )
    if time is None or task is None:
        return None
    cols = Columns(number=None, task=task, time=time, lead=None, coordinate=None)
    for i, c in enumerate(folded):
        if i in (time, task):
            continue
        if re.fullmatch(r"s?tt|so tt|#|no\.?", c):
            cols.number = i
        elif "phoi hop" in c and cols.coordinate is None:
            cols.coordinate = i
        elif re.search(r"chu tri|thuc hien|dau moi|trach nhiem|lead", c) and cols.lead is None:
            cols.lead = i
    return cols


@dataclass
class Row:
    """One logical table row, possibly assembled from several text lines."""

    cells: list[str]
    line: int
    columns: Columns = field(default_factory=Columns)

    def cell(self, index: int | None) -> str:
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index]

    @property
    def number(self) -> str:
        return self.cell(self.columns.number)

    @property
    def task(self) -> str:
        return self.cell(self.columns.task)

    @property
    def time(self) -> str:
        return self.cell(self.columns.time)

    def is_continuation_of_previous(self) -> bool:
        """Whether this line only carries the spill-over of the row above."""
        if self.columns.number is not None:
            return not self.number
        task = self.task
        return bool(task) and task[0].islower()

    def merge(self, more: list[str]) -> None:
        """Append a wrapped line's cells to this row's cells."""
        width = max(len(self.cells), len(more))
        merged = []
        for i in range(width):
            a = self.cells[i] if i < len(self.cells) else ""
            b = more[i] if i < len(more) else ""
            merged.append(f"{a} {b}".strip())
        self.cells = merged

    def append_text(self, text: str, to_time: bool) -> None:
        """Append a tab-less wrapped line to the task (or time) cell."""
        index = self.columns.time if to_time else self.columns.task
        if index is None:
            return
        while len(self.cells) <= index:
            self.cells.append("")
        self.cells[index] = f"{self.cells[index]} {clean(text)}".strip()
