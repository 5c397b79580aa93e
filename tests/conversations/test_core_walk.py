"""The conversation core with a real database: onboarding, the walk, bad input, submit."""

from __future__ import annotations

from datetime import timedelta

from conversations import assessment as A
from tests.conversations.harness import (
    Person,
    answers_of,
    find_button,
    invite,
    make_engine,
    officer,
)


def find_button_data(p: Person, index: int) -> str:
    buttons = [b for row in p.reply.buttons for b in row if b.data and b.data.startswith("a:")]
    return buttons[index].data


async def test_onboarding_good_bad_used_and_expired_codes(db, clock, person):
    stranger = person(2001, "Hùng")
    await stranger.text("/start")
    assert "Để bắt đầu, vui lòng mở đường link mời" in stranger.reply.text  # Vietnamese first
    await stranger.text("/start not-a-real-code")
    assert "không hợp lệ" in stranger.reply.text
    code = await invite(db, "X01", "officer", clock.now)
    await stranger.text(f"/start {code}")
    assert "✅" in stranger.reply.text and "UBND xã A" in stranger.reply.text
    other = person(2002, "Mai")
    await other.text(f"/start {code}")
    assert "đã được sử dụng" in other.reply.text
    await other.text("/whoami")
    assert "chưa" in other.reply.text.lower()  # still nobody
    old = await invite(db, "X02", "leader", clock.now - timedelta(days=30), ttl=timedelta(days=1))
    await other.text(f"/start {old}")
    assert "hết hạn" in other.reply.text
    await stranger.text("/whoami")
    assert "UBND xã A" in stranger.reply.text and "cán bộ đầu mối" in stranger.reply.text


async def test_language_switch_is_stored(db, clock, person):
    p = await officer(db, clock, person)
    await p.text("/lang")
    await p.press("English")
    assert "English" in p.reply.text
    await p.text("/score")
    assert "Max points" in p.reply.text


async def test_walk_answers_each_kind_and_moves_on(db, clock, person):
    p = await officer(db, clock, person)
    await p.text("/score")
    assert "1.1.1.a" in p.reply.text and "Tiêu chí 1/53" in p.reply.text
    await p.press("Đầy đủ nội dung")
    assert "0,5 điểm" in p.reply.text and "tài liệu kiểm chứng" in p.reply.text.lower()
    await p.press("Viết giải trình")
    await p.text("Kế hoạch số 12/KH-UBND ngày 10/12/2023 đã ban hành đủ nội dung")
    assert "1.1.1.b" in p.reply.text
    await p.text("16/12/2023")  # date on time
    await p.press("Viết giải trình")
    await p.text("Ban hành ngày 16/12/2023, trước hạn 20/12/2023")
    assert "1.1.2" in p.reply.text
    await p.text("45")  # ratio numerator first …
    assert "mẫu số" in p.reply.text.lower()
    await p.text("60")  # … then denominator: 75 % → 0
    assert "45/60" in p.reply.text
    got = await answers_of(db, "X01")
    assert got["1.1.1.a"] == {"option": "day_du"}
    assert got["1.1.1.b"] == {"date": "2023-12-16"}
    assert got["1.1.2"] == {"num": "45", "den": "60"}


async def test_bad_inputs_get_clear_messages_and_change_nothing(db, clock, person):
    p = await officer(db, clock, person)
    await p.text("/score 1.2")  # number item: count of inspections
    for bad, expect in [
        ("ba", "không phải là số"),
        ("-3", "âm"),
        ("1,5", "số nguyên"),
        ("🙂", "không phải là số"),
        ("x" * 5000, "rất dài"),
    ]:
        await p.text(bad)
        assert expect in p.reply.text, (bad, p.reply.text)
    await p.text("/score 1.1.2")
    await p.text("50/45")
    assert "không được lớn hơn" in p.reply.text
    await p.text("/score 1.5.2")  # manual 0..1.5 step 0.25
    await p.text("2")
    assert "từ 0 đến 1,5" in p.reply.text
    await p.text("0,3")
    assert "bội số của 0,25" in p.reply.text
    await p.text("/khongco")
    assert "/khongco" in p.reply.text
    assert await answers_of(db, "X01") == {}


