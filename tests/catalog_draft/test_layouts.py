"""Another office's layout: no STT codes (they are in the title cell), a two-row header
("Điểm" over "Tối đa | Tự chấm"), lettered parts a) b), a department catalog, no classification
sentence. The draft still validates, and the missing classification is the one thing to check."""

from __future__ import annotations

import io
from decimal import Decimal as D

from catalog_draft import draft_file
from scoring.catalog_loader import load_catalog

TITLE = "BỘ TIÊU CHÍ ĐÁNH GIÁ CCHC CÁC CƠ QUAN CHUYÊN MÔN THUỘC UBND HUYỆN NĂM 2025"
ROWS = [
    ("A. CÁC TIÊU CHÍ TỰ ĐÁNH GIÁ", "", "", ""),
    ("1. Công tác chỉ đạo, điều hành", "3", "", ""),
    (
        "1.1 Kế hoạch CCHC",
        "2",
        "Ban hành đúng hạn: 2 điểm; Ban hành chậm: 1 điểm; Không ban hành: 0",
        "",
    ),
    ("1.2 Báo cáo CCHC", "1", "", ""),
    ("a) Báo cáo 6 tháng", "0,5", "Có: 0,5 điểm; Không: 0 điểm", "Báo cáo 6 tháng"),
    ("b) Báo cáo năm", "0,5", "Có: 0,5 điểm; Không: 0 điểm", "Báo cáo năm"),
    ("2. Cải cách thủ tục hành chính", "2", "", ""),
    (
        "2.1 Tỷ lệ hồ sơ giải quyết đúng hạn",
        "2",
        "Đạt 100%: 2 điểm; từ 90% đến dưới 100%: 1 điểm; dưới 90%: 0 điểm",
        "Số liệu phần mềm",
    ),
]


def office_docx() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph(TITLE)
    table = doc.add_table(rows=2, cols=6)
    head = table.rows[0].cells
    for i, text in enumerate(("TT", "Nội dung tiêu chí", "Điểm", "", "Hướng dẫn chấm", "TLKC")):
        head[i].text = text
    head[2].merge(head[3])
    for i, text in ((2, "Tối đa"), (3, "Tự chấm")):
        table.rows[1].cells[i].text = text
    for title, maxp, rule, evidence in ROWS:
        cells = table.add_row().cells
        if maxp == "":
            cells[0].merge(cells[5]).text = title
            continue
        for i, text in ((1, title), (2, maxp), (4, rule), (5, evidence)):
            cells[i].text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_codes_in_titles_two_row_header_and_lettered_parts():
    draft = draft_file("tieu-chi-phong.docx", office_docx())
    catalog = load_catalog(draft.yaml_text)
    assert catalog.boards == ("department",)
    items = {i.code: (i.max, i.kind) for i in catalog.all_items()}
    assert items == {
        "1": (D(3), None),
        "1.1": (D(2), "choice"),
        "1.2": (D(1), None),
        "1.2.a": (D("0.5"), "choice"),
        "1.2.b": (D("0.5"), "choice"),
        "2": (D(2), None),
        "2.1": (D(2), "ratio"),
    }
    assert [o.points for o in catalog.item("1.1").answer.options] == [D(2), D(1), D(0)]
    assert catalog.item("1.2.a").evidence == "Báo cáo 6 tháng"
    assert [code for code, _ in draft.review()] == ["classification"]
    assert [(r.label, r.min_index) for r in catalog.classification] == [
        ("Hoàn thành xuất sắc nhiệm vụ", D(90)),
        ("Hoàn thành tốt nhiệm vụ", D(80)),
        ("Hoàn thành nhiệm vụ", D(65)),
        ("Không hoàn thành nhiệm vụ", None),
    ]
    assert "# CHECK: the document has no classification sentence" in draft.yaml_text


def test_rules_written_under_the_titles_in_one_column():
    """ "Nội dung, cách tính điểm" in one column: the first line is the title, the rest the rule."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Nội dung, cách tính điểm", "Điểm tối đa"])
    ws.append(["1", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", 1.5])
    ws.append(["1.1", "Ban hành kế hoạch CCHC\n- Có: 0,5 điểm\n- Không: 0 điểm", "0,5"])
    ws.append(["1.2", "Tỷ lệ nhiệm vụ hoàn thành\n- 100%: 1 điểm\n- Dưới 100%: 0 điểm", 1])
    out = io.BytesIO()
    wb.save(out)
    catalog = load_catalog(draft_file("phu-luc.xlsx", out.getvalue()).yaml_text)
    first, second = catalog.item("1.1"), catalog.item("1.2")
    assert (first.title, first.kind, first.rule) == (
        "Ban hành kế hoạch CCHC",
        "choice",
        "- Có: 0,5 điểm\n- Không: 0 điểm",
    )
    assert (second.kind, [b.min for b in second.answer.bands]) == ("ratio", [D(100), D(0)])
