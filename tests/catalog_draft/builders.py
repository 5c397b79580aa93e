"""Builds the appendix of ``appendix.py`` as real .docx, .xlsx and PDF files, the way offices
make them: Word with merged heading rows and multi-paragraph cells, Excel with merged ranges and
numbers stored both as numbers and as comma-decimal text, PDF with the table running over pages
and one row's rule continuing on the next page."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from tests.catalog_draft.appendix import (
    CLASSES,
    DECISION_LINE,
    HEADER,
    ROWS,
    SPLIT_AT,
    SPLIT_CODE,
    TITLE,
    Row,
)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _inner(row: Row) -> bool:
    return (
        row.kind == "item"
        and not row.rule
        and row.max != ""
        and row.code.count(".") <= 1
        and not row.evidence
    )


def _code_and_title(row: Row) -> tuple[str, str]:
    if row.in_title:
        return "", f"{row.code}. {row.title}" if row.code.count(
            "."
        ) == 1 else f"{row.code} {row.title}"
    return row.code, row.title


# ------------------------------------------------------------------ Word


def docx_bytes(rows: tuple[Row, ...] = ROWS, *, classes: str = CLASSES) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    for text, bold in (("PHỤ LỤC I", True), (TITLE, True), (DECISION_LINE, False)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold = bold
        run.italic = not bold
    table = doc.add_table(rows=0, cols=6)
    table.style = "Table Grid"
    _docx_row(table, [*HEADER, "Điểm tự chấm"], bold=True)
    _docx_row(table, [f"({i})" for i in range(1, 7)], bold=False)
    evidence_merge: list = []
    for row in rows:
        if row.kind == "group":
            cells = table.add_row().cells
            span = 1 if row.max else 5
            merged = cells[0].merge(cells[span])
            _fill(merged, f"{row.code}. {row.title}", bold=True)
            if row.max:
                _fill(cells[2], row.max, bold=True)
            continue
        if row.kind == "total":
            _docx_row(table, ["", row.title, row.max, "", "", ""], bold=True)
            continue
        code, title = _code_and_title(row)
        evidence = row.evidence
        if row.code == "2.1.2.":
            evidence = ""  # merged vertically with 2.1.1's evidence below
        cells = _docx_row(table, [code, title, row.max, row.rule, evidence, ""], bold=_inner(row))
        if row.code in ("2.1.1.", "2.1.2."):
            evidence_merge.append(cells[4])
    evidence_merge[0].merge(evidence_merge[1])
    doc.add_paragraph(classes)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _docx_row(table, texts: list[str], *, bold: bool):
    cells = table.add_row().cells
    for cell, text in zip(cells, texts, strict=True):
        _fill(cell, text, bold=bold)
    return cells


def _fill(cell, text: str, *, bold: bool) -> None:
    lines = text.split("\n") if text else [""]
    first = cell.paragraphs[0]
    for n, line in enumerate(lines):
        p = first if n == 0 else cell.add_paragraph()
        run = p.add_run(line)
        run.bold = bold


def word_letter(paragraphs: list[str]) -> bytes:
    """A Word file that is not an appendix: a letter with a small unrelated table."""
    from docx import Document

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    table = doc.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("STT", "Họ và tên", "Chức vụ"), strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ("1", "Nguyễn Văn An", "Chủ tịch"), strict=True):
        cell.text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ Excel

XLSX_HEADER = (
    "TT",
    "Nội dung đánh giá",
    "Hướng dẫn chấm điểm",
    "Điểm chuẩn",
    "Tài liệu kiểm chứng",
)


def xlsx_bytes(rows: tuple[Row, ...] = ROWS, *, classes: str = CLASSES) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phụ lục I"
    bold = Font(bold=True)
    for r, text in enumerate(("PHỤ LỤC I", TITLE, DECISION_LINE), start=1):
        ws.cell(r, 1, text).font = bold
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
    ws.append(list(XLSX_HEADER))
    ws.append([f"({i})" for i in range(1, 6)])
    for c in range(1, 6):
        ws.cell(4, c).font = bold
    evidence_rows: list[int] = []
    for n, row in enumerate(rows):
        r = ws.max_row + 1
        if row.kind == "group":
            ws.cell(r, 1, f"{row.code}. {row.title}").font = bold
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3 if row.max else 5)
            if row.max:
                ws.cell(r, 4, _number(row.max, n)).font = bold
            continue
        code, title = _code_and_title(row)
        if row.kind == "total":
            code, title = "", row.title
        values = [code, title, row.rule, _number(row.max, n), row.evidence]
        if row.code == "2.1.2.":
            values[4] = None
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, value if value != "" else None)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if _inner(row) or row.kind == "total":
                cell.font = bold
        if row.code in ("2.1.1.", "2.1.2."):
            evidence_rows.append(r)
    ws.merge_cells(
        start_row=evidence_rows[0], start_column=5, end_row=evidence_rows[1], end_column=5
    )
    r = ws.max_row + 2
    ws.cell(r, 1, classes)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _number(text: str, n: int) -> object:
    """Points as offices store them: some cells numbers, others text with a comma decimal."""
    if not text:
        return None
    if "," in text and n % 2 == 0:
        return text
    value = Decimal(text.replace(",", "."))
    return int(value) if value == value.to_integral() else float(value)


def huge_xlsx(size: int = 20 * 1024 * 1024) -> bytes:
    """A real 20 MB workbook (incompressible cell text), the kind a whole data dump makes."""
    import os

    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Dữ liệu")
    ws.append(list(XLSX_HEADER))
    chunk = 30000
    rows = size // (chunk * 45 // 100) + 1  # hex text packs to about half its size
    for i in range(rows):
        ws.append([i, os.urandom(chunk // 2).hex()[:chunk], "", 1, ""])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def empty_table_xlsx() -> bytes:
    """The header of the criteria table and nothing under it."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.append(list(XLSX_HEADER))
    ws.append([f"({i})" for i in range(1, 6)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ PDF

PDF_WIDTHS = (14, 70, 18, 120, 55)


def pdf_bytes(rows: tuple[Row, ...] = ROWS, *, classes: str = CLASSES) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", format="A4")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 11)
    for text in ("PHỤ LỤC I", TITLE):
        pdf.multi_cell(0, 6, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 6, DECISION_LINE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    split = next(i for i, r in enumerate(rows) if r.code == SPLIT_CODE)
    head, rest = rows[: split + 1], rows[split + 1 :]
    cut = rows[split].rule.index(SPLIT_AT)
    first_part = rows[split].rule[:cut].rstrip("\n")
    _pdf_table(pdf, [*head[:-1], _with_rule(head[-1], first_part)])
    pdf.add_page()
    _pdf_table(pdf, list(rest), lead=("", "", "", rows[split].rule[cut:], ""))
    pdf.set_font("DejaVu", "", 10)
    pdf.ln(3)
    pdf.multi_cell(0, 5, classes, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _with_rule(row: Row, rule: str) -> Row:
    return Row(row.code, row.title, row.max, rule, row.evidence, row.kind, row.in_title)


def _pdf_table(pdf, rows: list[Row], lead: tuple[str, ...] | None = None) -> None:
    from fpdf.fonts import FontFace

    pdf.set_font("DejaVu", "", 8)
    bold = FontFace(emphasis="BOLD")
    headings = (
        "STT",
        "Tiêu chí, tiêu chí thành phần",
        "Điểm tối đa",
        "Cách chấm điểm",
        "Tài liệu kiểm chứng",
    )
    with pdf.table(
        col_widths=PDF_WIDTHS,
        first_row_as_headings=True,
        repeat_headings=1,
        line_height=4.2,
        text_align="LEFT",
    ) as table:
        table.row(headings)
        if lead is not None:
            table.row(lead)
        for row in rows:
            if row.kind == "group":
                r = table.row()
                if row.max:
                    r.cell(f"{row.code}. {row.title}", colspan=2, style=bold)
                    r.cell(row.max, style=bold)
                    r.cell("", colspan=2)
                else:
                    r.cell(f"{row.code}. {row.title}", colspan=5, style=bold)
                continue
            code, title = _code_and_title(row)
            style = bold if _inner(row) or row.kind == "total" else None
            r = table.row()
            for text in (code, title, row.max, row.rule, row.evidence):
                r.cell(text, style=style)


def scanned_pdf() -> bytes:
    """A scan: one page holding only a picture of the table, no text at all."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (900, 600), "white")
    draw = ImageDraw.Draw(img)
    for y in range(40, 600, 40):
        draw.line((20, y, 880, y), fill="black")
        draw.rectangle((30, y + 8, 400, y + 20), fill="gray")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(buf.getvalue()), x=10, y=10, w=190)
    return bytes(pdf.output())
