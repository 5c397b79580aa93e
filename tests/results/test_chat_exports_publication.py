"""/export, /publish and /reopen in the conversation core."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from delivery.http_transport import HttpTransport
from delivery.outbox import OutboxDispatcher
from delivery.sender import Sender
from emulator.server import BotApiEmulator
from storage.models import OutboxMessage
from tests.results.helpers import STANDARD_ANSWERS, seed, standings, submit


def documents(u) -> list:
    return [r for r in u.last.replies if r.document is not None]


async def outbox(db) -> dict[str, OutboxMessage]:
    async with db.uow() as uow:
        return {r.key: r for r in (await uow.session.scalars(select(OutboxMessage))).all()}


async def test_export_in_chat(db, user):
    await seed(db, answers=STANDARD_ANSWERS)
    rows = {r.unit.code: r for r in await standings(db)}
    boss = await user(9001, "X02", "leader")
    await boss.send("/export")
    [doc] = documents(boss)
    assert doc.document.name == "Bieu-tu-cham-diem-X02-2024.xlsx"
    assert "preliminary figures" in doc.text
    ws = load_workbook(doc.document.path).active
    index = next(r[7].value for r in ws.iter_rows(min_row=6) if r[0].value == "CHỈ SỐ CCHC")
    assert index == float(rows["X02"].result.index)
    out = await boss.press(data=f"ex:sheet:{rows['X01'].unit.id}")
    assert out.toast_alert and not documents(boss)
    out = await boss.press(data="ex:ranking")
    assert out.toast_alert
    officer = await user(9002, "X02", "officer")
    await officer.send("/export")
    assert "/export is for a unit's leaders" in officer.text and not documents(officer)
    admin = await user(9003, None, "admin")
    await admin.send("/export")
    assert "What should I export?" in admin.text
    await admin.press("Ranking, every board")
    [doc] = documents(admin)
    wb = load_workbook(doc.document.path)
    assert wb.sheetnames == ["Bảng 2 - UBND xã, phường"]
    assert [c.value for c in wb.active["B"][3:7]] == [r.unit.code for r in rows.values()]
    await admin.send("/export sheet X03")
    assert documents(admin)[0].document.name == "Bieu-tu-cham-diem-X03-2024.xlsx"
    await admin.send("/export ranking commune")
    assert documents(admin)
    await admin.send("/export ranking nowhere")
    assert "Unknown board" in admin.text
    await admin.send("/export X99")
    assert "no unit X99" in admin.text


async def test_publish_in_chat_changes_what_everyone_sees(db, user):
    await seed(db, answers=STANDARD_ANSWERS)
    boss = await user(9101, "X01", "leader")
    officer = await user(9102, "X01", "officer")
    admin = await user(9103, None, "admin")
    await submit(db, "X01")
    await boss.send("/publish")
    assert "Only Phòng Nội vụ" in boss.text
    await admin.send("/publish")
    text = admin.text
    assert "Publish the results of 2024?" in text and "4 units" in text
    assert "Not submitted: X02, X03, X04" in text and "Survey points missing for: X01" in text
    assert "type the year 2024 followed by the reason" in text
    assert [b.text for row in admin.reply.buttons for b in row] == ["✖ Cancel"]
    await admin.press("✖ Cancel")
    assert "Not published" in admin.text
    async with db.uow() as uow:
        assert (await uow.periods.get_by_year(2024)).published_at is None
    await admin.send("/publish")
    await admin.send("2023 wrong year")
    assert "Not published. To confirm, type the year 2024" in admin.text
    await admin.send("2024")
    assert "Add the reason after the year" in admin.text
    async with db.uow() as uow:
        assert (await uow.periods.get_by_year(2024)).published_at is None
    await admin.send("2024 survey results will not come this year")
    assert "Published the results of 2024 (version 1): 4 units; 2 people" in admin.text
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        snap = await uow.publications.current(period.id)
        assert snap.forced and snap.reason == "survey results will not come this year"
        assert snap.missing["not_submitted"] == ["X02", "X03", "X04"]
    box = await outbox(db)
    pub = sorted(k for k in box if k.startswith("pub:2024:"))
    assert len(pub) == 2
    assert all(box[k].kind == "document" for k in pub)
    assert "published (official)" in box[pub[0]].payload["text"]
    await boss.send("/rank")
    assert "Official results, published." in boss.texts[0] and "Preliminary" not in boss.texts[0]
    await officer.send("/score 1.2")
    await officer.send("1")
    assert "results of 2024 are published (official)" in officer.text
    assert "/unpublish" in officer.text
    await admin.send("/publish")
    assert "were published on" in admin.text
    await admin.send("/reopen X01")
    assert "published" in admin.text
    await admin.send("/rank")
    assert "Official ranking 2024" in admin.text and "*" not in admin.text.split("Official")[1]


async def test_reopen_in_chat(db, user):
    await seed(db, answers=STANDARD_ANSWERS)
    officer = await user(9201, "X03", "officer")
    admin = await user(9202, None, "admin")
    await submit(db, "X03")
    await officer.send("/reopen X03")
    assert "Only Phòng Nội vụ" in officer.text
    await admin.send("/reopen")
    assert "Usage: /reopen" in admin.text
    await admin.send("/reopen X03")
    assert "UBND xã Canh Liên is reopened" in admin.text
    box = await outbox(db)
    assert any(
        k.startswith("reopen:") and "reopened the self-assessment" in v.payload["text"]
        for k, v in box.items()
    )
    await admin.send("/reopen X03")
    assert "already reopened" in admin.text
    await officer.send("/score 1.2")
    await officer.send("1")
    assert "Saved 1.2" in officer.text


async def test_the_published_ranking_arrives_as_a_document(db, user):
    """The outbox row of a publication carries the ranking workbook, and the real dispatcher
    delivers it over HTTP (Bot API emulator) as one document with the result as its caption."""
    await seed(db, answers=STANDARD_ANSWERS)
    await user(9301, "X02", "leader")
    admin = await user(9302, None, "admin")
    await admin.send("/publish")
    await admin.send("2024 tested before the survey")
    [msg] = [v for k, v in (await outbox(db)).items() if k.startswith("pub:2024:")]
    assert msg.kind == "document" and msg.payload["document"]["name"] == "Xep-hang-CCHC-2024.xlsx"
    async with BotApiEmulator(rate_limits=False) as emu:
        emu.user(9301, first_name="Lan")
        await emu.send_text(9301, "/start")  # otherwise the bot may not write first (403)
        http = HttpTransport(emu.base_url, emu.token)
        try:
            sender = Sender(http, rate=30.0, per_chat_interval=0.0)
            assert await OutboxDispatcher(db.uow, sender).drain() == 1
        finally:
            await http.close()
        [got] = [r for r in emu.transcript(9301) if r.direction == "bot"]
        assert got.kind == "document" and got.document is not None
        assert got.document["file_name"] == "Xep-hang-CCHC-2024.xlsx"
        assert "published (official)" in got.plain and "is attached" in got.plain
        assert len(got.plain) <= 1024  # a caption, not a message
        stored = emu.core.files.get(got.document["file_id"])
        assert stored is not None
    assert load_workbook(io.BytesIO(stored.content)).sheetnames == ["Bảng 2 - UBND xã, phường"]
