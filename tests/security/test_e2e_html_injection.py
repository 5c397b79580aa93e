"""Issue 18, finding 2, end to end on both runtimes: a Telegram display name carrying HTML.

The emulator parses ``parse_mode=HTML`` like Telegram (refusing bad markup with "can't parse
entities"), so an unescaped name either becomes a link or loses the whole message.
"""

from __future__ import annotations

from tests.e2e.harness import Chat, Stack
from tests.evidence_check import factories as f

NAME = '<a href="tg://user?id=1">x</a> <script> & <b>'
FIRST, LAST = NAME.split(" ", 1)


async def join(stack: Stack, user_id: int, unit: str, role: str, name: str = "Lan") -> Chat:
    chat = stack.chat(user_id, name)
    code = await stack.invite(unit, role)
    await chat.send(f"/start {code}", expect="✅")
    return chat


def no_links(rec) -> None:
    assert [s.type for s in rec.spans if s.type == "text_link"] == [], rec.text


async def test_whoami_and_the_leaders_submit_notice_show_the_name_literally(stack: Stack):
    boss = await join(stack, 7102, "X01", "leader", "Thủ trưởng")
    lan = await join(stack, 7101, "X01", "officer")
    stack.emu.user(7101, first_name=FIRST, last_name=LAST, language_code="vi")  # renamed

    rec = await lan.send("/whoami", expect=NAME)
    no_links(rec)
    assert "UBND xã Canh Thuận" in (rec.plain or "")

    await lan.send("/score 4.3", expect="4.3 ·")
    await lan.press(lan.buttons()[0], expect="Đã lưu")
    await lan.send("/submit", expect="Chỉ số sơ bộ")
    await lan.press("✅ Xác nhận nộp", expect="Đã nộp")
    notice = await stack.emu.wait_for_text(boss.user_id, "đã nộp", timeout=20)
    assert NAME in (notice.plain or ""), notice.text
    no_links(notice)


async def test_a_hostile_file_name_and_section_are_shown_literally(stack: Stack):
    lan = await join(stack, 7201, "X01", "officer")
    name = '<a href="tg://user?id=1">ke hoach</a> & <script>.pdf'
    await lan.send("/score 1.2", expect="1.2 ·")
    await stack.emu.send_document(lan.user_id, name, f.text_page_pdf("Ke hoach", pages=12))
    rec = await stack.emu.wait_for_text(lan.user_id, "12", 20)  # accepted: asks for the section
    async with stack.db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        unit = await uow.units.get_by_code(period.id, "X01")
        (row,) = (await uow.evidence.list_for_unit(unit.id))["1.2"]
    stored = row.original_name  # as kept at upload (the upload may clean it)
    assert "<script>" in stored or "&" in stored
    assert stored in (rec.plain or ""), rec.text
    no_links(rec)
    section = "<b>Mục II</b> & <i>"
    rec = await lan.send(section, expect=section)
    no_links(rec)
    rec = await lan.send("/evidence", expect=stored)
    assert section in (rec.plain or "")
    no_links(rec)
