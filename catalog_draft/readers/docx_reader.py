"""Word appendices: every table row as cells on the layout grid, bold rows, merged cells.

python-docx returns a horizontally merged cell once per grid column and a vertically merged one
as the cell above; here the first grid column of a merge keeps the text and the others are
empty, and a vertical continuation is marked ``continued`` so its text is not counted twice.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from catalog_draft.errors import SEND_APPENDIX, DraftError
from catalog_draft.readers.limits import check_zip
from catalog_draft.source import SourceCell, SourceDocument, SourceRow, SourceTable
from scoring.i18n import N_

NOT_DOCX = N_("The Word file could not be opened (%(error)s).")


def read_docx(data: bytes) -> SourceDocument:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_zip(data)
    try:
        doc = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DraftError(NOT_DOCX, SEND_APPENDIX, error=type(exc).__name__) from exc
    tables: list[SourceTable] = []
    paragraphs: list[str] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text:
                paragraphs.append(text)
        elif isinstance(block, Table):
            tables.append(SourceTable(tuple(_row(tr, block) for tr in block._tbl.tr_lst)))
    return SourceDocument("docx", tuple(tables), tuple(paragraphs))


def _row(tr: Any, table: Any) -> SourceRow:
    cells: list[SourceCell] = []
    bold_chars = 0
    all_chars = 0
    for tc in tr.tc_lst:
        continued = tc.vMerge == "continue"
        root = tc
        while root.vMerge == "continue":
            root = root._tc_above
        text, bold, total = _cell_text(root, table)
        if not continued:
            bold_chars += bold
            all_chars += total
        cells.append(SourceCell(text, continued))
        cells.extend(SourceCell("", continued) for _ in range(tc.grid_span - 1))
    return SourceRow(tuple(cells), bold=all_chars > 0 and bold_chars * 10 >= all_chars * 6)


def _cell_text(tc: Any, table: Any) -> tuple[str, int, int]:
    """The cell's paragraphs (one line each) and how many of its characters are bold."""
    from docx.table import _Cell

    lines: list[str] = []
    bold = total = 0
    for para in _Cell(tc, table).paragraphs:
        style = para.style
        style_bold = bool(style is not None and style.font.bold)
        for run in para.runs:
            n = len(run.text.strip())
            total += n
            if run.bold or (run.bold is None and style_bold):
                bold += n
        text = " ".join(para.text.split())
        if text:
            lines.append(text)
    return "\n".join(lines), bold, total
