"""The file formats the core produces and reads, as the small interfaces it calls.

The core builds plain data — a :class:`~conversations.workbook.Workbook` of cells, chart bars,
a PDF's bytes — and asks these interfaces to turn it into a file or to read one. The
implementations (``documents``: openpyxl, matplotlib, pyhanko, python-docx, pdfplumber) are
chosen by the composition root and reach the core in ``CoreConfig.formats``, so the core never
imports a document library and a test can swap in quick ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from catalog_draft.source import SourceDocument
from conversations.charts import Bar, FieldBar, Threshold
from conversations.evidence_check.verdict import SignatureChecker
from conversations.workbook import Workbook


class SheetWriter(Protocol):
    """Writes a workbook as an .xlsx file; every text is stored as text, never a formula."""

    def save(self, workbook: Workbook, out: Path | BinaryIO) -> None: ...


class ChartRenderer(Protocol):
    """Draws /rank's charts as PNG files (see :mod:`conversations.charts` for the data)."""

    def board_chart(
        self,
        path: Path,
        bars: Sequence[Bar],
        thresholds: Sequence[Threshold],
        *,
        title: str,
        xlabel: str,
        scale: float,
    ) -> Path: ...

    def compact_board_chart(
        self, path: Path, bars: Sequence[Bar], *, title: str, scale: float
    ) -> Path: ...

    def fields_chart(
        self,
        path: Path,
        rows: Sequence[FieldBar],
        *,
        title: str,
        unit_label: str,
        median_label: str,
        xlabel: str,
    ) -> Path: ...


class DocumentReader(Protocol):
    """The plain text of a document Nội vụ sends (.txt/.md, .docx with its tables as
    tab-separated lines, .pdf); ValueError for a type it cannot read."""

    def text(self, path: Path) -> str: ...


class AppendixReader(Protocol):
    """The tables and lines of the decision's appendix (.docx, .xlsx, .pdf) for /catalog;
    :class:`catalog_draft.errors.DraftError` for a file it cannot read."""

    def read(self, name: str, data: bytes) -> SourceDocument: ...


@dataclass(frozen=True)
class Formats:
    """Every file-format implementation the core uses, passed in together."""

    sheets: SheetWriter
    charts: ChartRenderer
    signatures: SignatureChecker
    documents: DocumentReader
    appendix: AppendixReader


class FormatsMissing(RuntimeError):
    """The core was asked for a file but the composition root gave it no :class:`Formats`."""

    def __init__(self) -> None:
        super().__init__("no file formats configured: pass CoreConfig(formats=documents.formats())")