async def test_back_skip_jump_and_field_list(db, clock, person):
    p = await officer(db, clock, person)
    await p.text("/score")
    await p.press("Để sau")
    assert "1.1.1.b" in p.reply.text
    await p.press("Trước")
    assert "1.1.1.a" in p.reply.text
    await p.text("3.2")
    assert "<b>3.2 ·" in p.reply.text
    await p.text("9.9.9")
    assert "Không có tiêu chí 9.9.9" in p.reply.text
    await p.press("Lĩnh vực")
    await p.press("4. Cải cách tổ chức")
    assert "<b>4.1 ·" in p.reply.text
    await p.press("Không áp dụng") if "Không áp dụng" in str(p.reply.buttons) else None


async def test_forged_and_stale_buttons(db, clock, person):
    p = await officer(db, clock, person)
    await p.text("/score")
    data = find_button(p.last, "Đầy đủ nội dung")
    _kind, unit, item, opt, _rev = data.split(":")  # a:<unit>:<item>:<option>:<card revision>
    # another unit's item: refused, nothing written for either unit
    out = await p.press(data=f"a:{int(unit) + 1}:{item}:{opt}")
    assert out.toast and "không" in out.toast.lower()
    out = await p.press(data=f"a:{unit}:999999:0")  # unknown item → re-rendered, no dead end
    assert out.replies and "1.1.1.a" in out.replies[-1].text
    out = await p.press(data=f"a:{unit}:{item}:9")  # option that no longer exists
    assert "1.1.1.a" in out.replies[-1].text
    out = await p.press(data="zz:garbage")
    assert out.toast
    assert await answers_of(db, "X01") == {} and await answers_of(db, "X02") == {}


async def test_restart_mid_walk_loses_nothing(db, clock, person):
    p = await officer(db, clock, person)
    await p.text("/score 2.2.1")
    await p.press(data=find_button_data(p, 0))
    # a brand-new engine (process restart): state comes from the database only
    p.engine = make_engine(db, clock)
    await p.text("/score")
    assert "<b>2.2.1 ·" in p.reply.text  # resumed on the card it was on
    assert "2.2.1" in await answers_of(db, "X01")


async def test_two_officers_later_wins_and_earlier_is_told(db, clock, person):
    a = await officer(db, clock, person, user_id=1, name="An")
    b = await officer(db, clock, person, user_id=2, name="Bình")
    await a.text("/score 4.3")
    await b.text("/score 4.3")
    await a.press("Không vượt")
    # Bình's card was drawn before An answered: the tap asks first (issue 16), then changes
    await b.press("Vượt")
    assert "Đổi thành" in b.reply.text and "An" in b.reply.text
    assert (await answers_of(db, "X01"))["4.3"] == {"option": "khong_vuot"}
    await b.press("Đổi")
    assert (await answers_of(db, "X01"))["4.3"] == {"option": "vuot"}
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        unit = await uow.units.get_by_code(period.id, "X01")
        items = await uow.catalogs.items_by_code(unit.catalog_id)
        history = await uow.answers.history(unit.id, items["4.3"].id)
        notes = await uow.outbox.claim_due(clock.now + timedelta(seconds=1))
    assert [h.new_value for h in history] == [{"option": "khong_vuot"}, {"option": "vuot"}]
    assert any("Bình" in n.payload["text"] and "4.3" in n.payload["text"] for n in notes)


async def test_submit_locks_and_withdraw_unlocks(db, clock, person):
    p = await officer(db, clock, person)
    leader = person(3, "Thủ trưởng")
    await leader.text("/start " + await invite(db, "X01", "leader", clock.now))
    await p.text("/score 4.3")
    vuot = find_button(p.last, "Vượt")
    await p.press("Không vượt")
    await p.text("/submit")
    assert "Chỉ số sơ bộ" in p.reply.text
    await p.press("Xác nhận")
    assert "Đã nộp" in p.reply.text
    await p.text("/score 4.3")
    assert "/withdraw" in p.reply.text  # read only, navigation only
    assert not any(b.data and b.data.startswith("a:") for row in p.reply.buttons for b in row)
    await p.press(data=vuot)  # the button as drawn before /submit
    assert "đã nộp" in p.reply.text.lower() and "/withdraw" in p.reply.text
    assert (await answers_of(db, "X01"))["4.3"] == {"option": "khong_vuot"}
    await p.text("/withdraw")
    await p.press("Rút lại")
    await p.text("/score 4.3")
    await p.press("Vượt")
    assert (await answers_of(db, "X01"))["4.3"] == {"option": "vuot"}
    async with db.uow() as uow:
        notes = await uow.outbox.claim_due(clock.now + timedelta(seconds=1))
    assert any("đã nộp" in n.payload["text"] for n in notes)


