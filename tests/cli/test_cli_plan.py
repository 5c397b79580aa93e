"""`parbot plan import` / `plan list|export|reminders` / `parbot ask` on a real database.

Every seed plan in ../shared/seeds is imported with --dry-run (review lines, JSON and the
YAML to correct): what the review shows is what the extractor found, and nothing is saved;
the corrected YAML then imports as written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from conversations.plan import extract_plan, infer_period, load_plan
from tests.shared_seeds import SEED_PREFIXES, seed_path

# What a reviewer must see for each seed (prefix → year, {id: (kind, due, precision)}).
EXPECTED: dict[str, tuple[int, dict[str, tuple[str, str, str]]]] = {
    "000": (
        2021,
        {
            "self_assessment": ("self_assessment", "2021-11-30", "day"),
            "survey": ("survey", "2021-11-30", "month"),
            "survey_2": ("survey", "2021-12-31", "day"),
            "appraisal": ("appraisal", "2021-12-31", "month"),
            "publication": ("publication", "2022-01-31", "month"),
        },
    ),
    "001": (
        2023,
        {
            "self_assessment": ("self_assessment", "2024-03-16", "day"),
            "appraisal": ("appraisal", "2024-03-31", "month"),
            "publication": ("publication", "2024-04-30", "month"),
        },
    ),
    "002": (
        2021,
        {
            "survey": ("survey", "2021-11-30", "month"),
            "self_assessment": ("self_assessment", "2022-01-31", "month"),
        },
    ),
    "003": (2022, {}),  # a plan to raise the index: goals, no dated timeline
}


@pytest.fixture
def van_canh() -> Path:
    return seed_path("000")


@pytest.fixture
def cli(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)  # the dry run writes its YAML in the working directory
    runner = CliRunner()
    env = {
        "PARBOT_DATABASE_URL": db_url,
        "PARBOT_DATA_DIR": str(tmp_path / "data"),
        "PARBOT_LOCALE": "en",
    }

    def run(*args: str, ok: bool = True, locale: str = "en"):
        result = runner.invoke(
            main, list(args), env={**env, "PARBOT_LOCALE": locale}, catch_exceptions=False
        )
        if ok:
            assert result.exit_code == 0, result.output + (result.stderr or "")
        return result

    return run


def _stored(cli, year: int) -> list[dict]:
    result = cli("plan", "list", "--period", str(year), "--json", ok=False)
    return json.loads(result.stdout) if result.exit_code == 0 else []


@pytest.mark.parametrize("prefix", SEED_PREFIXES)
def test_dry_run_of_each_seed_plan_shows_the_milestones_and_saves_nothing(cli, prefix, tmp_path):
    seed = seed_path(prefix)
    year, expected = EXPECTED[prefix]
    text = seed.read_text(encoding="utf-8")
    assert infer_period(text) == year
    plan = extract_plan(text, year)

    result = cli(
        "plan", "import", str(seed), "--period", str(year), "--dry-run", "--json", ok=False
    )
    data = json.loads(result.stdout)
    assert [row["id"] for row in data] == [m.id for m in plan.milestones]
    for row, m in zip(data, plan.milestones, strict=True):
        assert {"id", "title", "kind", "due", "precision", "lead", "audience", "source"} <= set(row)
        assert (row["lead"], row["audience"], row["source"]) == (m.lead, m.audience, m.source)
        assert row["source"], row  # every milestone quotes the plan's words
    got = {row["id"]: (row["kind"], row["due"], row["precision"]) for row in data}
    assert {k: got.get(k) for k in expected} == expected

    yaml_path = tmp_path / f"review-{prefix}.yaml"
    table = cli(
        "plan",
        "import",
        str(seed),
        "--period",
        str(year),
        "--dry-run",
        "-o",
        str(yaml_path),
        ok=False,
    )
    if not expected:
        assert data == []
        assert table.exit_code == 1
        assert "No dated milestones found" in table.stderr
        assert not yaml_path.exists()
    else:
        assert table.exit_code == 0, table.output
        out = table.output
        assert f"Plan {year} from {seed}: {len(plan.milestones)} milestones." in out
        assert "Dry run: nothing was saved." in out
        lines = out.splitlines()
        for n, m in enumerate(plan.milestones, start=1):
            (line,) = [x for x in lines if x.startswith(f"{n:>2}. ")]
            assert f"| {m.title} |" in line and f"lead: {m.lead or '—'} |" in line, line
            assert f"{m.kind}, {m.id}" in line and "must act: " in line
            assert f"“{' '.join(m.source.split())[:60]}" in line
        assert load_plan(yaml_path.read_text(encoding="utf-8")) == plan  # the YAML to correct
        assert f"Review YAML written to {yaml_path}" in out
    assert _stored(cli, year) == []  # nothing saved


def test_dry_run_yaml_corrected_and_imported(cli, van_canh, tmp_path):
    """The admin's loop: dry run → YAML beside them → correct a lead and an audience →
    import the YAML as written."""
    out = cli("plan", "import", str(van_canh), "--period", "2021", "--dry-run").output
    written = tmp_path / f"{van_canh.stem}-2021.yaml"
    assert f"Review YAML written to {written.name}" in out and written.exists()
    text = written.read_text(encoding="utf-8")
    assert "lead: Phòng Nội vụ" in text and "audience: admins" in text
    corrected = text.replace(
        "  title: Tổng hợp, xây dựng báo cáo kết quả chỉ số cải cách hành chính năm 2021\n",
        "  title: Tổng hợp báo cáo kết quả\n",
    )
    assert corrected != text
    written.write_text(corrected, encoding="utf-8")
    assert "8 created" in cli("plan", "import", str(written), "--period", "2021").output
    stored = {r["id"]: r for r in _stored(cli, 2021)}
    assert stored["m06"]["title"] == "Tổng hợp báo cáo kết quả"
    assert (
        stored["survey_2"]["audience"] == "admins" and stored["survey_2"]["lead"] == "Phòng Nội vụ"
    )


def test_import_saves_updates_and_keeps_reminder_days(cli, van_canh, tmp_path):
    out = cli("plan", "import", str(van_canh), "--period", "2021").output
    assert "Milestones of 2021: 8 created, 0 updated." in out
    stored = {row["id"]: row for row in _stored(cli, 2021)}
    assert stored["self_assessment"]["due"] == "2021-11-30"
    assert stored["self_assessment"]["lead"].startswith("Các cơ quan chuyên môn")
    assert stored["self_assessment"]["source"].endswith("— Hoàn thành trước ngày 30/11/2021")

    cli("plan", "reminders", "self_assessment", "--period", "2021", "--days", "10, 2,0")
    again = cli("plan", "import", str(van_canh), "--period", "2021").output
    assert "0 created, 8 updated" in again
    stored = {row["id"]: row for row in _stored(cli, 2021)}
    assert stored["self_assessment"]["reminder_days"] == [10, 2, 0]  # survives a re-import
    assert "Reminders for self_assessment: 10,2,0" in cli("plan", "list", "--period", "2021").output
    cli("plan", "reminders", "self_assessment", "--period", "2021", "--default")
    assert {r["id"]: r for r in _stored(cli, 2021)}["self_assessment"]["reminder_days"] is None
    bad = cli("plan", "reminders", "nope", "--period", "2021", "--days", "1", ok=False)
    assert bad.exit_code == 1 and "No milestone nope in 2021" in bad.stderr

    # the reviewed YAML: export, drop two milestones, re-import with --prune
    yaml_path = tmp_path / "plan.yaml"
    cli("plan", "export", "--period", "2021", "-o", str(yaml_path))
    plan = load_plan(yaml_path.read_text(encoding="utf-8"))
    assert len(plan.milestones) == 8
    lines = yaml_path.read_text(encoding="utf-8").split("\n- id: ")
    kept = [x for x in lines if not x.startswith(("m06\n", "m07\n"))]
    yaml_path.write_text("\n- id: ".join(kept), encoding="utf-8")
    out = cli("plan", "import", str(yaml_path), "--period", "2021").output
    assert "Kept, though not in this file: m06, m07" in out
    out = cli("plan", "import", str(yaml_path), "--period", "2021", "--prune").output
    assert "Deleted, no longer in the file: m06, m07" in out
    assert [r["id"] for r in _stored(cli, 2021)] == [
        m.id for m in plan.milestones if m.id not in ("m06", "m07")
    ]


def test_yaml_import_and_errors(cli, tmp_path):
    good = tmp_path / "plan.yaml"
    good.write_text(
        "period: 2024\n"
        "milestones:\n"
        "  - id: self_assessment\n"
        "    title: Tự đánh giá, chấm điểm và gửi tài liệu kiểm chứng\n"
        "    title_en: Self-assessment and evidence\n"
        "    kind: self_assessment\n"
        "    due: 2025-03-16\n"
        "    lead: Các cơ quan chuyên môn và UBND các xã, phường\n"
        '    source: "Hoàn thành trước ngày 16/3/2025"\n'
        "  - id: appraisal\n"
        "    title: Họp Hội đồng thẩm định\n"
        "    kind: appraisal\n"
        "    due: 2025-04\n"
        "    audience: admins\n"
        "  - id: survey\n"
        "    title: Điều tra xã hội học\n"
        "    kind: survey\n"
        "    start: 2025-01-05\n"
        "    due: 2025-01-15\n",
        encoding="utf-8",
    )
    rows = json.loads(cli("plan", "import", str(good), "--period", "2024", "--json").stdout)
    assert [(r["id"], r["due"], r["precision"]) for r in rows] == [
        ("self_assessment", "2025-03-16", "day"),
        ("appraisal", "2025-04-30", "month"),
        ("survey", "2025-01-15", "range"),
    ]
    assert [r["id"] for r in _stored(cli, 2024)] == ["survey", "self_assessment", "appraisal"]

    wrong_year = cli("plan", "import", str(good), "--period", "2023", ok=False)
    assert wrong_year.exit_code == 1 and "plan of 2024, not 2023" in wrong_year.stderr
    typo = tmp_path / "typo.yaml"
    typo.write_text(
        "period: 2024\nmilestones:\n  - id: x\n    title: X\n    dua: 2025-01-01\n",
        encoding="utf-8",
    )
    result = cli("plan", "import", str(typo), "--period", "2024", ok=False)
    assert result.exit_code == 1 and "milestone 'x': field 'dua': unknown field" in result.stderr
    other = tmp_path / "plan.xlsx"
    other.write_bytes(b"PK")
    assert cli("plan", "import", str(other), "--period", "2024", ok=False).exit_code == 2


def test_docx_plan_import(cli, tmp_path):
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.add_paragraph("KẾ HOẠCH")
    doc.add_paragraph("Xác định Chỉ số cải cách hành chính năm 2024")
    table = doc.add_table(rows=3, cols=4)
    rows = [
        ("TT", "Nhiệm vụ", "Thời gian thực hiện", "Cơ quan chủ trì"),
        ("1", "Tự đánh giá, chấm điểm", "Hoàn thành trước ngày 16/3/2025", "Các xã, phường"),
        ("2", "Công bố Chỉ số", "Trong tháng 4/2025", "UBND thành phố"),
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    path = tmp_path / "ke-hoach.docx"
    doc.save(str(path))
    out = cli("plan", "import", str(path), "--period", "2024").output
    assert "2 created" in out
    stored = {r["id"]: r for r in _stored(cli, 2024)}
    assert stored["self_assessment"]["audience"] == "commune"
    assert stored["publication"]["due"] == "2025-04-30"
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    result = cli("plan", "import", str(broken), "--period", "2024", ok=False)
    assert result.exit_code == 1 and "cannot read the file" in result.stderr


def test_ask_answers_like_the_chat(cli, van_canh):
    cli("plan", "import", str(van_canh), "--period", "2021")

    def ask(question: str, *extra: str, locale: str = "en") -> dict:
        args = ("ask", question, "--period", "2021", "--today", "2021-11-15", "--json", *extra)
        return json.loads(cli(*args, locale=locale).stdout)

    a = ask("han nop tlkc bh?")
    assert a["milestone"] == "self_assessment"
    assert a["days_left"] == 15 and a["due"] == "2021-11-30"
    assert "by 30 Nov 2021 — 15 days left" in a["text"]
    assert "Responsible: Các cơ quan chuyên môn" in a["text"]
    assert "Hoàn thành trước ngày 30/11/2021”" in a["text"] and "Plan: “Tổ chức" in a["text"]
    assert ask("When is the appraisal?")["milestone"] == "appraisal"
    assert ask("khi nào công bố kết quả")["milestone"] == "publication"
    vi = ask("Hạn nộp tài liệu kiểm chứng là khi nào?", locale="vi")
    assert vi["milestone"] == "self_assessment" and "30/11/2021" in vi["text"]
    late = ask("hạn chót tự chấm điểm", "--today", "2021-12-15")
    assert late["milestone"] == "self_assessment" and late["days_left"] == -15
    assert "passed" in late["text"]
    unknown = ask("xin chào")
    assert unknown["milestone"] is None
    assert "I could not tell which deadline you mean" in unknown["text"]
    assert "Tổ chức tự đánh giá" in unknown["text"]  # the next milestones are listed
    plain = cli("ask", "han nop tlkc", "--period", "2021", "--today", "2021-11-15").output
    assert "<b>" not in plain and "15 days left" in plain


def test_ask_without_a_plan(cli):
    out = json.loads(cli("ask", "hạn nộp?", "--period", "2030", "--json").stdout)
    assert out["milestone"] is None and "No plan" in out["text"]
    assert cli("plan", "list", "--period", "2030", ok=False).exit_code == 1
