"""PDF appendices with text: pdfplumber's ruled-table finder, page by page.

A table that runs over several pages comes out as one table per page; the drafter joins them.
Bold rows are told from the font names of their characters. A PDF whose pages carry no text
at all is a scan: it is refused with what to send instead, since reading it would need OCR.
"""

from __future__ import annotations

import io
from typing import Any

from catalog_draft.clauses import join_wrapped
from catalog_draft.errors import DraftError
from catalog_draft.readers.limits import check_size
from catalog_draft.source import SourceCell, SourceDocument, SourceRow, SourceTable
from scoring.i18n import N_

MAX_PAGES = 200
NOT_PDF = N_("The PDF file could not be opened (%(error)s).")
SCANNED = N_("This PDF is a scan: its pages are pictures with no text to read.")
SCANNED_HINT = N_(
    "Send the appendix as the Word (.docx) or Excel (.xlsx) file it was made from, or a PDF "
    "saved from Word (with text)."
)
PDF_HINT = N_("Send the appendix as .docx or .xlsx, or a PDF saved from Word.")


def read_pdf(data: bytes) -> SourceDocument:
    check_size(len(data))
    try:
        tables, paragraphs, any_text = _read(data)
    except Exception as exc:  # pdfminer raises many kinds on a damaged or foreign file
        raise DraftError(NOT_PDF, PDF_HINT, error=type(exc).__name__) from exc
    if not any_text:
        raise DraftError(SCANNED, SCANNED_HINT)
    return SourceDocument("pdf", tuple(tables), tuple(paragraphs))


def _read(data: bytes) -> tuple[list[SourceTable], list[str], bool]:
    import pdfplumber

    tables: list[SourceTable] = []
    paragraphs: list[str] = []
    any_text = False
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages[:MAX_PAGES], 1):
            if not page.chars:
                continue
            any_text = True
            found = page.find_tables()
            tables.extend(_table(page, table, number) for table in found)
            paragraphs.extend(_outside(page, [t.bbox for t in found]))
    return tables, paragraphs, any_text


def _table(page: Any, table: Any, number: int) -> SourceTable:
    rows: list[SourceRow] = []
    for texts, row in zip(table.extract(), table.rows, strict=False):
        cells = tuple(SourceCell(_clean(t)) for t in texts)
        if not any(c.text for c in cells):
            continue
        rows.append(SourceRow(cells, bold=_bold(page, row.bbox), page=number))
    return SourceTable(tuple(rows), page=number)


def _bold(page: Any, bbox: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = bbox
    chars = [
        c
        for c in page.chars
        if x0 <= c["x0"]
        and c["x1"] <= x1 + 1
        and top <= c["top"]
        and c["bottom"] <= bottom + 1
        and c["text"].strip()
    ]
    bold = sum(1 for c in chars if "bold" in str(c.get("fontname", "")).lower())
    return bool(chars) and bold * 10 >= len(chars) * 6


def _outside(page: Any, boxes: list[tuple[float, float, float, float]]) -> list[str]:
    def free(obj: dict[str, Any]) -> bool:
        return not any(b[0] <= obj["x0"] <= b[2] and b[1] <= obj["top"] <= b[3] for b in boxes)

    text = page.filter(lambda o: o.get("object_type") != "char" or free(o)).extract_text() or ""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _clean(text: str | None) -> str:
    """Visual lines joined back into paragraphs: a PDF wraps a cell's sentence anywhere."""
    if not text:
        return ""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return join_wrapped([line for line in lines if line])
