"""`parbot ask` and `parbot ask log` on a real database, with the chat on the same database.

Seed plans from ../shared/seeds are imported as documents (their text is kept), so rule
questions quote them; questions the plan does not answer are recorded from the chat and listed
for Phòng Nội vụ by `parbot ask log` and in the admin's /deadlines.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.cli import chat_driver
from tests.shared_seeds import seed_path


@pytest.fixture
def cli(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    env = {"PARBOT_DATABASE_URL": db_url, "PARBOT_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str, locale: str = "vi", code: int = 0):
        result = runner.invoke(
            main, list(args), env={**env, "PARBOT_LOCALE": locale}, catch_exceptions=False
        )
        assert result.exit_code == code, result.output + (result.stderr or "")
        return result

    return run


def ask(cli, question: str, year: int, locale: str = "vi") -> dict:
    out = cli(
        "ask", question, "--period", str(year), "--today", "2021-11-15", "--json", locale=locale
    )
    return json.loads(out.stdout)


def chat(db_url: str, tmp_path: Path, user_id: int, name: str, lang: str, *texts: str) -> list[str]:
    """What the bot answers to each text of one person (the last reply of each)."""
    outs = chat_driver.chat(db_url, tmp_path, user_id, name, *texts, lang=lang)
    assert all(out.replies for out in outs)
    return [out.replies[-1].text for out in outs]


def test_ask_quotes_the_plan_or_says_it_does_not(cli):
    cli("plan", "import", str(seed_path("001")), "--period", "2023")
    signed = ask(cli, "Tài liệu kiểm chứng có phải ký số không?", 2023)
    assert signed["milestone"] is None and signed["outcome"] == "rule"
    assert signed["quote"]["section"] == "III.3" and "có ký số" in signed["quote"]["text"]
    assert "Kế hoạch năm 2023, mục III.3" in signed["text"]
    funding = ask(cli, "kinh phí lấy từ nguồn nào?", 2023)
    assert funding["milestone"] is None and funding["outcome"] == "rule_not_in_plan"
    assert "Kế hoạch năm 2023 không nêu nội dung này." in funding["text"]

    cli("plan", "import", str(seed_path("000")), "--period", "2021")
    q4 = ask(cli, "Hạn nộp báo cáo CCHC quý IV?", 2021)
    assert q4["milestone"] is None and q4["outcome"] == "not_in_plan"
    assert "Kế hoạch năm 2021 không nêu thời hạn về “quý IV”." in q4["text"]
    assert q4["alternatives"]  # the nearest milestones are offered
    other = ask(cli, "hạn tự chấm điểm năm 2022?", 2021)
    assert other["milestone"] == "self_assessment" and other["other_year"] == 2022
    assert other["text"].startswith("Kế hoạch hiện có là năm 2021")
    english = ask(cli, "kinh phí lấy từ nguồn nào?", 2021, locale="en")
    assert english["quote"]["section"] == "III"
    assert "The 2021 plan, section III (KINH PHÍ THỰC HIỆN):" in english["text"]


def test_ask_without_a_plan_answers_in_the_configured_language(cli):
    vi = ask(cli, "hạn nộp?", 2030)
    assert vi["milestone"] is None and vi["text"].startswith("Chưa có Kế hoạch")
    en = ask(cli, "hạn nộp?", 2030, locale="en")
    assert en["text"].startswith("No plan")


def test_the_reviewed_yaml_keeps_the_plans_text(cli, tmp_path):
    cli(
        "plan",
        "import",
        str(seed_path("000")),
        "--period",
        "2021",
        "--dry-run",
        "-o",
        "review.yaml",
    )
    review = (tmp_path / "review.yaml").read_text(encoding="utf-8")
    assert "sections:" in review and "KINH PHÍ THỰC HIỆN" in review
    cli("plan", "import", "review.yaml", "--period", "2021")
    assert ask(cli, "kinh phí lấy từ nguồn nào?", 2021)["quote"]["section"] == "III"
    # the exported plan carries the text; a timeline-only YAML keeps the stored text
    exported = cli("plan", "export", "--period", "2021").stdout
    assert "KINH PHÍ THỰC HIỆN" in exported
    timeline = tmp_path / "timeline.yaml"
    timeline.write_text(exported.split("sections:")[0], encoding="utf-8")
    cli("plan", "import", str(timeline), "--period", "2021")
    assert ask(cli, "kinh phí lấy từ nguồn nào?", 2021)["quote"]["section"] == "III"


def test_unanswered_questions_reach_the_admin(cli, db_url, tmp_path):
    cli("plan", "import", str(seed_path("000")), "--period", "2021")
    units = tmp_path / "units.csv"
    units.write_text("code,name,board\nX01,UBND xã Canh Thuận,commune\n", encoding="utf-8")
    cli("units", "import", str(units), "--period", "2021")
    officer = cli("invite", "--period", "2021", "--unit", "X01", "--role", "officer")
    admin = cli("invite", "--period", "2021", "--role", "admin")
    lan = chat(
        db_url,
        tmp_path,
        7101,
        "Lan",
        "vi",
        f"/start {officer.output.splitlines()[0]}",
        "hạn nộp hồ sơ khen thưởng?",
        "kinh phí lấy từ nguồn nào?",
        "Tài liệu kiểm chứng có phải ký số không?",
    )
    assert "Kế hoạch năm 2021 không nêu thời hạn về “khen thưởng”." in lan[1]
    assert "Câu hỏi của bạn đã được chuyển tới Phòng Nội vụ." in lan[1]
    assert "Kế hoạch năm 2021, mục III (KINH PHÍ THỰC HIỆN):" in lan[2]
    assert "chuyển tới Phòng Nội vụ" not in lan[2]  # answered: nothing to record
    assert "Kế hoạch năm 2021 không nêu nội dung này." in lan[3]

    logged = json.loads(cli("ask", "log", "--period", "2021", "--json").stdout)
    assert [(q["text"], q["outcome"], q["asker"]) for q in logged] == [
        ("Tài liệu kiểm chứng có phải ký số không?", "rule_not_in_plan", "Lan"),
        ("hạn nộp hồ sơ khen thưởng?", "not_in_plan", "Lan"),
    ]
    listing = cli("ask", "log", "--period", "2021").stdout
    assert "Câu hỏi Kế hoạch chưa trả lời (năm 2021): 2" in listing
    assert "| Lan | not_in_plan | hạn nộp hồ sơ khen thưởng?" in listing

    hoa = chat(
        db_url,
        tmp_path,
        7102,
        "Hoa",
        "vi",
        f"/start {admin.output.splitlines()[0]}",
        "hạn nộp báo cáo quý IV?",  # an admin's own question is not recorded
        "/deadlines",
    )
    assert "không nêu thời hạn về “quý IV”" in hoa[1] and "chuyển tới" not in hoa[1]
    assert "❓ <b>Câu hỏi Kế hoạch chưa trả lời: 2</b>" in hoa[2]
    assert "“hạn nộp hồ sơ khen thưởng?” — Lan" in hoa[2]
    assert cli("ask", "log", "--period", "1999", code=1).stderr.strip() == (
        "Không có kỳ đánh giá năm 1999."
    )
