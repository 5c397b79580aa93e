"""Publication that freezes (issue 17): the CLI on a real database (SQLite and PostgreSQL).

A published period reads its figures from the stored snapshot: imports are refused with the
way to reopen, a catalog changed behind parbot's back moves nothing, unpublish/republish keeps
both versions, and every step is in the audit history.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from conversations import assessment as A
from tests.results.helpers import SURVEY, XA, rank_json, with_db, write

KHONG = '- {id: khong, label: "Không có", points: 0}'


def revised_catalog(tmp_path: Path) -> str:
    """The sample catalog with "4.1 Không có" worth the full 1.5 points: X03 answered it."""
    text = XA.read_text(encoding="utf-8")
    at = text.index('code: "4.1"')
    pos = text.index(KHONG, at)
    text = text[:pos] + KHONG.replace("points: 0}", "points: 1.5}") + text[pos + len(KHONG) :]
    path = tmp_path / "xa-revised.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_publish_lists_what_is_missing_and_refuses_without_force(cli, board):
    out = cli("publish", "--period", "2024", ok=False)
    assert out.exit_code == 1
    assert "Not published, something is missing:" in out.stderr
    assert "Not submitted: X01, X02, X03, X04" in out.stderr
    assert "Survey points missing for: X01, X02, X03, X04" in out.stderr
    assert 'parbot publish --period 2024 --force --reason "…"' in out.stderr
    assert rank_json(cli)["X01"]["official"] is False
    no_reason = cli("publish", "--period", "2024", "--force", ok=False)
    assert no_reason.exit_code == 2 and "--force needs --reason" in no_reason.stderr
    blank = cli("publish", "--period", "2024", "--force", "--reason", "  ", ok=False)
    assert blank.exit_code == 2
    assert rank_json(cli)["X01"]["official"] is False


def test_forced_publication_keeps_the_reason_and_what_was_missing(cli, board, db_url):
    cli("publish", "--period", "2024", "--force", "--reason", "UBND huyện cho công bố sớm")

    async def check(uow):
        period = await uow.periods.get_by_year(2024)
        return await uow.publications.current(period.id)

    snap = with_db(db_url, check)
    assert snap.version == 1 and snap.forced and snap.reason == "UBND huyện cho công bố sớm"
    assert snap.missing["not_submitted"] == ["X01", "X02", "X03", "X04"]
    assert snap.missing["survey_missing"] == ["X01", "X02", "X03", "X04"]
    assert {c["code"] for c in snap.catalogs} == {"xa-mau-2024"}


def test_a_published_period_is_immune_to_imports_and_to_a_changed_catalog(
    cli, board, tmp_path, db_url
):
    before = rank_json(cli)
    assert before["X03"]["preliminary"] is True and before["X03"]["official"] is False
    cli("publish", "--period", "2024", "--force", "--reason", "test")
    published = rank_json(cli)
    for code, row in before.items():
        assert published[code]["index"] == row["index"]
        assert published[code]["rank"] == row["rank"]
        assert published[code]["official"] is True and published[code]["preliminary"] is False
    text = cli("rank", "--period", "2024").output
    assert "Official results (published)." in text and "*" not in text
    reopen = 'parbot unpublish --period 2024 --reason "…"'
    refused = [
        cli("catalog", "import", revised_catalog(tmp_path), "--period", "2024", ok=False),
        cli(
            "answers",
            "import",
            write(tmp_path, "a.csv", ["unit,item,value", "X03,4.1,day_du"]),
            "--period",
            "2024",
            ok=False,
        ),
        cli(
            "survey",
            "import",
            write(tmp_path, "s.csv", ["unit,item,points", "X01,1.6,1"]),
            "--period",
            "2024",
            ok=False,
        ),
    ]
    for r in refused:
        assert r.exit_code == 1 and reopen in r.stderr, r.stderr
    assert rank_json(cli) == published

    async def swap_catalog(uow):  # a re-import that went around the refusal
        period = await uow.periods.get_by_year(2024)
        [row] = await uow.catalogs.list_for_period(period.id)
        text = Path(revised_catalog(tmp_path)).read_text(encoding="utf-8")
        specs = A.item_specs(A.load_catalog(text))
        await uow.catalogs.replace(row.id, row.title, list(row.boards), text, specs)
        unit = await uow.units.get_by_code(period.id, "X03")
        return (await A.live_standings(uow, period, None)), unit.id

    live, _ = with_db(db_url, swap_catalog)
    moved = next(s for s in live if s.unit.code == "X03")
    assert float(moved.result.index) > published["X03"]["index"]  # the live figure would move
    assert rank_json(cli) == published  # the published one does not
    sheet = tmp_path / "rank.xlsx"
    cli("export", "ranking", "--period", "2024", "--out", str(sheet))
    ws = load_workbook(sheet).active
    assert "Kết quả chính thức" in ws["A2"].value
    x03 = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[1] == "X03")
    assert published["X03"]["index"] in x03


def test_unpublish_then_republish_keeps_both_snapshots_and_the_audit_history(
    cli, board, tmp_path, db_url
):
    cli("publish", "--period", "2024", "--force", "--reason", "first")
    first = rank_json(cli)
    refused = cli("unpublish", "--period", "2024", ok=False)
    assert refused.exit_code == 2  # --reason is required
    out = cli("unpublish", "--period", "2024", "--reason", "Bộ chỉ số sửa tiêu chí 4.1").output
    assert "2024 is reopened; publication 1 is kept" in out
    again = cli("unpublish", "--period", "2024", "--reason", "x", ok=False)
    assert "not published" in again.stderr
    assert rank_json(cli)["X03"]["official"] is False
    cli("catalog", "import", revised_catalog(tmp_path), "--period", "2024")
    live = rank_json(cli)
    assert live["X03"]["index"] > first["X03"]["index"]
    cli("publish", "--period", "2024", "--force", "--reason", "second")
    second = rank_json(cli)
    assert second["X03"]["index"] == live["X03"]["index"] and second["X03"]["official"]

    async def check(uow):
        period = await uow.periods.get_by_year(2024)
        versions = await uow.publications.versions(period.id)
        old = {u.unit_code: u for u in await uow.publications.units(versions[0].id)}
        subs = await uow.submissions.list_for_period(period.id)
        return versions, old, await uow.publications.history(period.id), subs

    versions, old, history, subs = with_db(db_url, check)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].withdrawn_at is not None and versions[1].withdrawn_at is None
    assert float(old["X03"].index) == first["X03"]["index"]  # version 1 is kept as it was
    assert Decimal(old["X03"].items["4.1"][0]) == 0  # "Không có" was worth 0 then
    assert [(h.action, h.version, h.actor_label, h.reason) for h in history] == [
        ("publish", 1, "cli", "first"),
        ("unpublish", 1, "cli", "Bộ chỉ số sửa tiêu chí 4.1"),
        ("publish", 2, "cli", "second"),
    ]
    assert {s.status for s in subs.values()} == {"published"}
    listing = cli("publications", "--period", "2024").output
    assert "v1 " in listing and "v2 " in listing and "unpublish v1" in listing


def test_survey_missing_rescale_or_zero_and_the_basis_of_every_unit(cli, board, tmp_path):
    s = write(tmp_path, "s.csv", ["unit,item,points", *(f"X01,{c},{p}" for c, p in SURVEY.items())])
    cli("survey", "import", s, "--period", "2024")
    rescaled = rank_json(cli)
    assert rescaled["X01"]["basis"] == "full" and rescaled["X02"]["basis"] == "rescaled"
    assert "survey points missing: index over the points" in cli("rank", "--period", "2024").output
    text = XA.read_text(encoding="utf-8").replace(
        "classification:", "survey_missing: zero\nclassification:", 1
    )
    zero_cat = tmp_path / "xa-zero.yaml"
    zero_cat.write_text(text, encoding="utf-8")
    cli("catalog", "import", str(zero_cat), "--period", "2024")
    zero = rank_json(cli)
    assert zero["X01"] == {**rescaled["X01"], "basis": "full"}
    assert zero["X02"]["basis"] == "zero" and zero["X02"]["pending"] is False
    assert zero["X02"]["index"] < rescaled["X02"]["index"]  # 30 survey points counted 0
    assert "survey points missing: counted as 0" in cli("rank", "--period", "2024").output
    sheet = tmp_path / "rank.xlsx"
    cli("export", "ranking", "--period", "2024", "--out", str(sheet))
    ws = load_workbook(sheet).active
    head = [c.value for c in ws[3]]
    col = head.index("Cơ sở xếp hạng")
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["X01"][col] == "Đủ điểm điều tra XHH"
    assert rows["X02"][col] == "Thiếu điểm ĐTXHH: tính 0 điểm"
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("survey_missing: zero", "survey_missing: drop"), encoding="utf-8")
    out = cli("catalog", "validate", str(bad), ok=False)
    assert out.exit_code == 1 and "survey_missing must be rescale or zero" in out.stderr


def test_rank_json_of_a_published_period_has_the_snapshot_fields(cli, board):
    cli("publish", "--period", "2024", "--force", "--reason", "test")
    rows = json.loads(cli("rank", "--period", "2024", "--json").output)
    assert {r["unit"] for r in rows} == {"X01", "X02", "X03", "X04"}
    assert all(r["official"] and r["basis"] == "rescaled" and "class_reason" in r for r in rows)