async def test_deadline_passed_refuses_edits_politely(db, clock, person):
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        await uow.milestones.upsert(
            period.id,
            "self_assessment",
            "Tự chấm điểm",
            "self_assessment",
            (clock.now - timedelta(days=2)).date(),
        )
    p = await officer(db, clock, person)
    await p.text("/score 4.3")
    await p.press("Không vượt")
    assert "đã hết hạn" in p.reply.text
    assert await answers_of(db, "X01") == {}


async def test_full_walk_gives_the_same_index_as_rank(db, clock, person):
    p = await officer(db, clock, person)
    await p.text("/score")
    for _ in range(200):
        text = p.reply.text
        if "Tất cả tiêu chí đều đã" in text or "🎉" in text:
            break
        buttons = [b for row in p.reply.buttons for b in row]
        labels = [b.text for b in buttons]
        if any("Viết giải trình" in x for x in labels) and not any(
            b.data and b.data.startswith("a:") for b in buttons
        ):
            await p.press("Viết giải trình")
            await p.text("Đơn vị đã thực hiện đầy đủ theo kế hoạch được giao")
            continue
        choices = [b for b in buttons if b.data and b.data.startswith("a:")]
        if choices:
            await p.press(data=choices[0].data)
        elif "16/3/2024" in text:
            await p.text("1/12/2023")
        elif "45/50" in text:
            await p.text("9/10")
        elif "bước" in text:
            await p.text("1")
        else:
            await p.text("2")
    else:
        raise AssertionError("walk did not finish")
    async with db.uow() as uow:
        rows = await A.standings(uow, 2024, "commune")
        mine = next(r for r in rows if r.unit.code == "X01")
    await p.text("/submit")
    assert f"Chỉ số sơ bộ: {str(mine.result.index).replace('.', ',')}" in p.reply.text
    assert mine.result.counts.get("unanswered", 0) == 0


async def test_expensive_exports_are_rate_limited_per_person(db, clock, person):
    from dataclasses import replace

    boss = person(4, "Thủ trưởng")
    await boss.text("/start " + await invite(db, "X01", "leader", clock.now))
    boss.engine = make_engine(db, clock)
    boss.engine.config = replace(boss.engine.config, data_dir=db_dir(db), expensive_every=30)
    await boss.text("/export")
    assert boss.reply.document is not None
    await boss.text("/export")
    assert boss.reply.document is None and "30" in boss.reply.text  # polite: when to retry
    clock.now += timedelta(seconds=31)
    await boss.text("/export")
    assert boss.reply.document is not None


def db_dir(db):
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp())


async def test_catalog_language_comes_before_the_telegram_language(db, clock, person):
    # the sample catalog declares `locale: vi`: an English phone still gets Vietnamese on joining
    john = person(5, "John", lang="en")
    await john.text("/help")
    assert "To join a unit, open the invite link" in john.reply.text  # before joining: en
    await john.text("/start " + await invite(db, "X01", "officer", clock.now))
    assert "Chào mừng" in john.reply.text
    await john.text("/lang")
    await john.press("English")
    await john.text("/score")
    assert "Max points" in john.reply.text  # an explicit choice wins from then on


async def test_a_known_person_with_a_new_name_or_chat_is_refreshed_and_reachable(db, clock, person):
    """The start of an update writes the person only when Telegram reports something new:
    then by id, the new name, username and chat stored and the person reachable again."""
    p = await officer(db, clock, person, user_id=4040, name="Lan")
    async with db.uow() as uow:
        before = await uow.people.get_by_telegram_id(4040)
        assert before is not None
        await uow.people.mark_unreachable(before.id, "Forbidden: bot was blocked by the user")
    p.name = "Nguyễn Thị Lan"
    await p.text("/progress")
    async with db.uow() as uow:
        after = await uow.people.get_by_telegram_id(4040)
    assert after is not None and after.id == before.id
    assert after.full_name == "Nguyễn Thị Lan" and after.chat_id == 4040
    assert after.unreachable_at is None and after.unreachable_reason is None
    assert after.language == before.language


async def _explanations(db, unit: str) -> dict[str, str]:
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        u = await uow.units.get_by_code(period.id, unit)
        return {c: e.text for c, e in (await uow.answers.explanations_for_unit(u.id)).items()}


