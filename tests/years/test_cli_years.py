"""One year to the next on a real migrated database (SQLite and PostgreSQL): `parbot period
new`, the previous year in `rank --json`, the ranking sheet, /rank and the walk card; `parbot
catalog diff` and `catalog mapping import`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.app import open_database
from bot.cli import main
from bot.settings import load_settings
from conversations.replies import Outcome
from tests.cli.chat_driver import chat
from tests.years.yeardata import NEW, OLD, catalog, leaf, write

UNITS = "code,name,board\nX01,UBND xã An Hòa,commune\nX02,UBND xã Bình Phú,commune\nX03,UBND xã Cát Tiến,commune\n"


@pytest.fixture
def cli(db_url: str, tmp_path: Path):
    runner = CliRunner()
    env = {
        "PARBOT_DATABASE_URL": db_url,
        "PARBOT_DATA_DIR": str(tmp_path / "data"),
        "PARBOT_LOCALE": "en",
    }

    def run(*args: str, code: int = 0):
        result = runner.invoke(main, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == code, result.output + (result.stderr or "")
        return result

    return run


def texts(out: Outcome) -> str:
    return "\n".join(r.text or "" for r in out.replies)


def buttons(out: Outcome) -> list[str]:
    return [b.data or "" for r in out.replies for row in r.buttons for b in row]


def answers(tmp: Path, name: str, rows: dict[str, dict[str, str]]) -> str:
    lines = ["unit,item,value,explanation"]
    for unit, items in rows.items():
        for item, value in items.items():
            note = "Kế hoạch số 12/KH-UBND ngày 5/1" if (unit, item) == ("X01", "1.1") else ""
            lines.append(f"{unit},{item},{value},{note}")
    return write(tmp, name, "\n".join(lines) + "\n")


def year_2024(cli, tmp: Path, db_url: str) -> dict[str, str]:
    """2024 with three units, a leader and an officer of X01 (joined by invite), an appraiser."""
    cli("catalog", "import", write(tmp, "old.yaml", OLD), "--period", "2024")
    cli("units", "import", write(tmp, "u.csv", UNITS), "--period", "2024")
    rows = {
        "X01": {"1.1": "co", "1.2": "khong", "1.3": "khong"},
        "X02": {"1.1": "co", "1.2": "co", "1.3": "co"},
        "X03": {"1.1": "co", "1.2": "co", "1.3": "khong"},
    }
    cli("answers", "import", answers(tmp, "a24.csv", rows), "--period", "2024")
    codes = {}
    for role, user in (("leader", 501), ("officer", 502)):
        code = cli("invite", "--period", "2024", "--unit", "X01", "--role", role).output
        codes[role] = code.splitlines()[0]
        chat(db_url, tmp, user, f"User {user}", f"/start {codes[role]}")
    code = cli("invite", "--period", "2024", "--role", "appraiser").output.splitlines()[0]
    chat(db_url, tmp, 503, "User 503", f"/start {code}")
    cli("appraiser", "assign", "--person", "503", "--period", "2024", "--field", "1")
    return codes


def test_period_new_copies_the_year_and_every_result_shows_the_previous_one(cli, tmp_path, db_url):
    codes = year_2024(cli, tmp_path, db_url)
    before = {r["unit"]: r for r in json.loads(cli("rank", "--period", "2024", "--json").output)}
    assert [before[u]["rank"] for u in ("X02", "X03", "X01")] == [1, 2, 3]

    out = cli("period", "new", "2025", "--from", "2024").output
    assert "catalogs copied: xa-2024" in out
    assert "units copied: 3" in out
    assert "roles moved to the new units: 2 (2 people)" in out
    assert "appraiser assignments copied: 1" in out
    # twice: refused clearly, nothing doubled
    again = cli("period", "new", "2025", "--from", "2024", code=1)
    assert "2025 already has 3 units and 1 catalogs" in again.output + again.stderr

    access = cli("access", "list", "--period", "2025").output
    assert "X01" in access and "501" in access and "502" in access
    assert "User 503 (503): 1 · " in cli("appraiser", "list", "--period", "2025").output
    # a used invite stays used
    reuse = chat(db_url, tmp_path, 504, "User 504", f"/start {codes['leader']}")[0]
    assert "This invite has already been used." in texts(reuse)
    assert "504" not in cli("access", "list", "--period", "2025").output

    cli("units", "import", write(tmp_path, "u4.csv", "code,name,board\nX04,UBND xã Mới,commune\n"),
        "--period", "2025")  # fmt: skip
    rows = {
        "X01": {"1.1": "co", "1.2": "co", "1.3": "co"},
        "X02": {"1.1": "co", "1.2": "khong", "1.3": "khong"},
        "X03": {"1.1": "co", "1.2": "co", "1.3": "khong"},
    }
    cli("answers", "import", answers(tmp_path, "a25.csv", rows), "--period", "2025")
    now = {r["unit"]: r for r in json.loads(cli("rank", "--period", "2025", "--json").output)}
    for unit in ("X01", "X02", "X03"):
        prev = now[unit]["previous"]
        assert prev["index"] == before[unit]["index"]
        assert prev["rank"] == before[unit]["rank"]
        assert prev["classification"] == before[unit]["classification"]
    assert now["X04"]["previous"] is None
    computed = yaml.safe_load(cli("catalog", "mapping", "show", "--period", "2025").output)
    assert {i["match"] for i in computed["catalogs"][0]["items"]} == {"same"}  # kept catalog
    assert now["X01"]["rank"] == 1 and before["X01"]["rank"] == 3
    text = cli("rank", "--period", "2025").output
    assert "Last year" in text and "2024: 40 (rank 3)" in text
    history = cli("access", "history").output
    assert history.count("cli: period new") == 4  # two roles: granted on 2025, ended on 2024

    # the ranking sheet has the previous year's columns
    sheet = tmp_path / "r.xlsx"
    cli("export", "ranking", "--period", "2025", "--out", str(sheet))
    ws = load_workbook(sheet).worksheets[0]
    header = [c.value for c in ws[3]]
    col = header.index("Năm 2024: Chỉ số CCHC")
    values = {r[1].value: r for r in ws.iter_rows(min_row=4)}
    assert values["X01"][col].value == before["X01"]["index"]
    assert values["X01"][col + 1].value == 3
    assert values["X01"][col + 3].value == pytest.approx(
        now["X01"]["index"] - before["X01"]["index"]
    )
    assert values["X04"][col].value is None

    # /rank for the leader, in Vietnamese and in English, and the criteria that moved
    vi = texts(chat(db_url, tmp_path, 501, "User 501", "cb:l:vi", "/rank")[1])
    assert "So với năm trước: +60 điểm, từ hạng 3 lên hạng 1" in vi
    en = chat(db_url, tmp_path, 501, "User 501", "cb:l:en", "/rank")[1]
    assert "Compared with last year: +60 points, up from rank 3 to rank 1" in texts(en)
    yoy = next(d for d in buttons(en) if d.startswith("rk:yoy:"))
    moved = texts(chat(db_url, tmp_path, 501, "User 501", f"cb:{yoy}")[0])
    assert "1.2: +3 (0 → 3)" in moved and "1.3: +3 (0 → 3)" in moved
    assert "Lost:" not in moved

    # the admins' board list says where each unit stood last year
    admin = cli("invite", "--period", "2025", "--role", "admin").output.splitlines()[0]
    board = texts(chat(db_url, tmp_path, 505, "User 505", f"/start {admin}", "/rank")[1])
    # (the class carries its reason since issue 14)
    assert "1. UBND xã An Hòa — 100* (Good — ≥ 80) · 2024: rank 3, +60" in board
    assert "4. UBND xã Mới — 0* (Not completed — index only 0 (&lt; 50))\n" in board  # new

    # the officer's card shows last year's answer and explanation, read only
    card = texts(chat(db_url, tmp_path, 502, "User 502", "/score 1.1")[0])
    assert "Last year (2024): Có → 4 points" in card
    assert "Kế hoạch số 12/KH-UBND" in card


def test_period_new_with_a_new_catalog_and_its_mapping(cli, tmp_path, db_url):
    year_2024(cli, tmp_path, db_url)
    # the departments' catalog is not replaced: it is copied
    phong = catalog(
        "phong-2024", 2024, leaf("1.1", "Kế hoạch CCHC của phòng", 10), 10, "department"
    )
    cli("catalog", "import", write(tmp_path, "phong.yaml", phong), "--period", "2024")
    units = write(tmp_path, "p.csv", "code,name,board\nP01,Phòng Tư pháp,department\n")
    cli("units", "import", units, "--period", "2024")
    new = write(tmp_path, "new.yaml", NEW)
    mapping = tmp_path / "map.yaml"
    out = cli("catalog", "diff", "2024", new, "--out", str(mapping)).output
    assert "xa-2024 → xa-2025" in out
    doc = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    items = doc["catalogs"][0]["items"]
    by_new = {tuple(i["new"]): i for i in items}
    assert by_new[("1.1",)]["match"] == "same"
    assert (by_new[("1.1",)]["max_old"], by_new[("1.1",)]["max_new"]) == (4, 5)
    assert by_new[("1.2.1", "1.2.2")] == {
        **by_new[("1.2.1", "1.2.2")],
        "old": ["1.2"],
        "match": "split",
    }
    assert by_new[("1.4",)]["old"] == ["1.3"] and by_new[("1.4",)]["match"] == "recoded"

    out = cli(
        "period", "new", "2025", "--from", "2024", "--catalog", new, "--mapping", str(mapping)
    )
    assert "catalog imported: xa-2025" in out.output
    assert "catalogs copied: phong-2024" in out.output
    ranked = {r["unit"]: r for r in json.loads(cli("rank", "--period", "2025", "--json").output)}
    assert ranked["P01"]["board"] == "department" and ranked["P01"]["previous"]["rank"] == 1
    rows = {"X01": {"1.1": "co", "1.2.1": "co", "1.2.2": "co", "1.4": "khong"}}
    cli("answers", "import", answers(tmp_path, "a25.csv", rows), "--period", "2025")
    en = chat(db_url, tmp_path, 501, "User 501", "/rank")[0]
    yoy = next(d for d in buttons(en) if d.startswith("rk:yoy:"))
    moved = texts(chat(db_url, tmp_path, 501, "User 501", f"cb:{yoy}")[0])
    assert "1.2.1, 1.2.2 ← 1.2: +3 (0 → 3)" in moved
    assert "1.1: +1 (4 → 5) · max 4 → 5" in moved

    # a corrected mapping is checked against both catalogs
    bad = write(tmp_path, "bad.yaml", mapping.read_text(encoding="utf-8").replace("'1.3'", "'9.9'"))
    res = cli("catalog", "mapping", "import", bad, "--period", "2025", code=1)
    assert "no scored item 9.9" in res.output + res.stderr
    ok = cli("catalog", "mapping", "import", str(mapping), "--period", "2025").output
    assert "Mapping for 2025 imported: 3 links." in ok
    assert cli("catalog", "mapping", "show", "--period", "2025").output == mapping.read_text(
        "utf-8"
    )


def test_catalog_diff_of_two_files_prints_yaml(cli, tmp_path):
    out = cli("catalog", "diff", write(tmp_path, "o.yaml", OLD), write(tmp_path, "n.yaml", NEW))
    doc = yaml.safe_load(out.output)
    assert doc["parbot_mapping"] == 1
    matches = sorted(i["match"] for i in doc["catalogs"][0]["items"])
    assert matches == ["recoded", "same", "split"]


def test_period_new_refuses_a_missing_source_year(cli):
    res = cli("period", "new", "2026", "--from", "2019", code=1)
    assert "there is no assessment period 2019 yet" in res.output + res.stderr


def test_last_year_figures_come_from_its_publication_snapshot(cli, tmp_path, db_url):
    """Once 2024 is published, 2025 compares with what was announced, even if 2024's live
    data moves afterwards (here: written straight into the database, past every refusal)."""
    year_2024(cli, tmp_path, db_url)
    cli("publish", "--period", "2024", "--force", "--reason", "Thử nghiệm")
    published = {r["unit"]: r for r in json.loads(cli("rank", "--period", "2024", "--json").output)}
    assert published["X01"]["official"] is True
    cli("period", "new", "2025", "--from", "2024")

    async def move_live_2024() -> None:
        settings = load_settings(database_url=db_url, data_dir=tmp_path / "data")
        async with open_database(settings, migrate=False) as db, db.uow() as uow:
            period = await uow.periods.get_by_year(2024)
            unit = await uow.units.get_by_code(period.id, "X01")
            item = await uow.catalogs.item(unit.catalog_id, "1.2")
            await uow.answers.set_answer(unit.id, item.id, {"option": "co"}, 3, None, "admin")

    asyncio.run(move_live_2024())
    now = {r["unit"]: r for r in json.loads(cli("rank", "--period", "2025", "--json").output)}
    assert now["X01"]["previous"]["index"] == published["X01"]["index"] == 40.0
    assert now["X01"]["previous"]["rank"] == published["X01"]["rank"] == 3
