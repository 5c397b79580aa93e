"""The results CLI on a real database (SQLite and PostgreSQL): survey import, appraiser
assignments, Excel exports re-opened and checked against the scoring engine, publication."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from conversations import assessment as A
from conversations.i18n import fmt_num
from storage import models as m
from tests.results.helpers import (
    CAT,
    PHONG,
    SURVEY,
    rank_json,
    with_db,
    write,
)

# ------------------------------------------------------------------ survey


def test_survey_import_fills_pending_items(cli, board, tmp_path):
    assert rank_json(cli)["X01"]["pending"] is True
    lines = ["unit,item,points"] + [f"X01,{code},{pts}" for code, pts in SURVEY.items()]
    lines += [f"X02,{code},{pts / 2}" for code, pts in SURVEY.items()]
    out = cli("survey", "import", write(tmp_path, "s.csv", lines), "--period", "2024").output
    assert "Survey points: 14 saved." in out
    data = rank_json(cli)
    assert data["X01"]["pending"] is False and data["X01"]["sources"].get("survey") == 7
    assert data["X01"]["index"] == 100.0
    assert data["X02"]["pending"] is False
    assert data["X03"]["pending"] is True


def test_survey_import_rejects_bad_rows_with_line_numbers_and_imports_nothing(cli, board, tmp_path):
    lines = [
        "unit,item,points",
        "X01,1.6,1",  # fine, but not imported because of the rest
        "X09,1.6,1",
        "X01,9.9,1",
        "X01,1.1.2,1",
        "X01,8.1,99",
        "X01,8.2,-1",
        "X01,8.3,abc",
        "X01,1.6,0.5",
        "X02,2.4,0.1255",
        "X02,1,1",
    ]
    result = cli(
        "survey", "import", write(tmp_path, "bad.csv", lines), "--period", "2024", ok=False
    )
    assert result.exit_code == 1
    err = result.stderr
    assert "line 3: unknown unit X09" in err
    assert "line 4: unknown item 9.9 in catalog xa-mau-2024" in err
    assert "line 5: X01 / 1.1.2: item 1.1.2 is not a survey item" in err
    assert f"line 6: X01 / 8.1: 99 points are over the item's max of {CAT.item('8.1').max}" in err
    assert "line 7: X01 / 8.2: points cannot be negative" in err
    assert "line 8: X01 / 8.3: 'abc' is not a number" in err
    assert "line 9: X01 / 1.6 is repeated (first on line 2)" in err
    assert "line 10: X02 / 2.4: points have at most three decimals" in err
    assert "line 11: X02 / 1: item 1 is not a survey item" in err
    assert rank_json(cli)["X01"]["sources"].get("survey") is None
    header = cli(
        "survey",
        "import",
        write(tmp_path, "h.csv", ["unit,code,pts", "X01,1.6,1"]),
        "--period",
        "2024",
        ok=False,
    )
    assert "line 1" in header.stderr and "missing: item,points" in header.stderr
    nope = cli(
        "survey",
        "import",
        write(tmp_path, "n.csv", ["unit,item,points"]),
        "--period",
        "2031",
        ok=False,
    )
    assert "no assessment period 2031" in nope.stderr


# ------------------------------------------------------------------ appraisers


def test_appraiser_assignment_by_telegram_id_and_invite(cli, board, db_url):
    async def people(uow):
        p = await uow.people.upsert(555, 555, "Anh Tư")
        code, _ = await A.create_invite(
            uow,
            year=2024,
            unit_code=None,
            role="appraiser",
            ttl=__import__("datetime").timedelta(days=1),
            now=__import__("datetime").datetime.now(__import__("datetime").UTC),
        )
        q = await uow.people.upsert(556, 556, "Chị Ba")
        inv = await uow.invites.get_by_code(code)
        await uow.invites.mark_used(inv, q)
        unused, _ = await A.create_invite(
            uow,
            year=2024,
            unit_code=None,
            role="appraiser",
            ttl=__import__("datetime").timedelta(days=1),
            now=__import__("datetime").datetime.now(__import__("datetime").UTC),
        )
        return p, code, unused

    _, code, unused = with_db(db_url, people)
    out = cli(
        "appraiser",
        "assign",
        "--person",
        "555",
        "--period",
        "2024",
        "--field",
        "2",
        "--board",
        "commune",
    ).output
    assert "Anh Tư appraises field 2 (commune) in 2024." in out
    cli(
        "appraiser",
        "assign",
        "--person",
        "555",
        "--period",
        "2024",
        "--field",
        "2",
        "--board",
        "commune",
    )  # idempotent
    out = cli(
        "appraiser", "assign", "--invite", code, "--period", "2024", "--field", "bonus"
    ).output
    assert "Chị Ba appraises field bonus (all boards)" in out

    async def told(uow):  # each appraiser is told, with the menu of their new role
        rows = await uow.session.execute(
            select(m.OutboxMessage).where(m.OutboxMessage.key.like("rv:assign:%"))
        )
        return [(r.chat_id, r.payload) for r in rows.scalars()]

    notices = with_db(db_url, told)
    assert sorted(chat for chat, _ in notices) == [555, 556]  # the repeat is not told again
    for _, payload in notices:
        assert "/review" in payload["text"] and "review" in dict(payload["commands"])
    texts = sorted(p["text"] for _, p in notices)  # in PARBOT_LOCALE (English here)
    assert "appraise 2. Institutional reform (Board 2: communes)" in texts[0]
    assert "appraise Bonus points (all boards)" in texts[1]
    listing = cli("appraiser", "list", "--period", "2024").output
    assert "Anh Tư (555): 2 · commune" in listing and "Chị Ba (556): bonus · all boards" in listing
    bad = cli(
        "appraiser", "assign", "--invite", unused, "--period", "2024", "--field", "1", ok=False
    )
    assert bad.exit_code == 1 and "has not been used yet" in bad.stderr
    bad = cli(
        "appraiser", "assign", "--person", "999", "--period", "2024", "--field", "1", ok=False
    )
    assert "nobody with Telegram id 999" in bad.stderr
    bad = cli(
        "appraiser", "assign", "--person", "555", "--period", "2024", "--field", "42", ok=False
    )
    assert "unknown field 42" in bad.stderr
    both = cli(
        "appraiser",
        "assign",
        "--person",
        "555",
        "--invite",
        code,
        "--period",
        "2024",
        "--field",
        "1",
        ok=False,
    )
    assert both.exit_code == 2

    async def roles(uow):
        p = await uow.people.get_by_telegram_id(555)
        return await uow.people.has_role(p, "appraiser")

    assert with_db(db_url, roles)


# ------------------------------------------------------------------ exports


def _standings(db_url: str, board: str | None = None) -> list[A.Standing]:
    return with_db(db_url, lambda uow: A.standings(uow, 2024, board))


def test_unit_sheet_matches_the_scoring_engine(cli, board, tmp_path, db_url):
    # an appraisal and survey points so every column has something to show
    async def extra(uow):
        period = await uow.periods.get_by_year(2024)
        unit = await uow.units.get_by_code(period.id, "X02")
        items = await uow.catalogs.items_by_code(unit.catalog_id)
        await uow.appraisals.set_appraisal(
            unit.id, items["1.2"].id, "adjusted", Decimal("1"), "Thiếu 1 văn bản"
        )
        for code, pts in SURVEY.items():
            await uow.survey.set_points(unit.id, items[code].id, pts)

    with_db(db_url, extra)
    out = tmp_path / "x02.xlsx"
    assert (
        "Written"
        in cli("export", "sheet", "--unit", "X02", "--period", "2024", "--out", str(out)).output
    )
    x02 = next(r for r in _standings(db_url) if r.unit.code == "X02")
    full = with_db(db_url, lambda uow: A.unit_result(uow, x02.unit))
    assert full is not None
    res = full[1]
    assert res.summary() == x02.result  # the stored summary agrees with a full computation
    wb = load_workbook(out)
    ws = wb.active
    assert ws.title == "Biểu tự chấm điểm"
    headers = [c.value for c in ws[5]]
    assert headers[:8] == [
        "STT",
        "Mã tiêu chí",
        "Lĩnh vực / tiêu chí",
        "Điểm tối đa",
        "Số liệu kê khai",
        "Điểm tự chấm",
        "Điểm thẩm định",
        "Điểm đạt",
    ]
    col = {h: i for i, h in enumerate(headers)}
    rows = {r[1].value: r for r in ws.iter_rows(min_row=6) if r[1].value}
    # every field: a bold subtotal row equal to the engine's field points
    for n, f in enumerate(res.fields):
        row = rows[f.code]
        assert row[col["STT"]].value == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"][n]
        assert row[col["Điểm đạt"]].value == pytest.approx(float(f.points))
        assert row[col["Điểm tối đa"]].value == pytest.approx(float(f.max))
        assert row[col["Mã tiêu chí"]].font.b
        assert row[col["Điểm đạt"]].number_format == "#,##0.00#"
    # every leaf, inner criteria too
    for leaf in CAT.leaves():
        if leaf.section != "field":
            continue
        row = rows[leaf.code]
        assert row[col["Điểm đạt"]].value == pytest.approx(float(res.leaves[leaf.code].points))
        assert isinstance(row[col["Điểm tối đa"]].value, int | float)  # a number, not text
    assert "1.1" in rows and not rows["1.1"][col["Mã tiêu chí"]].font.b
    r12 = rows["1.2"]
    assert r12[col["Điểm thẩm định"]].value == 1.0 and r12[col["Điểm tự chấm"]].value == 1.5
    assert "Thiếu 1 văn bản" in r12[col["Ghi chú thẩm định"]].value
    assert rows["3.3.1"][col["Số liệu kê khai"]].value == "95/100 (95%)"
    assert rows["1.6"][col["Số liệu kê khai"]].value == "Điều tra xã hội học"
    assert "Giải trình" in rows["1.5.2"][col["Giải trình"]].value
    # the bottom: the index and the classification as the engine computes them
    labels = {r[0].value: r[col["Điểm đạt"]].value for r in ws.iter_rows(min_row=6) if r[0].value}
    assert labels["CHỈ SỐ CCHC"] == pytest.approx(float(res.index))
    assert labels["XẾP LOẠI"] == res.classification
    assert labels["Tổng điểm các lĩnh vực"] == pytest.approx(float(res.points))
    assert labels["Xếp hạng"].startswith(f"{x02.ranked.rank}/4")
    # printing: A4 landscape, one page wide, header repeated, frozen header
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$5:$5"
    assert ws.freeze_panes == "A6"
    assert ws.column_dimensions["C"].width == 46
    assert ws.page_margins.left == pytest.approx(0.4)


def test_ranking_workbook_has_a_sheet_per_board(cli, board, tmp_path, db_url):
    cli("catalog", "import", str(PHONG), "--period", "2024")
    cli(
        "units",
        "import",
        write(
            tmp_path,
            "p.csv",
            ["code,name,board", "P01,Phòng Tư pháp,department", "P02,Phòng Nội vụ,department"],
        ),
        "--period",
        "2024",
    )
    out = tmp_path / "rank.xlsx"
    cli("export", "ranking", "--period", "2024", "--out", str(out))
    wb = load_workbook(out)
    assert wb.sheetnames == ["Bảng 1 - Cơ quan chuyên môn", "Bảng 2 - UBND xã, phường"]
    ws = wb["Bảng 2 - UBND xã, phường"]
    headers = [c.value for c in ws[3]]
    assert headers[:3] == ["Hạng", "Mã đơn vị", "Tên đơn vị"] and "Chỉ số CCHC" in headers
    assert ws.freeze_panes == "D4" and ws.print_title_rows == "$3:$3"
    ranked = _standings(db_url, "commune")
    for i, s in enumerate(ranked, start=4):
        row = [c.value for c in ws[i]]
        assert row[0] == s.ranked.rank and row[1] == s.unit.code and row[2] == s.unit.name
        assert row[headers.index("Chỉ số CCHC")] == pytest.approx(float(s.result.index))
        assert row[headers.index("Xếp loại")] == s.result.classification
        for f in s.result.fields:
            pts = row[headers.index(f"LV {f.code}: điểm")]
            assert pts == pytest.approx(float(f.points))
            top = f"LV {f.code}: tối đa được tính (bộ chỉ số: {fmt_num(f.max, 'vi')})"
            assert row[headers.index(top)] == pytest.approx(float(f.applicable_max))
            pct = row[headers.index(f"LV {f.code}: tỷ lệ %")]
            assert pct == (pytest.approx(float(f.pct)) if f.pct is not None else None)
        assert row[headers.index("Tổng điểm")] == pytest.approx(float(s.result.points))
        assert row[headers.index("Tối đa được tính")] == pytest.approx(
            float(s.result.applicable_max)
        )
        assert row[headers.index("Chưa trả lời")] == s.result.unanswered
        assert row[headers.index("Không áp dụng")] == s.result.not_applicable
        assert ws.cell(row=i, column=headers.index("Chỉ số CCHC") + 1).number_format == "#,##0.00#"
    assert [c.value for c in wb["Bảng 1 - Cơ quan chuyên môn"]["B"][3:5]] == ["P01", "P02"]
    only = tmp_path / "dept.xlsx"
    cli("export", "ranking", "--period", "2024", "--board", "department", "--out", str(only))
    assert load_workbook(only).sheetnames == ["Bảng 1 - Cơ quan chuyên môn"]
    bad = cli(
        "export",
        "sheet",
        "--unit",
        "NOPE",
        "--period",
        "2024",
        "--out",
        str(tmp_path / "n.xlsx"),
        ok=False,
    )
    assert bad.exit_code == 1 and "unknown unit NOPE" in bad.stderr


# ------------------------------------------------------------------ publication


def test_an_export_of_what_does_not_exist_writes_no_file_and_says_what_was_missing(
    cli, board, tmp_path
):
    out = tmp_path / "x.xlsx"
    sheet = cli("export", "sheet", "--unit", "NOPE", "--period", "2024", "--out", str(out), code=1)
    assert "Nothing was exported:" in sheet.stderr and "NOPE" in sheet.stderr
    ranking = cli("export", "ranking", "--period", "1999", "--out", str(out), code=1)
    assert "Nothing was exported:" in ranking.stderr and "1999" in ranking.stderr
    assert not out.exists()


def test_publish_freezes_marks_units_and_queues_each_persons_result(cli, board, tmp_path, db_url):
    async def people(uow):
        period = await uow.periods.get_by_year(2024)
        out = {}
        for tg, code, role in (
            (701, "X01", "leader"),
            (702, "X01", "officer"),
            (703, "X02", "leader"),
        ):
            p = await uow.people.upsert(tg, tg, f"P{tg}")
            unit = await uow.units.get_by_code(period.id, code)
            await uow.people.grant(p, role, unit.id)
            out[tg] = p.id
        return out

    ids = with_db(db_url, people)
    out = cli("publish", "--period", "2024", "--force", "--reason", "test").output
    assert "Published 2024 (version 1): 4 units; 3 messages queued" in out
    again = cli("publish", "--period", "2024", ok=False)
    assert again.exit_code == 1 and "already published" in again.stderr
    data = rank_json(cli)

    async def check(uow):
        from sqlalchemy import select

        from storage.models import OutboxMessage

        period = await uow.periods.get_by_year(2024)
        subs = await uow.submissions.list_for_period(period.id)
        rows = {r.key: r for r in (await uow.session.scalars(select(OutboxMessage))).all()}
        return period.published_at, {s.status for s in subs.values()}, len(subs), rows

    published_at, statuses, n, rows = with_db(db_url, check)
    assert published_at is not None and statuses == {"published"} and n == 4
    assert set(rows) == {f"pub:2024:{ids[701]}", f"pub:2024:{ids[702]}", f"pub:2024:{ids[703]}"}
    msg = rows[f"pub:2024:{ids[703]}"]
    x02 = data["X02"]
    assert f"UBND xã Canh Hiệp: index {x02['index']}" in msg.payload["text"]
    assert f"rank {x02['rank']}/4" in msg.payload["text"]
    assert report_sheet(out).is_file()
    assert load_workbook(report_sheet(out)).sheetnames == ["Bảng 2 - UBND xã, phường"]
    assert msg.kind == "document"  # the ranking goes along with each person's result
    assert msg.payload["document"]["path"] == str(report_sheet(out))
    assert "The ranking of every unit is attached." in msg.payload["text"]
    # frozen: survey import and reopening are refused
    s = write(tmp_path, "s.csv", ["unit,item,points", "X01,1.6,1"])
    late = cli("survey", "import", s, "--period", "2024", ok=False)
    assert "published, so nothing can change" in late.stderr
    assert 'parbot unpublish --period 2024 --reason "…"' in late.stderr
    re = cli("reopen", "--unit", "X01", "--period", "2024", ok=False)
    assert "published" in re.stderr


def report_sheet(output: str) -> Path:
    return Path(output.strip().splitlines()[-1])


def test_reopen_a_unit(cli, board, db_url):
    out = cli("reopen", "--unit", "X01", "--period", "2024").output
    assert "UBND xã Canh Thuận is reopened." in out
    again = cli("reopen", "--unit", "X01", "--period", "2024", ok=False)
    assert "already reopened" in again.stderr
    nope = cli("reopen", "--unit", "X99", "--period", "2024", ok=False)
    assert "unknown unit X99" in nope.stderr