async def test_a_deadline_question_while_a_card_waits_is_answered_not_saved(db, clock, person):
    """Officers ask about deadlines at any moment: asked while the card waits for evidence it
    was saved as the criterion's explanation, and at a date prompt refused as not a date."""
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        due = (clock.now + timedelta(days=12)).date()
        await uow.milestones.upsert(
            period.id, "self_assessment", "Tự chấm điểm", "self_assessment", due
        )
    p = await officer(db, clock, person)
    await p.text("/score")
    await p.press("Đầy đủ nội dung")  # 1.1.1.a saved; it now waits for evidence
    await p.text("khi nào hết hạn nộp báo cáo?")
    assert "Tự chấm điểm" in p.reply.text and f"{due.day}/{due.month}/{due.year}" in p.reply.text
    assert "1.1.1.a vẫn cần tài liệu kiểm chứng hoặc giải trình; gõ “để sau”" in p.reply.text
    assert await _explanations(db, "X01") == {}
    await p.text("Đơn vị đã nộp báo cáo nhưng hết hạn ban hành kế hoạch")  # a statement
    assert "Đã lưu giải trình" in p.reply.text and "1.1.1.b" in p.reply.text
    await p.text("hạn chót nộp báo cáo là ngày nào")  # at a date prompt, no question mark
    assert "Tự chấm điểm" in p.reply.text and "không phải là ngày" not in p.reply.text
    assert "1.1.1.b vẫn đang chờ câu trả lời" in p.reply.text
    await p.text("16/12/2023")  # the card still waits: the date is taken
    await p.press("Viết giải trình")  # asked for in so many words: taken as it is
    await p.text("Khi nào hết hạn thì đơn vị đã ban hành?")
    explained = await _explanations(db, "X01")
    assert explained == {
        "1.1.1.a": "Đơn vị đã nộp báo cáo nhưng hết hạn ban hành kế hoạch",
        "1.1.1.b": "Khi nào hết hạn thì đơn vị đã ban hành?",
    }
    assert (await answers_of(db, "X01"))["1.1.1.b"] == {"date": "2023-12-16"}
    await p.text("/submit")
    await p.press("Xác nhận nộp")
    await p.text("/score 1.1.2")  # read only now: the card waits for nothing
    await p.text("khi nào hết hạn?")
    assert "Tự chấm điểm" in p.reply.text and "vẫn đang chờ" not in p.reply.text


async def test_score_with_a_code_opens_it_or_says_there_is_none(db, clock, person):
    p = await officer(db, clock, person)
    await p.text("/score 9.9.9")
    assert "Không có tiêu chí 9.9.9" in p.reply.text  # was: the next card, silently
    await p.text("/score 3.3")  # a group: its first criterion to answer
    assert "3.3.1" in p.reply.text and "Tiêu chí" in p.reply.text
    await p.text("/score abc")
    texts = [r.text for r in p.last.replies]
    assert "Không có tiêu chí abc" in texts[0] and "3.3.1" in texts[-1]  # and the card again


async def test_typing_later_leaves_the_card_as_its_button_does(db, clock, person):
    p = await officer(db, clock, person)
    await p.text("/score 1.2")  # a number card
    await p.text("bỏ qua")  # was: "'bỏ qua' không phải số lượng"
    assert "không phải" not in p.reply.text and "1.3" in p.reply.text
    await p.text("/score 1.1.2")
    await p.text("45")  # a ratio's numerator: it now waits for the denominator
    await p.text("Để sau")
    assert "mẫu số" not in p.reply.text.lower() and "1.1.2" not in p.reply.text
    await p.text("/score 1.1.1.a")
    await p.press("Đầy đủ nội dung")  # waits for evidence or an explanation
    await p.text("tiếp")
    assert "1.1.1.b" in p.reply.text
    assert await answers_of(db, "X01") == {"1.1.1.a": {"option": "day_du"}}


async def test_a_number_typed_with_what_it_counts_is_read(db, clock, person):
    """Officers type "2 cuộc" or "9 trên 10", as they would say it (was: "không phải là số")."""
    p = await officer(db, clock, person)
    await p.text("/score 1.2")  # a count
    await p.text("2 cuộc")
    assert "Đã lưu 1.2" in p.reply.text, p.reply.text
    await p.text("/score 1.1.2")  # a ratio
    await p.text("9 trên 10 nhiệm vụ")
    assert "9/10" in p.reply.text
    await p.text("/score 1.1.1.a")  # a choice: words are the option's, never cut to a number
    await p.text("2 cuộc")
    got = await answers_of(db, "X01")
    assert got["1.2"] == {"number": "2"} and got["1.1.2"] == {"num": "9", "den": "10"}
    assert "1.1.1.a" not in got
