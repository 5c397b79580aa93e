"""Answers that know their limits, through the emulator on both runtimes (issue 17).

The plan's timeline is laid out around today (see test_e2e_deadlines.seed_plan) and its text
is the Vân Canh plan's (seed 000), stored as an import stores it: a rule question quotes the
plan with its section number, a question outside the plan gets no deadline card and reaches
Phòng Nội vụ, and every reply is in the asker's language.
"""

from __future__ import annotations

from conversations.plan import extract_plan
from tests.e2e.deadline_steps import join, seed_plan, today
from tests.shared_seeds import seed_text


async def store_plan_text(stack) -> None:
    sections = extract_plan(seed_text("000")).sections
    async with stack.db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        await uow.plan_text.replace_sections(
            period.id, [(s.number, s.heading, s.sentences) for s in sections]
        )


async def test_rule_questions_outside_questions_and_the_admins_list(stack):
    await seed_plan(stack, today())
    await store_plan_text(stack)
    lan = await join(stack, 8601, "X01", "officer", "Lan")
    rec = await lan.send("kinh phí lấy từ nguồn nào?", expect="mục III")
    assert "Kế hoạch năm 2024, mục III (KINH PHÍ THỰC HIỆN):" in rec.plain
    assert "được bố trí trong kinh phí cải cách hành chính" in rec.plain
    rec = await lan.send("Tài liệu kiểm chứng có phải ký số không?", expect="không nêu")
    assert "Kế hoạch năm 2024 không nêu nội dung này." in rec.plain
    assert "Hạn:" not in rec.plain.split("Các mốc gần nhất")[0]  # no deadline card first
    assert "Câu hỏi của bạn đã được chuyển tới Phòng Nội vụ." in rec.plain
    rec = await lan.send("hạn nộp hồ sơ khen thưởng?", expect="không nêu thời hạn")
    assert "Kế hoạch năm 2024 không nêu thời hạn về “khen thưởng”." in rec.plain
    assert "Các mốc gần nhất trong Kế hoạch:" in rec.plain
    rec = await lan.send("hạn tự chấm điểm năm 2019?", expect="Kế hoạch hiện có")
    assert "Kế hoạch hiện có là năm 2024" in rec.plain and "Tự đánh giá, chấm điểm" in rec.plain

    john = await join(stack, 8602, "X02", "officer", "John", lang="en")
    await john.send("/lang", expect="Choose your language")
    await john.press("🇬🇧 English", expect="Language set to English")
    rec = await john.send("Do evidence files need a digital signature?", expect="does not say")
    assert "The 2024 plan does not say this." in rec.plain
    assert "passed on to Phòng Nội vụ" in rec.plain and "không nêu" not in rec.plain
    rec = await john.send("kinh phí lấy từ nguồn nào?", expect="section III")
    assert "The 2024 plan, section III (KINH PHÍ THỰC HIỆN):" in rec.plain

    admin = await join(stack, 8603, None, "admin", "Nội vụ")
    rec = await admin.send("/deadlines", expect="Câu hỏi Kế hoạch chưa trả lời")
    assert "Câu hỏi Kế hoạch chưa trả lời: 3" in rec.plain
    assert "“hạn nộp hồ sơ khen thưởng?” — Lan" in rec.plain
    assert "“Do evidence files need a digital signature?” — John" in rec.plain


async def test_no_plan_is_said_in_vietnamese(stack):
    lan = await join(stack, 8701, "X01", "officer", "Lan")
    rec = await lan.send("hạn nộp tài liệu kiểm chứng khi nào?", expect="Kế hoạch")
    assert rec.plain.startswith("Chưa có Kế hoạch") and "No plan" not in rec.plain
