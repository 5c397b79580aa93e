"""Issue 16, findings 1 and 2, through the emulator on both runtimes.

1. A button from an old message (or for an item that meanwhile got a different answer) never
   changes a saved answer silently; error replies carry no answer buttons; the live card is
   edited in place and always shows the current answer.
2. One grammar for typed input on every card: option numbers pick options, ``#code`` / ``đi
   code`` / ``go code`` jump, counts are whole numbers, ``hủy`` leaves any prompt, and a ratio
   can be typed in one go.
"""

from __future__ import annotations

from tests.e2e.harness import answers_of


def _data(rec, label: str) -> str:
    button = rec.find_button(text=label, data=None)
    assert button is not None, rec.describe()
    return str(button["callback_data"])


async def test_old_button_asks_before_changing_a_saved_answer(stack):
    lan = await stack.join(6701)
    card = await lan.send("/score 1.1.1.b", expect="1.1.1.b ·")
    assert "Chưa trả lời" in card.plain and "Để sau ▶" in card.button_texts
    old_not_done = _data(card, "Chưa thực hiện")
    err = await lan.send("18/13/2023", expect="không phải là ngày")
    assert err.buttons == [], "an error reply must not re-post the answer buttons"
    await lan.send("18/12/2023", expect="Đã lưu 1.1.1.b")
    # the card itself was edited: it shows the answer, no longer "Chưa trả lời", and "Tiếp ▶"
    live = await lan.edited(card.message_id, "18/12/2023")
    assert "Chưa trả lời" not in live.plain
    assert "Tiếp ▶" in live.button_texts and "Để sau ▶" not in live.button_texts
    # the button as it was before the answer: asks, shows the current answer, changes nothing
    ask = await lan.press_on(card.message_id, old_not_done, expect="Đổi thành")
    assert "18/12/2023" in ask.plain and "Chưa thực hiện" in ask.plain
    assert (await answers_of(stack, "X01"))["1.1.1.b"] == {"date": "2023-12-18"}
    kept = await lan.press("Giữ nguyên", expect="1.1.1.b ·")
    assert "18/12/2023" in kept.plain
    assert (await answers_of(stack, "X01"))["1.1.1.b"] == {"date": "2023-12-18"}
    # asked again and confirmed: now it changes
    await lan.press_on(card.message_id, old_not_done, expect="Đổi thành")
    await lan.press("Đổi", expect="Đã lưu 1.1.1.b")
    assert (await answers_of(stack, "X01"))["1.1.1.b"] == {"done": False}


async def test_another_officers_answer_is_not_overwritten_by_an_open_card(stack):
    lan = await stack.join(6711)
    minh = await stack.join(6712, name="Minh")
    card = await lan.send("/score 4.3", expect="4.3 ·")
    other = await minh.send("/score 4.3", expect="4.3 ·")
    await minh.press(other.button_texts[0], expect="Đã lưu 4.3")
    first = (await answers_of(stack, "X01"))["4.3"]
    # Lan's card still shows "Chưa trả lời": her tap on another option asks first
    ask = await lan.press_on(card.message_id, _data(card, card.button_texts[1]), expect="Đổi thành")
    assert "Minh" in ask.plain or "hiện tại" in ask.plain.lower()
    assert (await answers_of(stack, "X01"))["4.3"] == first


async def test_typed_input_grammar_is_the_same_on_every_card(stack):
    lan = await stack.join(6801)
    card = await lan.send("/score 1.1.1.a", expect="1.1.1.a ·")
    assert card.button_texts[0].startswith("1. Đầy đủ"), card.describe()
    assert "#1.2.3" in card.plain and "hủy" in card.plain  # the one hint line
    await lan.send("2", expect="Đã lưu 1.1.1.a")  # option 2, not field 2
    assert (await answers_of(stack, "X01"))["1.1.1.a"] == {"option": "chua_day_du"}
    first = await lan.send("đi 5.1", expect="5.1 ·")
    one_line = await lan.send("1.3", expect="số nguyên")
    assert len(one_line.plain.strip().splitlines()) <= 2, one_line.plain
    await lan.send("45", expect="mẫu số")
    await lan.send("50.5", expect="số nguyên")
    await lan.send("hủy", expect="Đã dừng")
    assert "5.1" not in await answers_of(stack, "X01")
    await lan.send("/score 5.1", expect="5.1 ·")
    retired = await lan.edited(first.message_id, "5.1 ·")  # one live card per item
    assert retired.buttons == [], retired.describe()
    await lan.send("45", expect="mẫu số")
    await lan.send("#1.2", expect="1.2 ·")  # a jump while the denominator is awaited
    refused = await lan.send("2.2.1", expect="không phải là số")  # a number card: not a jump…
    assert "#2.2.1" in refused.plain  # …but it says how to jump
    await lan.send("go 2.2.1", expect="2.2.1 ·")
    await lan.send("3.2", expect="3.2 ·")  # a bare code on a choice card cannot be an answer
    await lan.send("/score 5.1", expect="5.1 ·")
    await lan.send("45/50", expect="Đã lưu 5.1")
    got = await answers_of(stack, "X01")
    assert got["5.1"] == {"num": "45", "den": "50"} and "1.2" not in got
