"""The admin CLI end to end on a real database: the sample commune catalog, units, answers, ranks.

Expected indexes are worked out by hand in the comments (catalog xa-mau-2024: 70 self-assessed
points + 30 survey points; bonus cap 2, penalty cap 3).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.catalog import sample_catalog_paths
from tests.cli.runner import cli_runner
from tests.cli.scoring_sheets import CAT, XA, sheet, write

PHONG = sample_catalog_paths()["phong-mau-2024"]


@pytest.fixture
def cli(db_url: str, tmp_path: Path):
    return cli_runner(db_url, tmp_path, "en")


def test_sample_catalog_units_answers_give_hand_worked_ranks(cli, tmp_path, db_url):
    cli("db", "upgrade")
    cli("catalog", "validate", str(XA))
    cli("catalog", "import", str(XA), "--period", "2024")
    cli("catalog", "import", str(PHONG), "--period", "2024")
    units = write(
        tmp_path,
        "units.csv",
        [
            "code,name,board",
            "X01,UBND xã Canh Thuận,commune",
            "X02,UBND xã Canh Hiệp,commune",
            "X03,UBND xã Canh Liên,commune",
            "X04,UBND phường Bình Định,commune",
            "X05,UBND xã Canh Hòa,commune",
            "P01,Phòng Tư pháp,2",  # fixed below: departments are board 1
        ],
    )
    cli("units", "import", units, "--period", "2024")
    cli(
        "units",
        "import",
        write(tmp_path, "fix.csv", ["code,name,board", "P01,Phòng Tư pháp,department"]),
        "--period",
        "2024",
    )
    answers = ["unit,item,value,explanation"]
    answers += sheet("X01", B_1="cap_tinh", B_2="co")
    answers += sheet("X02", **{"3_3_1": "95/100", "5_4_1": "1"}, P_1="co")
    answers += sheet("X03", **{"7_2_1": "na", "7_5": "khong"})
    answers += sheet("X04", **{"4_3": "vuot", "4_1": "khong"})
    answers += sheet("X05", **{"4_3": "vuot", "4_1": "khong"})
    cli(
        "answers",
        "import",
        write(tmp_path, "answers.csv", answers),
        "--period",
        "2024",
        "--allow-missing-evidence",  # a sample sheet: no evidence files
    )
    survey = {leaf.code: leaf.max for leaf in CAT.leaves() if leaf.is_survey}
    assert sum(survey.values()) == Decimal(30)
    _import_survey(db_url, ["X01", "X02", "X04", "X05"], survey)

    data = json.loads(cli("rank", "--period", "2024", "--json").output)
    by_unit = {row["unit"]: row for row in data}
    # X01: everything at max (100) + bonus 2, clamped at the scale → 100
    assert by_unit["X01"]["index"] == 100.0
    assert by_unit["X01"]["classification"] == "Hoàn thành xuất sắc nhiệm vụ"
    assert by_unit["X01"]["pending"] is False
    # X02: loses 1 (3.3.1 at 95 % → 2.5 of 3.5) and 1.25 (one violation, 5.4.1) → 97.75,
    # minus penalty 2 → 95.75; field 3 = 14/15 = 93.33 %, field 5 = 9.75/11 = 88.64 %
    assert by_unit["X02"]["index"] == 95.75
    assert by_unit["X02"]["fields"]["3"] == 93.33
    assert by_unit["X02"]["fields"]["5"] == 88.64
    # X03: survey pending (30 left out); 7.2.1 not applicable (3 excluded); 7.5 "không" loses 2
    # → 65 of 67 = 97.01; lowest 65/97 = 67.01, highest 95/97 = 97.94; field 7 = 9/11 = 81.82 %
    x3 = by_unit["X03"]
    assert (x3["index"], x3["index_low"], x3["index_high"]) == (97.01, 67.01, 97.94)
    assert x3["fields"]["7"] == 81.82 and x3["pending"] is True
    assert x3["classification"] == "Hoàn thành xuất sắc nhiệm vụ"
    # X04 = X05: field 4 loses 3.5 of 6 → 41.67 % < 50 %: not completed despite index 96.5
    for code in ("X04", "X05"):
        assert by_unit[code]["index"] == 96.5
        assert by_unit[code]["fields"]["4"] == 41.67
        assert by_unit[code]["classification"] == "Không hoàn thành nhiệm vụ"
    # commune board: 100, 97.01, 96.5, 96.5, 95.75 → 1, 2, 3, 3, 5
    ranks = [(r["unit"], r["rank"]) for r in data if r["board"] == "commune"]
    assert ranks == [("X01", 1), ("X03", 2), ("X04", 3), ("X05", 3), ("X02", 5)]
    # X03's pending 30 points: best rank 1 (97.94 < 100 → still 2), worst when at 67.01 → last
    assert (x3["best_rank"], x3["worst_rank"]) == (2, 5)
    dept = [r for r in data if r["board"] == "department"]
    assert [(r["unit"], r["rank"], r["index"]) for r in dept] == [("P01", 1, 0.0)]

    only = json.loads(cli("rank", "--period", "2024", "--board", "department", "--json").output)
    assert [r["unit"] for r in only] == ["P01"]
    text = cli("rank", "--period", "2024").output
    assert "UBND xã Canh Thuận" in text and "preliminary" in text


def _import_survey(db_url: str, units: list[str], points: dict[str, Decimal]) -> None:
    """Survey import is a later capability; here the points go straight through the repository."""
    import asyncio

    from storage.db import make_engine, make_sessionmaker
    from storage.uow import UnitOfWork

    async def go() -> None:
        engine = make_engine(db_url)
        try:
            async with UnitOfWork(make_sessionmaker(engine)) as uow:
                period = await uow.periods.get_by_year(2024)
                for code in units:
                    unit = await uow.units.get_by_code(period.id, code)
                    items = await uow.catalogs.items_by_code(unit.catalog_id)
                    for item_code, pts in points.items():
                        await uow.survey.set_points(unit.id, items[item_code].id, pts)
        finally:
            await engine.dispose()

    asyncio.run(go())


def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_imported(cli, tmp_path):
    cli("catalog", "import", str(XA), "--period", "2024")
    cli(
        "units",
        "import",
        write(tmp_path, "u.csv", ["code,name,board", "X01,Xã A,commune"]),
        "--period",
        "2024",
    )
    bad = write(
        tmp_path,
        "a.csv",
        [
            "unit,item,value,explanation",
            "X01,1.1.1.a,day_du,",
            "X09,1.1.1.a,day_du,",
            "X01,9.9.9,co,",
            "X01,1.2,ba,",
            "X01,1.1.2,11/10,",
            "X01,1.5.2,1,",
            "X01,1.6,1,",
        ],
    )
    result = cli("answers", "import", bad, "--period", "2024", ok=False)
    assert result.exit_code == 1
    out = result.stderr
    assert "line 3: unknown unit X09" in out
    assert "line 4: unknown item 9.9.9" in out
    assert "line 5: X01 / 1.2: 'ba' is not a number" in out
    assert "line 6: X01 / 1.1.2: the numerator (11) cannot exceed the denominator (10)" in out
    assert "line 7: X01 / 1.5.2: points typed directly need an explanation" in out
    assert "line 8: X01 / 1.6: item 1.6 is filled from the survey" in out
    data = json.loads(cli("rank", "--period", "2024", "--json").output)
    # line 2 was not imported either: every item the officer is asked (bonus and penalty too)
    # is unanswered; B.3 is for wards only
    assert data[0]["sources"] == {"unanswered": 53, "pending": 7, "not_for_unit": 1}
    assert data[0]["unanswered"] == 53


def test_invalid_catalog_exits_non_zero_listing_codes(cli, tmp_path):
    text = XA.read_text(encoding="utf-8").replace("max: 0.5", "max: 0.75", 1)
    bad = write(tmp_path, "bad.yaml", [text])
    result = cli("catalog", "validate", bad, ok=False)
    assert result.exit_code == 1
    listed = [ln[4:].split(":")[0] for ln in result.stderr.splitlines() if ln.startswith("  - ")]
    assert listed == ["1.1.1.a", "1.1.1"]  # the option's max, then its parent's sum
    assert result.stderr.startswith("2 problem(s) in ")


def test_invite_prints_a_long_single_use_code_and_link(cli, tmp_path):
    cli("catalog", "import", str(XA), "--period", "2024")
    cli(
        "units",
        "import",
        write(tmp_path, "u.csv", ["code,name,board", "X01,Xã A,commune"]),
        "--period",
        "2024",
    )
    out = cli(
        "invite", "--unit", "X01", "--role", "officer", "--period", "2024"
    ).output.splitlines()
    code, link = out[0], out[1]
    assert len(code) >= 22  # ≥ 128 bits in url-safe base64
    assert link.endswith(f"?start={code}") and link.startswith("https://t.me/")
    bad = cli("invite", "--unit", "NOPE", "--role", "officer", "--period", "2024", ok=False)
    assert bad.exit_code == 1 and "unknown unit NOPE" in bad.stderr
