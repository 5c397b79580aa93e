"""Issue 14 end to end through the CLI on a real database: a district board with proportional,
deduction, zero_unless and applies_to items; unit tags; the evidence rule of answers import."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.db import make_engine
from tests.cli.runner import cli_runner
from tests.scoring.district_catalog import DISTRICT, UNITS_CSV, answers_csv


@pytest.fixture
def cli(db_url: str, tmp_path: Path):
    return cli_runner(db_url, tmp_path, "vi")


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_worked_example_through_the_cli(cli, tmp_path):
    cli("db", "upgrade")
    cli("catalog", "import", write(tmp_path, "huyen.yaml", DISTRICT), "--period", "2025")
    cli("units", "import", write(tmp_path, "units.csv", UNITS_CSV), "--period", "2025")
    cli("answers", "import", write(tmp_path, "answers.csv", answers_csv()), "--period", "2025")
    out = json.loads(cli("rank", "--period", "2025", "--board", "district", "--json").output)
    got = [(r["board"], r["unit"], r["rank"], r["index"], r["classification"]) for r in out]
    assert got == [
        ("district", "H1", 1, 90.0, "Xuất sắc"),
        ("district", "H2", 2, 50.77, "Trung bình"),
    ]
    h1, h2 = out
    assert h1["fields"] == {"1": 83.33, "2": 100.0}
    assert h1["points"] == 9.0 and h2["points"] == 4.125
    assert h1["class_reason"] == "≥ 90, mọi lĩnh vực ≥ 80%"
    assert h2["class_reason"] == "chỉ số chỉ đạt 50,77 (< 65)"
    text = cli("rank", "--period", "2025").output
    assert "Bảng: district" in text
    assert "90 " in text and "50,77" in text


def _rows(db_url: str, sql: str) -> list[tuple]:
    async def go() -> list[tuple]:
        engine = make_engine(db_url)
        try:
            async with engine.connect() as conn:
                return [tuple(r) for r in (await conn.execute(sa.text(sql))).all()]
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_units_board_must_have_a_catalog_and_tags_are_read(cli, tmp_path, db_url):
    cli("catalog", "import", write(tmp_path, "huyen.yaml", DISTRICT), "--period", "2025")
    bad = "code,name,board,tags\nH1,Huyện Một,district,phuong\nB1,Chi cục,branch,\nH3,Huyện Ba,district,mot cua;Phường!\n"
    result = cli("units", "import", write(tmp_path, "bad.csv", bad), "--period", "2025", ok=False)
    assert result.exit_code == 1
    assert (
        "dòng 3: bảng 'branch' chưa có Bộ chỉ số năm 2025 (các Bộ chỉ số đã nạp dành cho: district)"
        in result.stderr
    )
    assert "dòng 4: nhãn 'Phường!'" in result.stderr
    assert _rows(db_url, "SELECT code FROM units") == []  # nothing imported
    cli(
        "units",
        "import",
        write(tmp_path, "units.csv", UNITS_CSV.replace(",phuong", ",phuong; Mot_Cua")),
        "--period",
        "2025",
    )
    rows = _rows(db_url, "SELECT code, board, tags FROM units ORDER BY code")
    assert [(c, b) for c, b, _ in rows] == [("H1", "district"), ("H2", "district")]
    tags = rows[0][2]
    assert (json.loads(tags) if isinstance(tags, str) else tags) == ["mot_cua", "phuong"]


EVIDENCE = DISTRICT.replace(
    "        title: Ban hành kế hoạch\n",
    "        title: Ban hành kế hoạch\n        evidence: Kế hoạch CCHC\n        evidence_required: true\n",
).replace(
    "        title: Số hóa hồ sơ\n",
    "        title: Số hóa hồ sơ\n        evidence: Báo cáo số hóa\n        evidence_required: true\n",
)


def test_answers_import_needs_evidence_or_explanation_unless_allowed(cli, tmp_path, db_url):
    cli("catalog", "import", write(tmp_path, "huyen.yaml", EVIDENCE), "--period", "2025")
    cli("units", "import", write(tmp_path, "units.csv", UNITS_CSV), "--period", "2025")
    lines = answers_csv().splitlines()
    lines[0] += ",explanation"
    lines = [ln + ("," if n else "") for n, ln in enumerate(lines)]
    # H1 explains 1.3; H2's 1.3 = khong scores nothing, so needs no proof
    lines[3] = "H1,1.3,co,Kế hoạch đã ban hành nhưng bản ký số đang chờ văn thư gửi lại"
    answers = write(tmp_path, "answers.csv", "\n".join(lines) + "\n")
    result = cli("answers", "import", answers, "--period", "2025", ok=False)
    assert result.exit_code == 1
    err = result.stderr
    assert (
        "dòng 8: H1 / 2.3: 2.3 được tính điểm nhưng cần tài liệu kiểm chứng (Báo cáo số hóa)" in err
    )
    assert "dòng 14: H2 / 2.3: 2.3 được tính điểm" in err
    assert "1.3" not in err
    assert _rows(db_url, "SELECT count(*) FROM answers") == [(0,)]
    cli("answers", "import", answers, "--period", "2025", "--allow-missing-evidence")
    reasons = _rows(
        db_url,
        "SELECT u.code, i.code, h.reason FROM answer_history h JOIN units u ON u.id = h.unit_id "
        "JOIN catalog_items i ON i.id = h.item_id WHERE h.reason <> 'import' ORDER BY 1, 2",
    )
    assert reasons == [
        ("H1", "2.3", "import --allow-missing-evidence"),
        ("H2", "2.3", "import --allow-missing-evidence"),
    ]


def test_a_bad_catalog_is_refused_whole_with_every_problem(cli, tmp_path, db_url):
    bad = DISTRICT.replace("per: 0.5,", "per: -0.5,").replace(
        "applies_to: [phuong]", "applies_to: []\n        evidance_required: true"
    )
    result = cli(
        "catalog", "import", write(tmp_path, "bad.yaml", bad), "--period", "2025", ok=False
    )
    assert result.exit_code == 1
    err = result.stderr
    assert "1.2: per phải lớn hơn 0" in err
    assert "2.2: applies_to cần danh sách ít nhất một nhãn đơn vị" in err
    assert "2.2: evidance_required — có phải evidence_required?" in err
    assert _rows(db_url, "SELECT count(*) FROM catalogs") == [(0,)]


def test_excel_sheets_show_the_new_rules(cli, tmp_path):
    from openpyxl import load_workbook

    cli("catalog", "import", write(tmp_path, "huyen.yaml", DISTRICT), "--period", "2025")
    cli("units", "import", write(tmp_path, "units.csv", UNITS_CSV), "--period", "2025")
    cli("answers", "import", write(tmp_path, "answers.csv", answers_csv()), "--period", "2025")
    out = tmp_path / "h2.xlsx"
    cli("export", "sheet", "--unit", "H2", "--period", "2025", "--out", str(out))
    ws = load_workbook(out).active
    headers = [c.value for c in ws[5]]
    col = {h: i for i, h in enumerate(headers)}
    rows = {r[1].value: r for r in ws.iter_rows(min_row=6) if r[1].value}
    off = rows["2.2"]
    assert off[col["Số liệu kê khai"]].value == "không áp dụng với đơn vị"
    assert off[col["Điểm đạt"]].value is None
    assert rows["2.1"][col["Điểm đạt"]].value == 0.125
    assert rows["2.1"][col["Điểm đạt"]].number_format == "#,##0.00#"  # shows 0,125
    assert rows["1.1"][col["Số liệu kê khai"]].value == "4/4 (100%)"
    assert rows["1.2"][col["Điểm đạt"]].value == 0  # 5 late reports: never below 0
    assert rows["1.4"][col["Ghi chú thẩm định"]].value == "0 điểm vì tiêu chí 1.3 đạt 0 điểm"
    labels = {r[0].value: r[col["Điểm đạt"]].value for r in ws.iter_rows(min_row=6) if r[0].value}
    assert labels["CHỈ SỐ CCHC"] == 50.77
    assert labels["Điểm tối đa được tính (trừ tiêu chí không áp dụng, chờ điều tra)"] == 8.125
    assert labels["XẾP LOẠI"] == "Trung bình"
    assert labels["Lý do xếp loại"] == "chỉ số chỉ đạt 50,77 (< 65)"
    assert labels["Xếp hạng"] == "2/2 — Bảng district"

    rank = tmp_path / "rank.xlsx"
    cli("export", "ranking", "--period", "2025", "--board", "district", "--out", str(rank))
    wb = load_workbook(rank)
    assert wb.sheetnames == ["Bảng district"]
    ws = wb.active
    head = [c.value for c in ws[3]]
    got = [
        (
            r[1],
            r[head.index("Chỉ số CCHC")],
            r[head.index("Xếp loại")],
            r[head.index("Lý do xếp loại")],
        )
        for r in ws.iter_rows(min_row=4, values_only=True)
        if r[1]  # the notes below the table have no unit code
    ]
    assert got == [
        ("H1", 90.0, "Xuất sắc", "≥ 90, mọi lĩnh vực ≥ 80%"),
        ("H2", 50.77, "Trung bình", "chỉ số chỉ đạt 50,77 (< 65)"),
    ]
    assert head[head.index("LV 2: tỷ lệ %") - 2 :][:2] == [
        "LV 2: điểm",
        "LV 2: tối đa được tính (bộ chỉ số: 4)",
    ]
