"""The file formats parbot writes and reads, behind the core's small interfaces.

The conversation core builds plain data (a workbook of cells, chart bars, a PDF's bytes) and
calls the interfaces it declares in :mod:`conversations.formats` (``SheetWriter``,
``ChartRenderer``, ``SignatureChecker``, ``DocumentReader``, ``AppendixReader``); the
implementations here (with catalog_draft's readers) are the only product code that imports
openpyxl, matplotlib, pyhanko, python-docx or pdfplumber. The composition root (``bot``) passes
:func:`formats` in through ``CoreConfig.formats``.

Each library is imported when its module is, and :func:`formats` imports the modules only when
called, so importing this package costs nothing.
"""

from __future__ import annotations

from conversations.formats import Formats


def formats() -> Formats:
    """The production implementations of every format the core uses."""
    from documents.appendix import CatalogAppendix
    from documents.charts import MatplotlibCharts
    from documents.plan_files import PlanFiles
    from documents.signatures import PyhankoSignatures
    from documents.xlsx import OpenpyxlSheets

    return Formats(
        sheets=OpenpyxlSheets(),
        charts=MatplotlibCharts(),
        signatures=PyhankoSignatures(),
        documents=PlanFiles(),
        appendix=CatalogAppendix(),
    )
