"""The file formats parbot writes and reads, behind the core's small interfaces.

The conversation core builds plain data (a workbook of cells, chart bars, a PDF's bytes) and
calls the interfaces it declares in :mod:`conversations.formats` (``SheetWriter``,
``ChartRenderer``, ``SignatureChecker``, ``DocumentReader``, ``AppendixReader``); the
implementations here (with catalog_draft's readers) are the only product code that imports
openpyxl, matplotlib, pyhanko, python-docx or pdfplumber. The composition root (``bot``) passes
:func:`formats` in through ``CoreConfig.formats``.

Each library is imported with the first file that needs it, not with the bot: openpyxl (with
numpy) and pyHanko alone were ~30 MB of the bot process's resident memory at start-up, for
exports and signed PDFs that most processes meet rarely (bench/RESULTS.md, 2026-12-07 21:30).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from conversations.formats import Formats

if TYPE_CHECKING:
    from conversations.evidence_check.verdict import SignatureInfo
    from conversations.workbook import Workbook


class SheetsOnFirstUse:
    """The .xlsx writer (:mod:`documents.xlsx`), openpyxl imported with the first workbook."""

    def save(self, workbook: Workbook, out: Path | BinaryIO) -> None:
        from documents.xlsx import save

        save(workbook, out)


class SignaturesOnFirstUse:
    """The signature checker (:mod:`documents.signatures`), pyHanko imported with the first
    signed PDF."""

    def read(self, data: bytes, roots_der: tuple[bytes, ...], now: datetime) -> list[SignatureInfo]:
        from documents.signatures import read_signatures

        return read_signatures(data, roots_der, now)


def formats() -> Formats:
    """The production implementations of every format the core uses."""
    from documents.appendix import CatalogAppendix
    from documents.charts import MatplotlibCharts  # matplotlib loads with the first chart
    from documents.plan_files import PlanFiles

    return Formats(
        sheets=SheetsOnFirstUse(),
        charts=MatplotlibCharts(),
        signatures=SignaturesOnFirstUse(),
        documents=PlanFiles(),
        appendix=CatalogAppendix(),
    )
