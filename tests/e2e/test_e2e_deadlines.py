"""Deadline questions and reminders through the emulator, for both runtimes.

The running bot reads the real clock, so the plan is laid out around today (Asia/Ho_Chi_Minh);
the reminder job is called directly with a fixed date and its messages leave through the
running bot's outbox dispatcher.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from conversations.i18n import fmt_date
from scheduler.reminders import run_reminders
from tests.e2e.deadline_steps import join, seed_plan, today
from tests.e2e.harness import eventually


def left(due: date) -> int:
    return (due - today()).days


async def test_vietnamese_questions_with_and_without_diacritics(stack):
    due = await seed_plan(stack, today())
    lan = await join(stack, 8101, "X01", "officer", "Lan")
    sa = due["self_assessment"]
    for question in (
        "Hạn nộp tài liệu kiểm chứng là khi nào?",
        "han nop tlkc bh?",
        "tự chấm điểm hạn chót ngày nào ạ",
    ):
        rec = await lan.send(question, expect="Tự đánh giá, chấm điểm")
        text = rec.plain
        assert f"Hạn: {fmt_date(sa, 'vi')} — còn {left(sa)} ngày" in text
        assert "Chủ trì: Các cơ quan chuyên môn và UBND các xã, phường" in text
        assert "Phối hợp: Phòng Nội vụ" in text
        assert f"Kế hoạch: “Hoàn thành trước ngày {sa.day}/{sa.month}/{sa.year}”" in text
    rec = await lan.send("khi nao tham dinh?", expect="Thẩm định")
    appraisal = due["appraisal"]
    assert f"Trong tháng {appraisal.month}/{appraisal.year}" in rec.plain
    assert "Chủ trì: Hội đồng thẩm định" in rec.plain
    rec = await lan.send("ĐTXHH khi nào", expect="Điều tra xã hội học")
    assert f"Từ {fmt_date(due['survey'] - timedelta(days=10), 'vi')}" in rec.plain
    rec = await lan.send("khi nào triển khai kế hoạch?", expect="Triển khai Kế hoạch")
    assert "đã qua" in rec.plain


async def test_english_questions_get_english_dates(stack):
    due = await seed_plan(stack, today())
    john = await join(stack, 8201, "X01", "officer", "John", lang="en")
    sa = due["self_assessment"]
    for question in ("When is the self-assessment deadline?", "when is the evidence due"):
        rec = await john.send(question, expect="Self-assessment and evidence")
        assert f"by {fmt_date(sa, 'en')} — {left(sa)} days left" in rec.plain
        assert "Responsible: Các cơ quan chuyên môn" in rec.plain
        assert "Plan: “Hoàn thành trước ngày" in rec.plain
    rec = await john.send("when is the survey?", expect="Điều tra xã hội học")
    assert f"from {fmt_date(due['survey'] - timedelta(days=10), 'en')}" in rec.plain
    # a deadline for something the plan does not date: it says so, offers the milestones
    rec = await john.send("deadline for the award nominations?", expect="does not give a date")
    assert "The 2024 plan does not give a date for “award nominations”." in rec.plain
    assert "Self-assessment and evidence" in rec.plain and "/deadlines" in rec.plain
    assert "Triển khai Kế hoạch" not in rec.plain  # only what is still ahead
    # a deadline question naming no step: a short list, never silence
    rec = await john.send("when is the deadline?", expect="could not tell")
    assert "Self-assessment and evidence" in rec.plain


async def test_each_board_sees_its_own_milestones(stack):
    due = await seed_plan(stack, today())
    lan = await join(stack, 8301, "X01", "officer", "Lan")
    minh = await join(stack, 8302, "P01", "officer", "Minh")
    rec = await lan.send("hạn gửi báo cáo thống kê số liệu?", expect="thống kê")
    assert "Các xã gửi báo cáo" in rec.plain
    assert f"còn {left(due['commune_stats'])} ngày" in rec.plain
    rec = await minh.send("han gui bc thong ke so lieu khi nao", expect="thống kê")
    assert "Các phòng chuyên môn gửi báo cáo" in rec.plain
    listing = await lan.send("/deadlines", expect="Thời hạn")
    assert "Các xã gửi" in listing.plain and "Các phòng chuyên môn gửi" not in listing.plain
    assert "Đã qua: 1 mốc" in listing.plain
    listing = await minh.send("/deadlines", expect="Thời hạn")
    assert "Các phòng chuyên môn gửi" in listing.plain and "Các xã gửi" not in listing.plain
    # an unmatched deadline question in Vietnamese lists the next milestones of the board
    rec = await lan.send("còn mấy ngày?", expect="Tự đánh giá")
    assert "Các phòng chuyên môn" not in rec.plain


async def test_reminder_job_reaches_officers_through_the_running_bot(stack):
    """The job is run directly with a fixed date; the outbox dispatcher of the running bot
    delivers (and a blocked officer is marked unreachable, not retried)."""
    due = date(2024, 3, 15)
    officer = await join(stack, 8401, "X01", "officer", "Lan", lang="en")
    leader = await join(stack, 8402, "X01", "leader", "Thủ trưởng", lang="en")
    blocked = await join(stack, 8403, "X01", "officer", "Đã chặn", lang="en")
    done = await join(stack, 8404, "X02", "officer", "Xong rồi", lang="en")
    for chat in (officer, leader, blocked, done):
        await chat.send("/lang", expect="Choose your language")
        await chat.press("🇬🇧 English", expect="Language set to English")
    stack.emu.block(blocked.user_id)
    async with stack.db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        x02 = await uow.units.get_by_code(period.id, "X02")
        await uow.submissions.set_status(x02.id, "submitted", None)
        await uow.milestones.upsert(
            period.id,
            "self_assessment",
            "Tự đánh giá, chấm điểm và gửi tài liệu kiểm chứng",
            "self_assessment",
            due,
            title_en="Self-assessment and evidence",
            source="Hoàn thành trước ngày 15/3/2024",
        )

    report = await run_reminders(
        stack.db.uow, today=date(2024, 3, 12), now=datetime.now(UTC), default_locale="vi"
    )
    assert len(report.queued) == 3  # officer, leader, the blocked officer; not X02
    rec = await stack.emu.wait_for_text(officer.user_id, "Reminder: Self-assessment", 20)
    assert "by 15 Mar 2024 — 3 days left" in rec.plain
    assert "Unit: UBND xã Canh Thuận" in rec.plain
    assert "Still to do: 53 criteria not scored." in rec.plain
    assert "Plan: “Hoàn thành trước ngày 15/3/2024”" in rec.plain
    rec = await stack.emu.wait_for_text(leader.user_id, "Reminder: Self-assessment", 20)
    assert "Progress" in rec.plain

    async def blocked_is_unreachable() -> bool:
        async with stack.db.uow() as uow:
            person = await uow.people.get_by_telegram_id(blocked.user_id)
            return person.unreachable_at is not None

    await eventually(blocked_is_unreachable, True)
    again = await run_reminders(
        stack.db.uow, today=date(2024, 3, 12), now=datetime.now(UTC), default_locale="vi"
    )
    assert again.queued == [] and again.already == 2  # the blocked one is skipped now

    overdue = await run_reminders(
        stack.db.uow, today=date(2024, 3, 18), now=datetime.now(UTC), default_locale="vi"
    )
    assert len(overdue.queued) == 1  # the leader; the blocked officer is skipped now
    rec = await stack.emu.wait_for_text(leader.user_id, "Overdue", 20)
    assert "The deadline was 15 Mar 2024 and UBND xã Canh Thuận has not submitted" in rec.plain

    def sent_to(user_id: int, needle: str) -> int:
        return sum(
            1
            for c in stack.emu.calls_to("sendMessage")
            if str(c.params.get("chat_id")) == str(user_id)
            and c.status == 200
            and needle in str(c.params.get("text", ""))
        )

    assert sent_to(officer.user_id, "Reminder") == 1
    assert sent_to(leader.user_id, "Reminder") == 1 and sent_to(leader.user_id, "Overdue") == 1
    assert sent_to(done.user_id, "Reminder") == 0
    refused = [
        c
        for c in stack.emu.calls_to("sendMessage")
        if str(c.params.get("chat_id")) == str(blocked.user_id) and c.status == 403
    ]
    assert len(refused) == 1  # one attempt, no retry storm
