"""`parbot catalog draft` end to end on a real database: draft the appendix, validate and import
the draft as written, load answers, and get the index worked out by hand.

The draft is written in Vietnamese (PARBOT_LOCALE=vi), as the officer reads it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from scoring.catalog import Catalog
from scoring.catalog_loader import load_catalog_file
from tests.catalog_draft.appendix import REVIEW


@pytest.fixture
def cli(db_url: str, tmp_path: Path):
    runner = CliRunner()
    env = {
        "PARBOT_DATABASE_URL": db_url,
        "PARBOT_DATA_DIR": str(tmp_path / "data"),
        "PARBOT_LOCALE": "vi",
    }

    def run(*args: str, ok: bool = True):
        result = runner.invoke(main, list(args), env=env, catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output + (result.stderr or "")
        return result

    return run


def test_draft_never_overwrites_without_force(cli, appendix_path, tmp_path):
    out = tmp_path / "bo-chi-so.yaml"
    out.write_text("# my reviewed catalog\n", encoding="utf-8")
    refused = cli("catalog", "draft", str(appendix_path("xlsx")), "--out", str(out), ok=False)
    assert refused.exit_code == 1
    assert "đã có; chưa ghi gì" in refused.stderr and "--force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "# my reviewed catalog\n"
    done = cli("catalog", "draft", str(appendix_path("xlsx")), "--out", str(out), "--force")
    assert out.read_text(encoding="utf-8").startswith("# Bản nháp Bộ chỉ số do parbot soạn")
    said = done.output.splitlines()
    assert said[0] == "Đã đọc Phu-luc-I.xlsx: 8 lĩnh vực, 56 tiêu chí chấm điểm, tổng 100 điểm."
    review = said[said.index("Cần kiểm tra (4):") + 1 :][:4]
    assert review == [
        "• 1.3: văn bản ghi 2,5 điểm nhưng các tiêu chí con cộng lại được 2",
        "• 1.4.1: hạn không ghi năm; đã lấy năm 2024",
        "• 3.3.3: không đọc được cách chấm; cán bộ sẽ nhập điểm trực tiếp",
        "• 5.3.2: cách chấm cộng nhiều phần riêng (2 + 1); hãy tách thành tiêu chí thành phần "
        "hoặc để chấm trực tiếp",
    ]


def test_json_report_lists_exactly_the_items_to_check(cli, appendix_path, tmp_path):
    out = tmp_path / "draft.yaml"
    report = json.loads(
        cli("catalog", "draft", str(appendix_path("pdf")), "--out", str(out), "--json").output
    )
    assert report["out"] == str(out) and report["valid"] is True
    assert [r["code"] for r in report["review"]] == list(REVIEW)
    assert report["review"][0]["reason"] == (
        "văn bản ghi 2,5 điểm nhưng các tiêu chí con cộng lại được 2"
    )
    text = out.read_text(encoding="utf-8")
    assert text.count("# KIỂM TRA: ") == len(REVIEW)
    assert "# đoán: deduction — theo “mỗi báo cáo chậm hoặc không gửi trừ 0,25 điểm”" in text


def test_a_refused_file_writes_nothing(cli, tmp_path):
    from tests.catalog_draft import builders

    scan = tmp_path / "scan.pdf"
    scan.write_bytes(builders.scanned_pdf())
    out = tmp_path / "out.yaml"
    result = cli("catalog", "draft", str(scan), "--out", str(out), ok=False)
    assert result.exit_code == 1
    assert "bản quét" in result.stderr and ".docx" in result.stderr
    assert not out.exists()


def best_value(leaf) -> str:
    """The value that earns a leaf its max (an input; the expected index is by hand)."""
    a = leaf.answer
    if a.kind == "choice":
        return next(o.id for o in a.options if o.points == leaf.max)
    if a.kind == "number":
        return str(next(b.min for b in a.bands if b.points == leaf.max))
    if a.kind == "date":
        return a.deadline.isoformat()
    if a.kind == "manual":
        return str(leaf.max)
    return {"ratio": "10/10", "proportional": "10/10", "deduction": "0"}[a.kind]


def _answers(cat: Catalog, unit: str, values: dict[str, str]) -> list[str]:
    """One row per self-scored leaf: the value given, or the one earning the max."""
    return [
        f"{unit},{leaf.code},{values.get(leaf.code) or best_value(leaf)},Hồ sơ lưu tại UBND xã"
        for leaf in cat.leaves()
        if not leaf.is_survey
    ]


def test_the_draft_imports_and_scores_a_units_answers_by_hand(cli, appendix_path, tmp_path):
    out = tmp_path / "bo-chi-so-2024.yaml"
    cli("catalog", "draft", str(appendix_path("docx")), "--out", str(out), "--id", "xa-2024")
    cli("catalog", "validate", str(out))
    cli("catalog", "import", str(out), "--period", "2024")
    cat = load_catalog_file(out)
    units = tmp_path / "units.csv"
    units.write_text(
        "code,name,board\nX01,UBND xã Canh Thuận,commune\nX02,UBND xã Canh Hiệp,commune\n"
    )
    cli("units", "import", str(units), "--period", "2024")

    def option(code: str, points: str) -> str:
        return next(o.id for o in cat.item(code).answer.options if str(o.points) == points)

    x01 = {
        "1.1.1": "2023-12-20",  # on time → 1
        "1.1.2": "9/10",  # 90 % → band 80 → 0,5
        "1.2.1": "2",  # two late reports → 1 − 2 × 0,25 = 0,5
        "1.3.2": "3/4",  # proportional → 1 × 3/4 = 0,75
        "1.3.3": "0/0",  # nothing to fix → full 0,5
        "1.4.1": "2024-02-01",  # after 15/01/2024 → 0
        "1.4.2": "2",  # two forms → 1
        "1.5.1": "1",  # one initiative → 0,75
        "3.2.1": "45/50",  # 3 × 0,9 = 2,7
        "4.3.1": "1",  # 1 − 0,25 = 0,75
        "5.3.2": "2.5",  # manual, of 3
        "6.1.2": "5",  # 5 × 0,5 = 2,5 capped at 1,5 → 2 − 1,5 = 0,5
        "T1": "1",  # bonus 0,5
        "T2": option("T2", "0"),
        "TR1": "0",
        "TR2": option("TR2", "0"),
    }
    x02 = {"TR1": "1", "TR2": option("TR2", "0"), "T1": "0", "T2": option("T2", "0")}
    answers = tmp_path / "answers.csv"
    rows = ["unit,item,value,explanation", *_answers(cat, "X01", x01), *_answers(cat, "X02", x02)]
    answers.write_text("\n".join(rows) + "\n", encoding="utf-8")
    cli("answers", "import", str(answers), "--period", "2024")
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "unit,item,points\nX01,8.1,12\nX01,8.2,8\nX01,8.3.1,4\nX01,8.3.2,4.5\n"
        "X02,8.1,15\nX02,8.2,10\nX02,8.3.1,5\nX02,8.3.2,5\n",
        encoding="utf-8",
    )
    cli("survey", "import", str(survey), "--period", "2024")

    rows_json = json.loads(cli("rank", "--period", "2024", "--json").output)
    by_unit = {r["unit"]: r for r in rows_json}
    # X01: field 1 = 1 + 0,5 + 0,5 + 0,5 + 0,5 + 0,75 + 0,5 + 0 + 1 + 0,75 + 1 = 7;
    # field 2 = 8; field 3 = 14 − 0,3 = 13,7; field 4 = 7 − 0,25 = 6,75; field 5 = 9 − 0,5 = 8,5;
    # field 6 = 6 − 1,5 = 4,5; field 7 = 11; survey 12 + 8 + 4 + 4,5 = 28,5 → 87,95 of 100;
    # bonus 0,5 → 88,45: "Hoàn thành tốt nhiệm vụ" (from 80 to under 90)
    x1 = by_unit["X01"]
    assert x1["index"] == 88.45
    assert x1["fields"]["1"] == 70.0 and x1["fields"]["6"] == 75.0
    assert (x1["bonus"], x1["penalty"]) == (0.5, 0.0)
    assert x1["classification"] == "Hoàn thành tốt nhiệm vụ"
    # X02: everything at its max (100) but one criticism: penalty 0,5 → 99,5; "xuất sắc" needs
    # no penalty at all (max_penalty 0), so it is "tốt"
    x2 = by_unit["X02"]
    assert (x2["index"], x2["penalty"]) == (99.5, 0.5)
    assert x2["classification"] == "Hoàn thành tốt nhiệm vụ"
    assert [(r["unit"], r["rank"]) for r in rows_json] == [("X02", 1), ("X01", 2)]
