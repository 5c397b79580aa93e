"""Leaders' /rank with charts, appraisal with a request for more evidence, publication and the
Excel export — through the Bot API emulator, for aiogram and python-telegram-bot."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook
from PIL import Image

from conversations import assessment as A
from conversations import charts
from conversations.i18n import fmt_num
from tests.results.helpers import sheet

HIGHLIGHT_RGB = (214, 39, 40)


async def seed(stack) -> None:
    async with stack.db.uow() as uow:
        await A.import_units(
            uow,
            "code,name,board\nX03,UBND xã Canh Liên,commune\nX04,UBND phường Bình Định,commune\n",
            2024,
        )
        rows = [
            *sheet("X01", B_1="cap_tinh"),
            *sheet("X02", **{"3_3_1": "95/100", "5_4_1": "1"}),
            *sheet("X03", **{"4_3": "vuot", "4_1": "khong"}),
        ]
        await A.import_answers(
            uow,
            "unit,item,value,explanation\n" + "\n".join(rows),
            2024,
            allow_missing_evidence=True,  # sample sheets without evidence files
        )


async def join(stack, user_id: int, unit: str | None, role: str, name: str):
    chat = stack.chat(user_id, name, lang="en")
    await chat.send(f"/start {await stack.invite(unit, role)}", expect="✅")
    return chat


def file_bytes(stack, media: dict) -> bytes:
    stored = stack.emu.core.files.get(media["file_id"])
    assert stored is not None
    return stored.content


async def standing(stack, code: str) -> A.Standing:
    async with stack.db.uow() as uow:
        return next(r for r in await A.standings(uow, 2024) if r.unit.code == code)


async def test_leader_rank_text_and_charts(stack):
    await seed(stack)
    x02 = await standing(stack, "X02")
    boss = await join(stack, 7701, "X02", "leader", "Thủ trưởng")
    text = await boss.send("/rank", expect="Index:")
    assert f"Rank {x02.ranked.rank}/4, Board 2: Commune People's Committees" in text.plain
    assert "Preliminary figures" in text.plain
    # issue 16, finding 11: the phone chart first — the unit and its neighbours, ≤ 600 px
    phone = await stack.emu.wait_for(boss.user_id, lambda r: r.kind == "photo", 30)
    assert "UBND xã Canh Hiệp (red) and its neighbours: 4 of the 4 units" in phone.plain
    small = Image.open(io.BytesIO(file_bytes(stack, phone.photo)))
    assert small.format == "PNG" and small.size[0] <= 600
    drawn = small.info[charts.LABELS_KEY].splitlines()
    assert f"{x02.ranked.rank}. UBND xã Canh Hiệp" in drawn and len(drawn) == 4
    assert HIGHLIGHT_RGB in {c for _, c in small.convert("RGB").getcolors(1 << 20)}
    # the whole board on request
    photo = await boss.press("🗺 Whole board", expect="UBND xã Canh Hiệp in red")
    assert photo.kind == "photo" and photo.photo["file_id"] != phone.photo["file_id"]
    img = Image.open(io.BytesIO(file_bytes(stack, photo.photo)))
    assert img.format == "PNG"
    assert img.size[0] >= 800 and img.size[1] >= 300
    colours = {c for _, c in img.convert("RGB").getcolors(1 << 20)}
    assert len(colours) > 50 and HIGHLIGHT_RGB in colours
    await boss.press("📊 Fields vs. the board median", expect="median of the 4 units")
    fields = stack.emu.last_bot_message(boss.user_id)
    assert fields.kind == "photo" and fields.photo["file_id"] != photo.photo["file_id"]
    img2 = Image.open(io.BytesIO(file_bytes(stack, fields.photo))).convert("RGB")
    assert HIGHLIGHT_RGB in {c for _, c in img2.getcolors(1 << 20)}


async def test_appraisal_round_trip_with_more_evidence(stack):
    await seed(stack)
    admin = await join(stack, 7801, None, "admin", "Chị Hoa")
    officer = await join(stack, 7802, "X01", "officer", "Lan")
    appraiser = await join(stack, 7803, None, "appraiser", "Anh Tư")
    await admin.send("/review assign 7803 1 commune", expect="now appraises 1. Direction")
    told = await stack.emu.wait_for_text(7803, "asked you to appraise 1. Direction", 20, since=0)
    assert "/review" in told.plain
    await appraiser.send("/review", expect="No unit has submitted")
    await officer.send("/submit", expect="Submit the self-assessment")
    await officer.press("✅ Confirm and submit", expect="Submitted")
    await appraiser.send("/review", expect="8 to appraise")
    card = await appraiser.press("X01 · UBND xã Canh Thuận (8)", expect="1.1.1.a ·")
    assert "self-score: 0.5" in card.plain and "📏 Rule:" in card.plain
    await appraiser.press("✅ Accept (0.5)", expect="1.1.1.b ·")
    await appraiser.press("✏️ Set points", expect="Type the appraised points")
    await appraiser.send("0,25", expect="Why 0.25 instead of the self-score 0.5?")
    await appraiser.send("Kế hoạch thiếu phân công", expect="1.1.1.b: 0.25 points")
    rec = await appraiser.press("📎 Ask for more evidence", expect="By when")
    assert "e.g. 15/12 or “thứ sáu tuần sau”" in rec.plain
    await appraiser.send("thứ sáu tuần sau", expect="Now write what is missing")
    await appraiser.send("Thiếu báo cáo tỷ lệ hoàn thành", expect="Asked UBND xã Canh Thuận")
    notice = await stack.emu.wait_for_text(
        officer.user_id, "asks UBND xã Canh Thuận for more evidence", 20
    )
    assert "Thiếu báo cáo tỷ lệ hoàn thành" in notice.plain and "1.1.2" in notice.plain
    await appraiser.send("/review", expect="1 waiting for evidence")
    await officer.press("✍️ Reply with an explanation", expect="Write your explanation for 1.1.2")
    await officer.send(
        "Báo cáo tỷ lệ đã gửi kèm công văn số 15/UBND", expect="was sent to the appraiser"
    )
    back = await stack.emu.wait_for_text(appraiser.user_id, "replied on 1.1.2", 20)
    assert "công văn số 15" in back.plain
    card = await appraiser.press("Open the item", expect="The unit has replied since")
    assert "công văn số 15" in card.plain
    await appraiser.press("✅ Accept (1)", expect="1.1.2 accepted")
    async with stack.db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        unit = await uow.units.get_by_code(period.id, "X01")
        rows = await uow.appraisals.list_for_unit(unit.id)
    assert {c: (r.status, r.points) for c, r in rows.items()} == {
        "1.1.1.a": ("accepted", Decimal("0.5")),
        "1.1.1.b": ("adjusted", Decimal("0.25")),
        "1.1.2": ("accepted", Decimal("1")),
    }
    async with stack.db.uow() as uow:
        pair = await A.unit_result(uow, unit)
    assert pair is not None and pair[1].leaves["1.1.1.b"].source == "appraised"
    x01 = await standing(stack, "X01")
    assert x01.result == pair[1].summary()  # /rank's figures follow the appraisal
    await admin.send("/review status", expect="Appraisal progress 2024")
    assert "Anh Tư — fields 1. Direction and management of PAR (communes): 3/8" in admin.last.plain


async def test_publication_changes_what_leaders_see_and_sheet_export(stack):
    await seed(stack)
    boss = await join(stack, 7901, "X01", "leader", "Thủ trưởng")
    admin = await join(stack, 7902, None, "admin", "Chị Hoa")
    await boss.send("/rank", expect="Preliminary figures")
    await admin.send("/publish", expect="type the year 2024 followed by the reason")
    await admin.send("2024 survey not held", expect="Published the results of 2024 (version 1)")
    told = await stack.emu.wait_for_text(boss.user_id, "published (official)", 20)
    assert told.kind == "document" and told.document["file_name"] == "Xep-hang-CCHC-2024.xlsx"
    ranking = load_workbook(io.BytesIO(file_bytes(stack, told.document)))
    assert ranking.sheetnames == ["Bảng 2 - UBND xã, phường"]
    x01 = await standing(stack, "X01")
    assert f"UBND xã Canh Thuận: index {fmt_num(x01.result.index, 'vi')}/100" in told.plain
    text = await boss.send("/rank", expect="Official results, published.")
    assert "Preliminary" not in text.plain
    doc = await boss.send("/export", expect="Self-scoring sheet")
    assert doc.kind == "document" and doc.document["file_name"] == "Bieu-tu-cham-diem-X01-2024.xlsx"
    ws = load_workbook(io.BytesIO(file_bytes(stack, doc.document))).active
    cells = {r[0].value: r[7].value for r in ws.iter_rows(min_row=6) if r[0].value}
    assert cells["CHỈ SỐ CCHC"] == float(x01.result.index)
    assert cells["Tình trạng"].startswith("Kết quả chính thức")


async def test_a_published_period_refuses_chat_edits_until_an_admin_unpublishes(stack):
    await seed(stack)
    officer = await join(stack, 7951, "X03", "officer", "Lan")
    admin = await join(stack, 7952, None, "admin", "Chị Hoa")
    appraiser = await join(stack, 7953, None, "appraiser", "Anh Tư")
    await admin.send("/review assign 7953 4 commune", expect="now appraises 4. Reform")
    shown = await officer.send("/score 4.1", expect="4.1")  # drawn before the publication
    option = str(shown.buttons[0][0]["callback_data"])
    await admin.send("/publish", expect="Not submitted: X01, X02, X03, X04")
    await admin.press("✖ Cancel", expect="Not published")
    await admin.send("/publish", expect="type the year 2024")
    await admin.send("2024 dry run", expect="Published the results of 2024 (version 1)")
    before = (await standing(stack, "X03")).result.index
    frozen = "results of 2024 are published (official)"
    card = await officer.send("/score 4.1", expect=frozen)  # the card says so: read only
    assert not any(str(b["callback_data"]).startswith("a:") for row in card.buttons for b in row)
    await officer.press_on(shown.message_id, option, expect=frozen)  # an old answer button
    await officer.send("/submit", expect=frozen)
    await appraiser.send("/review", expect=frozen)
    await officer.send("/unpublish oops", expect="Only Phòng Nội vụ can reopen")
    assert (await standing(stack, "X03")).result.index == before
    await admin.send("/unpublish", expect="Usage: /unpublish")
    await admin.send("/unpublish điều chỉnh 4.1", expect="publication 1 is kept")
    await officer.send("/score 4.1", expect="4.1")
    first = officer.buttons()[0]  # a long option: a short button keeping its points
    assert first.startswith("1. Có Quy chế làm việc") and first.endswith("… (1.5 pts)"), first
    await officer.press(first, expect="Saved 4.1")
    assert (await standing(stack, "X03")).result.index > before
    async with stack.db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        history = await uow.publications.history(period.id)
    assert [(h.action, h.actor_label, h.reason) for h in history] == [
        ("publish", "Chị Hoa", "dry run"),
        ("unpublish", "Chị Hoa", "điều chỉnh 4.1"),
    ]
