"""Issue 16, findings 4 and 10 through the emulator, on both runtimes.

Finding 4: every role sees only what it can do — reply keyboard, the per-chat "/" menu, the
welcome and /help — and no registered role is ever told it is "not registered". Finding 10: the
appraiser is told when assigned in chat, an unassigned appraiser is pointed to the chat command,
and a broadcast names the units in its audience that nobody can receive.
"""

from __future__ import annotations

from tests.e2e.harness import Chat

X01 = "UBND xã Canh Thuận"
X02 = "UBND xã Canh Hiệp"
NOT_REGISTERED = "chưa được đăng ký"


async def joined(stack, user_id: int, name: str, unit: str | None, role: str):
    chat = stack.chat(user_id, name, lang="vi")
    rec = await chat.send(f"/start {await stack.invite(unit, role)}", expect="✅")
    return chat, rec


def menu(stack, user_id: int) -> list[str]:
    return [c["command"] for c in stack.emu.commands_for(user_id)]


def keys(stack, user_id: int) -> list[str]:
    return [k for row in stack.emu.reply_keyboard(user_id) for k in row]


async def test_every_role_sees_only_what_it_can_do(stack):
    admin, welcome_admin = await joined(stack, 9301, "Nội vụ", None, "admin")
    leader, welcome_leader = await joined(stack, 9302, "Hùng", "X01", "leader")
    officer, welcome_officer = await joined(stack, 9303, "Lan", "X01", "officer")
    appraiser, welcome_appraiser = await joined(stack, 9304, "Thẩm", None, "appraiser")

    # the welcome only names buttons the role has
    assert "Chấm điểm" in welcome_officer.plain
    for rec in (welcome_admin, welcome_leader, welcome_appraiser):
        assert "Chấm điểm" not in rec.plain, rec.plain
    assert "/review" in welcome_appraiser.plain
    assert "/broadcast" in welcome_admin.plain
    # …and so does the welcome back of a plain /start
    for chat, role_hint in ((admin, "/broadcast"), (leader, "/rank"), (appraiser, "/review")):
        rec = await chat.send("/start", expect=role_hint)
        assert "Chấm điểm" not in rec.plain, rec.plain
    rec = await officer.send("/start", expect="Chấm điểm")

    # the per-chat command menu follows the role
    assert {"broadcast", "publish", "review", "access"} <= set(menu(stack, 9301))
    assert "score" not in menu(stack, 9301) and "submit" not in menu(stack, 9301)
    assert {"score", "submit", "withdraw", "progress"} <= set(menu(stack, 9303))
    assert "review" in menu(stack, 9304)
    assert not {"score", "submit", "progress", "withdraw"} & set(menu(stack, 9304))
    assert not {"score", "submit", "withdraw"} & set(menu(stack, 9302))
    assert "🔍 Thẩm định" in keys(stack, 9301) and "📝 Chấm điểm" not in keys(stack, 9301)
    assert "📝 Chấm điểm" not in keys(stack, 9304)

    # /help shows only what the role can do
    rec = await appraiser.send("/help", expect="/review")
    assert "/score" not in rec.plain and "/submit" not in rec.plain
    rec = await admin.send("/help", expect="/broadcast")
    assert "/publish" in rec.plain and "/score" not in rec.plain
    rec = await officer.send("/help", expect="/score")
    assert "/withdraw" in rec.plain and "/broadcast" not in rec.plain

    # the admin's "📊 Tiến độ" is a board-wide summary, not "not registered"
    rec = await admin.send("📊 Tiến độ", expect=X01)
    assert X02 in rec.plain and NOT_REGISTERED not in rec.plain
    # a leader's /submit: only officers submit, and what the leader can do instead
    rec = await leader.send("/submit", expect="cán bộ đầu mối")
    assert NOT_REGISTERED not in rec.plain and "/progress" in rec.plain
    # an appraiser's /progress, /score and /submit point to /review
    for cmd in ("/progress", "/score", "/submit"):
        rec = await appraiser.send(cmd, expect="/review")
        assert NOT_REGISTERED not in rec.plain, (cmd, rec.plain)
    rec = await appraiser.send("/rank", expect="/review")
    assert "đường link mời" not in rec.plain, rec.plain
    rec = await admin.send("/score", expect="/progress")
    assert NOT_REGISTERED not in rec.plain
    # nothing understood: nobody but an officer is told to tap 📝 Chấm điểm
    for chat in (admin, leader, appraiser):
        rec = await chat.send("xin chào bot", expect="/help")
        assert "Chấm điểm" not in rec.plain, rec.plain
    rec = await officer.send("xin chào bot", expect="/help")
    assert "Chấm điểm" in rec.plain

    # the "/" menu follows a change of language too
    described = {c["command"]: c["description"] for c in stack.emu.commands_for(9303)}
    assert described["withdraw"] == "Rút lại bản đã nộp để sửa"
    await officer.send("/lang", expect="Chọn ngôn ngữ")
    await officer.press("🇬🇧 English", expect="Language set to English")
    described = {c["command"]: c["description"] for c in stack.emu.commands_for(9303)}
    assert described["withdraw"] == "Withdraw the submission to correct it"


