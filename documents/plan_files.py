"""Plain text out of the files Nội vụ receives: .txt/.md as they are, .docx, .pdf (the core's
:class:`~conversations.formats.DocumentReader`).

Word tables are where timelines live, so they are written out as one tab-separated line per
row, in document order with the paragraphs; that is the layout ``extract`` reads. python-docx
and pypdf are imported only when such a file is read, so text import needs neither.
"""

from __future__ import annotations

from pathlib import Path


class PlanFiles:
    """The document reader the composition root passes to the core."""

    def text(self, path: Path) -> str:
        return read_plan_file(path)


def read_plan_file(path: str | Path) -> str:
    """The text of a plan file; raises ValueError for an unknown file type."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".txt", ".md", ".markdown", ".text", ""):
        return p.read_text(encoding="utf-8-sig")
    if suffix == ".docx":
        return _docx_text(p)
    if suffix == ".pdf":
        return _pdf_text(p)
    raise ValueError(f"unsupported plan file type {suffix!r}: use .txt, .md, .docx or .pdf")


def _docx_text(path: Path) -> str:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    lines: list[str] = []

    def table_lines(table: Table) -> None:
        for row in table.rows:
            cells: list[str] = []
            previous = None
            for cell in row.cells:
                if previous is not None and cell._tc is previous:
                    continue  # a merged cell is returned once per grid column
                previous = cell._tc
                cells.append(" ".join(cell.text.split()))
            lines.append("\t".join(cells))
        lines.append("")

    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            table_lines(block)
    return "\n".join(lines)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return "\n".join(page.extract_text() or "" for page in reader.pages)
