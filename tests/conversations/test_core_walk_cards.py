"""Card revisions, the live card and the typed grammar in the core (issue 16, findings 1-2)."""

from __future__ import annotations

from conversations.replies import Event
from tests.conversations.harness import answers_of, find_button, officer


def answer_data(p, label: str) -> str:
    assert p.last is not None
    return find_button(p.last, label)


def said(p) -> str:
    """Everything the last update replied (a typed answer may also refresh a card above)."""
    assert p.last is not None
    return "\n".join(r.text for r in p.last.replies)


async def test_a_typed_change_over_someone_elses_answer_asks_then_changes(db, clock, person):
    an = await officer(db, clock, person, user_id=11, name="An")
    binh = await officer(db, clock, person, user_id=12, name="Bình")
    await an.text("/score 1.2")
    await binh.text("/score 1.2")
    await binh.text("3")
    assert (await answers_of(db, "X01"))["1.2"] == {"number": "3"}
    await an.text("4")  # An's card still said "Chưa trả lời"
    assert "Đổi thành “4”?" in said(an) and "Bình" in said(an)
    assert (await answers_of(db, "X01"))["1.2"] == {"number": "3"}
    await an.press("Giữ nguyên")
    assert "1.2 ·" in said(an) and "3 → 1 điểm" in said(an)
    assert (await answers_of(db, "X01"))["1.2"] == {"number": "3"}
    await an.text("4")  # the card An now sees shows Bình's answer: a typed change just saves
    assert "Đã lưu 1.2" in said(an)
    assert (await answers_of(db, "X01"))["1.2"] == {"number": "4"}


async def test_change_is_asked_again_when_the_answer_moved_meanwhile(db, clock, person):
    an = await officer(db, clock, person, user_id=21, name="An")
    binh = await officer(db, clock, person, user_id=22, name="Bình")
    await an.text("/score 1.1.1.a")
    stale = an.last
    await binh.text("/score 1.1.1.a")
    await binh.press("1. ")
    an.last = stale
    await an.press("2. ")
    assert "Đổi thành “Chưa đầy đủ”?" in an.reply.text
    question = an.last
    await binh.text("/score 1.1.1.a")
    await binh.press("3. ")  # Bình changes it again, to a third answer
    an.last = question
    await an.press("Đổi")  # carries the revision An was shown: asks again, changes nothing
    assert "Đổi thành" in an.reply.text and "Không ban hành" in an.reply.text
    assert (await answers_of(db, "X01"))["1.1.1.a"] == {"option": "khong"}
    await an.press("Đổi")  # now An has seen the current answer: it changes
    assert (await answers_of(db, "X01"))["1.1.1.a"] == {"option": "chua_day_du"}


async def test_the_live_card_changes_directly_and_old_buttons_without_revision_ask(
    db, clock, person
):
    p = await officer(db, clock, person, user_id=31)
    await p.text("/score 4.3")
    first = answer_data(p, "1. ")
    await p.press(data=first)
    await p.text("/score 4.3")
    assert "Tiếp ▶" in str(p.reply.buttons) and "Để sau" not in str(p.reply.buttons)
    await p.press("2. ")  # the card shows the current answer: a deliberate change, no question
    assert "Đã lưu 4.3" in p.reply.text
    changed = (await answers_of(db, "X01"))["4.3"]
    legacy = ":".join(first.split(":")[:4])  # a button drawn before cards had revisions
    await p.press(data=legacy)
    assert "Đổi thành" in p.reply.text
    assert (await answers_of(db, "X01"))["4.3"] == changed
    await p.press(data=legacy)  # the same old button again: still asks
    assert "Đổi thành" in p.reply.text


async def test_typed_grammar_numbers_jumps_counts_and_cancel(db, clock, person):
    p = await officer(db, clock, person, user_id=41)
    await p.text("/score 1.1.1.a")
    assert "⌨️" in p.reply.text and p.reply.buttons[0][0].text.startswith("1. ")
    await p.text("3")  # option 3
    assert (await answers_of(db, "X01"))["1.1.1.a"] == {"option": "khong"}
    await p.text("#5.1")
    assert "5.1 ·" in p.reply.text
    await p.text("1,3")
    assert "số nguyên" in p.reply.text and not p.reply.buttons
    await p.text("45")
    assert "mẫu số" in p.reply.text
    await p.text("45/50")  # the whole ratio at the denominator prompt
    assert (await answers_of(db, "X01"))["5.1"] == {"num": "45", "den": "50"}
    await p.text("/score 1.1.2")
    await p.text("9")
    await p.text("Hủy")
    assert "Đã dừng" in p.reply.text
    await p.text("10")  # no prompt is open any more: not a denominator
    assert "1.1.2" not in await answers_of(db, "X01")
    await p.text("/score 1.3")
    await p.text("1.1.2")  # a number card: read as a number, and told how to jump
    assert "#1.1.2" in p.reply.text and "1.3" not in await answers_of(db, "X01")
    await p.text("đi 1.1.1.b")
    assert "1.1.1.b ·" in p.reply.text
    await p.text("5")  # a date card: a bare code that cannot be a date jumps (to field 5)
    assert "5.2.1 ·" in p.reply.text


async def test_english_grammar(db, clock, person):
    p = await officer(db, clock, person, user_id=51, lang="en")
    await p.press(data="l:en")
    await p.text("/score 1.2")
    assert "go 1.2.3" in p.reply.text and "cancel" in p.reply.text
    await p.text("go 4.1")
    assert "4.1 ·" in p.reply.text
    await p.text("cancel")
    assert "Stopped" in p.reply.text


async def test_a_typed_answer_edits_the_items_card_where_it_was_delivered(
    db, clock, person, engine
):
    p = await officer(db, clock, person, user_id=61)
    await p.text("/score 1.2")
    card = p.reply
    assert card.tag == "card:1.2" and not card.edit
    await engine.delivered(Event(0, p.sender, "text"), [(card.tag, 777)])
    await p.text("4")
    assert "Đã lưu 1.2" in p.last.replies[0].text
    refresh = [r for r in p.last.replies if r.edit_message_id == 777]
    assert len(refresh) == 1 and "4 → 1,5 điểm" in refresh[0].text
    assert "Chưa trả lời" not in refresh[0].text


async def test_an_explanation_refreshes_the_items_card(db, clock, person, engine):
    p = await officer(db, clock, person, user_id=71)
    await p.text("/score 1.5.2")  # points typed directly always need an explanation
    await engine.delivered(Event(0, p.sender, "text"), [("card:1.5.2", 555)])
    await p.text("1")
    assert "giải trình" in said(p)
    await p.text("Đã kiểm tra đủ các bộ phận theo kế hoạch năm")
    refresh = [r for r in p.last.replies if r.edit_message_id == 555 and r.edit_only]
    assert len(refresh) == 1 and "✍️" in refresh[0].text and refresh[0].buttons
