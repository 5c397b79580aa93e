"""/start and a short exchange through the emulator, for both runtimes."""

from __future__ import annotations


async def test_start_and_a_short_exchange(stack):
    lan = stack.chat(5001, "Lan")
    rec = await lan.send("/start", expect="parbot")
    assert rec.reply_keyboard  # big menu buttons from the first message
    code = await stack.invite("X01", "officer")
    await lan.send(f"/start {code}", expect="UBND xã Canh Thuận")
    card = await lan.send("/score", expect="1.1.1.a")
    assert any("0,5" in b["text"] for row in card.buttons for b in row)
    await lan.press(card.buttons[0][0]["text"], expect="1.1.1.a")
    assert stack.emu.callback_answers  # the spinner was stopped
