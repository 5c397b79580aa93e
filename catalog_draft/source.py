"""What the readers hand the drafter: tables of text cells, plus the text around them.

Word, Excel and PDF appendices differ in how they store merged cells, bold rows and page
breaks; each reader turns its format into these few plain types, so everything after reading
(finding the table, the tree, the rules) is one code path that never imports a document library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

MAX_APPENDIX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class SourceCell:
    """One cell's text (paragraphs joined by newlines).

    ``continued`` marks a cell covered by a merge from the row above (a vertically merged
    cell): its text repeats the cell above, which is right for evidence but must never be
    counted twice as a code or a maximum.
    """

    text: str
    continued: bool = False


@dataclass(frozen=True)
class SourceRow:
    cells: tuple[SourceCell, ...]
    bold: bool = False
    page: int | None = None

    def text(self, column: int | None) -> str:
        if column is None or column >= len(self.cells):
            return ""
        return self.cells[column].text

    def fresh(self, column: int | None) -> str:
        """The cell's text unless it only repeats a vertically merged cell above."""
        if column is None or column >= len(self.cells) or self.cells[column].continued:
            return ""
        return self.cells[column].text

    @property
    def filled(self) -> list[str]:
        return [c.text for c in self.cells if c.text.strip() and not c.continued]


@dataclass(frozen=True)
class SourceTable:
    rows: tuple[SourceRow, ...]
    page: int | None = None


@dataclass(frozen=True)
class SourceDocument:
    """Everything read from one appendix file: its tables in order and its loose text."""

    format: str
    tables: tuple[SourceTable, ...]
    paragraphs: tuple[str, ...] = field(default=())


class DocumentReader(Protocol):
    """Reads one file format; raises :class:`catalog_draft.errors.DraftError` on a bad file."""

    def __call__(self, data: bytes) -> SourceDocument: ...