async def test_assigning_an_appraiser_in_chat_tells_them(stack):
    admin, _ = await joined(stack, 9311, "Nội vụ", None, "admin")
    appraiser, _ = await joined(stack, 9312, "Thẩm", None, "appraiser")

    rec = await appraiser.send("/review", expect="/review assign")
    assert "parbot" not in rec.plain

    await admin.send("/review assign 9312 2 commune", expect="✅")
    notice = await stack.emu.wait_for_text(9312, "Cải cách thể chế", 20, since=0)
    assert "/review" in notice.plain and "thẩm định" in notice.plain.lower()
    assert "review" in menu(stack, 9312)

    # a person who was not yet an appraiser gets the role, the menu and the keyboard with it
    await joined(stack, 9313, "Hùng", "X01", "leader")
    assert "review" not in menu(stack, 9313)
    await admin.send("/review assign 9313 2 commune", expect="✅")
    await stack.emu.wait_for_text(9313, "Cải cách thể chế", 20, since=0)
    await stack.emu.wait_until(lambda: "review" in menu(stack, 9313), 20, what="the new menu")
    assert "🔍 Thẩm định" in keys(stack, 9313)


async def press_like(chat: Chat, part: str, expect: str | None = None):
    for row in chat.last.buttons:
        for b in row:
            if part in b["text"]:
                await chat.emu.press(chat.user_id, data=b["callback_data"])
                return await chat._wait(expect, 15)
    raise AssertionError(f"no button with {part!r} in {chat.last.buttons}")


async def test_broadcast_names_units_nobody_receives_and_reminds_the_silent(stack):
    admin, _ = await joined(stack, 9321, "Nội vụ", None, "admin")
    await joined(stack, 9322, "Lan", "X01", "officer")
    await admin.send("/broadcast Họp giao ban thứ sáu", expect="Gửi thông báo này cho ai")
    rec = await press_like(admin, "Bảng 2", expect="Người nhận")
    # X02 has nobody registered: the admin is told before sending
    assert X02 in rec.plain and "chưa có ai" in rec.plain, rec.plain
    rec = await press_like(admin, "Gửi cho 1", expect="Thông báo #")
    await stack.emu.wait_for_text(9322, "Họp giao ban", 20, since=0)
    rec = await press_like(admin, "🔄", expect="Chưa xác nhận")
    assert "Lan" in rec.plain, rec.plain
    before = notices(stack, 9322)
    rec = await press_like(admin, "🔔", expect="Đã nhắc")
    await stack.emu.wait_until(lambda: notices(stack, 9322) > before, 20, what="the reminder")


def notices(stack, user_id: int) -> int:
    return sum(
        1
        for r in stack.emu.transcript(user_id)
        if r.direction == "bot" and "Họp giao ban" in (r.plain or "")
    )


async def test_no_internal_id_or_english_key_in_messages(stack):
    """Finding 3: options by their labels, boards and fields by their titles, in each language."""
    officer, _ = await joined(stack, 9331, "Lan", "X01", "officer")
    await officer.send("/score", expect="1.1.1.a")
    rec = await officer.send("khá tốt", expect="khá tốt")
    assert "Đầy đủ nội dung" in rec.plain and "Chưa đầy đủ" in rec.plain, rec.plain
    assert "day_du" not in rec.plain and "chua_day_du" not in rec.plain

    admin, _ = await joined(stack, 9332, "Nội vụ", None, "admin")
    rec = await admin.send("/export", expect="/export ranking")
    assert "Bảng 1" in rec.plain and "department" not in rec.plain and "commune" not in rec.plain
    rec = await admin.send("/export ranking xyz", expect="xyz")
    assert "Bảng 2" in rec.plain and "department" not in rec.plain
    rec = await admin.send("/review status", expect="Lĩnh vực")
    assert "Điểm thưởng" in rec.plain and "bonus" not in rec.plain and "penalty" not in rec.plain
    # a field that does not exist: the choices as a Vietnamese reader types them
    rec = await admin.send("/review assign 9331 42", expect="42")
    assert "thưởng, trừ" in rec.plain and "bonus" not in rec.plain, rec.plain
    rec = await admin.send("/review assign 9331 thưởng", expect="✅")
    assert "Điểm thưởng" in rec.plain and "bonus" not in rec.plain

    # English mode: the catalog's English titles, not the Vietnamese ones
    en = stack.chat(9333, "Ann", lang="en")
    await en.send(f"/start {await stack.invite('X02', 'officer')}", expect="✅")
    rec = await en.send("/progress", expect="progress")
    assert "Direction and management of PAR" in rec.plain, rec.plain
    assert "Cải cách thể chế" not in rec.plain
    await en.send("/score", expect="1.1.1.a")
    rec = await en.send("rather good", expect="rather good")
    assert "day_du" not in rec.plain
