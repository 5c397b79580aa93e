"""Officers self-score through the emulator, for both runtimes (issue: the criterion walk)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conversations import assessment as A
from tests.e2e.harness import answers_of


async def test_onboarding_with_good_bad_and_used_codes(stack):
    hung = stack.chat(6001, "Hùng")
    await hung.send("/start", expect="mời")
    await hung.send("/start khong-phai-ma-that", expect="không hợp lệ")
    code = await stack.invite("X01", "officer")
    await hung.send(f"/start {code}", expect="UBND xã Canh Thuận")
    mai = stack.chat(6002, "Mai")
    await mai.send(f"/start {code}", expect="đã được sử dụng")
    old = await stack.invite(
        "X02", "officer", ttl=timedelta(days=1), now=datetime.now(UTC) - timedelta(days=5)
    )
    await mai.send(f"/start {old}", expect="hết hạn")
    await mai.send("/whoami", expect="chưa")
    await hung.send("/whoami", expect="cán bộ đầu mối")


async def test_walk_back_skip_jump_and_answers_become_points(stack):
    lan = await stack.join(6101)
    card = await lan.send("/score", expect="Tiêu chí 1/53")
    assert "1.1.1.a" in card.plain
    await lan.press("Để sau ▶", expect="1.1.1.b")
    await lan.press("◀ Trước", expect="1.1.1.a")
    rec = await lan.press("2. Chưa đầy đủ (0,25đ)", expect="0,25 điểm")  # options numbered
    assert "tài liệu kiểm chứng" in rec.plain.lower()
    await lan.press("✍️ Viết giải trình", expect="giải trình")
    await lan.send("Kế hoạch đã ban hành nhưng thiếu phụ lục phân công", expect="1.1.1.b")
    await lan.send("20/12/2023", expect="0,5 điểm")
    await lan.send("3.2", expect="3.2 ·")
    await lan.send("9.9.9", expect="Không có tiêu chí 9.9.9")
    await lan.press("☰ Lĩnh vực", expect="1.2.3")
    await lan.press("5. Cải cách chế độ công vụ (0/6)", expect="5.1 ·")
    await lan.send("45", expect="mẫu số")
    await lan.send("50", expect="45/50")
    got = await answers_of(stack, "X01")
    assert got["1.1.1.a"] == {"option": "chua_day_du"}
    assert got["1.1.1.b"] == {"date": "2023-12-20"}
    assert got["5.1"] == {"num": "45", "den": "50"}


async def test_bad_inputs_are_explained_and_change_nothing(stack):
    lan = await stack.join(6201)
    await lan.send("/score 1.2", expect="1.2 ·")
    for bad, expect in [
        ("ba", "không phải là số"),
        ("-3", "âm"),
        ("😀", "không phải là số"),
        ("x" * 5000, "rất dài"),
    ]:
        await lan.send(bad, expect=expect)
    await lan.send("/score 1.1.2", expect="1.1.2 ·")
    await lan.send("60/50", expect="không được lớn hơn")
    await lan.send("/score 1.5.2", expect="1.5.2 ·")
    await lan.send("9", expect="từ 0 đến 1,5")
    await lan.send("/lenhla", expect="/lenhla")
    assert await answers_of(stack, "X01") == {}


async def test_forged_and_stale_buttons_never_write_elsewhere(stack):
    lan = await stack.join(6301)
    card = await lan.send("/score", expect="1.1.1.a")
    data = card.buttons[0][0]["callback_data"]
    _, unit, item, opt, _rev = data.split(":")  # a:<unit>:<item>:<option>:<card revision>
    answer = await lan.press_data(f"a:{int(unit) + 1}:{item}:{opt}")  # the other commune
    assert answer.show_alert and "không" in (answer.text or "").lower()
    stale = await lan.press_data(f"a:{unit}:424242:0")  # an item that does not exist (any more)
    assert stale.text and "1.1.1.a" in lan.last.plain  # told, and the card is still there
    junk = await lan.press_data("💥:" + "9" * 40)
    assert junk.text
    assert await answers_of(stack, "X01") == {} and await answers_of(stack, "X02") == {}


async def test_restart_mid_walk_loses_nothing_and_resumes(stack):
    lan = await stack.join(6401)
    await lan.send("/score 4.2", expect="4.2 ·")
    await lan.press(lan.buttons()[0], expect="Đã lưu 4.2")
    await lan.press("Để sau ▶", expect="4.3 ·")  # evidence later; now at 4.3
    await stack.restart()
    rec = await lan.send("/score", expect="4.3")
    assert "4.3 ·" in rec.plain
    assert "4.2" in await answers_of(stack, "X01")


async def test_submit_locks_notifies_leader_and_withdraw_unlocks(stack):
    boss = await stack.join(6502, role="leader", name="Thủ trưởng")
    lan = await stack.join(6501)
    shown = await lan.send("/score 4.3", expect="4.3 ·")
    first = str(shown.buttons[1][0]["callback_data"])  # the second option, as drawn now
    await lan.press(lan.buttons()[0], expect="Đã lưu")
    await lan.send("/submit", expect="Chỉ số sơ bộ")
    await lan.press("✅ Xác nhận nộp", expect="Đã nộp")
    await lan.emu.wait_for_text(boss.user_id, "đã nộp")  # through the outbox and the sender
    card = await lan.send("/score 4.3", expect="4.3 ·")
    assert "Đã nộp" in card.plain and "/withdraw" in card.plain  # read only: no answer buttons
    assert not any(b["callback_data"].startswith("a:") for row in card.buttons for b in row)
    before = await answers_of(stack, "X01")
    await lan.press_on(shown.message_id, first, expect="/withdraw")
    assert await answers_of(stack, "X01") == before  # an answer button from before /submit
    await lan.send("/withdraw", expect="Rút lại")
    await lan.press("↩️ Rút lại", expect="submit")
    await lan.send("/score 4.3", expect="4.3 ·")
    await lan.press(lan.buttons()[1], expect="Đã lưu")
    assert (await answers_of(stack, "X01"))["4.3"] != before["4.3"]


async def test_full_walk_matches_parbot_rank(stack):
    lan = await stack.join(6601)
    rec = await lan.send("/score", expect="Tiêu chí 1/53")
    for _ in range(200):
        text = rec.plain
        if "🎉" in text:
            break
        labels = [b["text"] for row in rec.buttons for b in row]
        datas = [b["callback_data"] for row in rec.buttons for b in row]
        if "✍️ Viết giải trình" in labels and not any(d.startswith("a:") for d in datas):
            await lan.press("✍️ Viết giải trình", expect="giải trình")
            rec = await lan.send("Đơn vị đã thực hiện đầy đủ theo kế hoạch được giao")
            continue
        choice = next(
            (lbl for lbl, d in zip(labels, datas, strict=True) if d.startswith("a:")), None
        )
        if choice is not None:
            rec = await lan.press(choice)
        elif "16/3/2024" in text:
            rec = await lan.send("1/12/2023")
        elif "45/50" in text:
            rec = await lan.send("9/10")
        elif "bước" in text:
            rec = await lan.send("1")
        else:
            rec = await lan.send("2")
    else:
        raise AssertionError("the walk did not finish")
    async with stack.db.uow() as uow:
        mine = next(r for r in await A.standings(uow, 2024) if r.unit.code == "X01")
    assert mine.result.counts.get("unanswered", 0) == 0
    rec = await lan.send("/submit", expect="Chỉ số sơ bộ")
    assert f"Chỉ số sơ bộ: {str(mine.result.index).replace('.', ',')}" in rec.plain
