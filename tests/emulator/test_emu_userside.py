"""The Python user-side API: pressing, waiting, diagnostics, and less common Bot API methods."""

from __future__ import annotations

import pytest
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
)
from telegram import Bot as PtbBot

from emulator import BotApiEmulator

from .bots import aiogram_bot
from .conftest import USER

MARKUP = {
    "inline_keyboard": [
        [{"text": "Có", "callback_data": "yes"}, {"text": "Web", "url": "https://x.vn"}]
    ]
}


async def test_press_reports_available_buttons(emu: BotApiEmulator) -> None:
    await emu.send_text(USER, "/start")
    await emu.call("sendMessage", chat_id=USER, text="Hỏi", reply_markup=MARKUP)
    with pytest.raises(AssertionError, match=r"available buttons .*\['Có', 'Web'\]"):
        await emu.press(USER, text="Không")
    with pytest.raises(AssertionError, match="not callback"):
        await emu.press(USER, text="Web")
    query = await emu.press(USER, data="yes")
    assert query["data"] == "yes" and query["message"]["text"] == "Hỏi"
    assert query["from"]["id"] == USER


async def test_press_requires_started_chat(emu: BotApiEmulator) -> None:
    emu.user(USER)
    with pytest.raises(AssertionError, match="has not started"):
        await emu.press(USER, text="x")


async def test_wait_for_timeout_shows_transcript_and_failures(emu: BotApiEmulator) -> None:
    await emu.send_text(USER, "/start")
    await emu.call("sendMessage", chat_id=USER, text="<b>hỏng", parse_mode="HTML")
    with pytest.raises(AssertionError) as exc:
        await emu.wait_for_text(USER, "không bao giờ", timeout=0.05)
    report = str(exc.value)
    assert "text containing 'không bao giờ'" in report
    assert "#0 user m1: '/start'" in report
    assert "sendMessage -> 400" in report


async def test_wait_for_since_index_and_edits(emu: BotApiEmulator) -> None:
    await emu.send_text(USER, "/start")
    await emu.call("sendMessage", chat_id=USER, text="một", reply_markup=MARKUP)
    await emu.call("sendMessage", chat_id=USER, text="hai")
    await emu.send_text(USER, "tiếp")
    # after the last user action nothing matched yet; since=0 sees older messages
    found = await emu.wait_for(USER, lambda r: r.plain == "một", since=0, timeout=1)
    assert found.index == 1
    await emu.call("editMessageReplyMarkup", chat_id=USER, message_id=2)
    edited = await emu.wait_for(USER, lambda r: r.message_id == 2, timeout=1)
    assert edited.buttons == [] and edited.edited


async def test_block_unblock_and_restart(emu: BotApiEmulator) -> None:
    await emu.send_text(USER, "/start")
    emu.block(USER)
    response = await emu.call("sendMessage", chat_id=USER, text="x")
    assert response.status == 403
    await emu.send_text(USER, "/start")  # writing again restarts (unblocks) the bot
    response = await emu.call("sendMessage", chat_id=USER, text="x")
    assert response.status == 200
    statuses = [
        u["my_chat_member"]["new_chat_member"]["status"]
        for u in emu.core.updates.pending
        if "my_chat_member" in u
    ]
    assert statuses == ["kicked", "member"]


async def test_media_group_and_declared_size(emu: BotApiEmulator) -> None:
    first = await emu.send_document(USER, "a.pdf", b"1", media_group_id="g1")
    second = await emu.send_document(USER, "b.pdf", b"2", media_group_id="g1", declared_size=99)
    assert first["media_group_id"] == second["media_group_id"] == "g1"
    assert second["document"]["file_size"] == 99
    assert [r.media_group_id for r in emu.transcript(USER)] == ["g1", "g1"]


async def test_aiogram_misc_methods(emu: BotApiEmulator) -> None:
    """Less common methods return objects aiogram's strict models accept."""
    await emu.send_text(USER, "/start")
    async with aiogram_bot(emu) as bot:
        chat = await bot.get_chat(USER)
        assert chat.type == "private" and chat.id == USER
        commands = [BotCommand(command="start", description="Bắt đầu")]
        assert await bot.set_my_commands(commands)
        scope = BotCommandScopeChat(chat_id=USER)
        assert await bot.set_my_commands([BotCommand(command="nop", description="Nộp")], scope)
        assert [c.command for c in await bot.get_my_commands()] == ["start"]
        assert [c["command"] for c in emu.commands_for(USER)] == ["nop"]
        assert await bot.delete_my_commands(scope)
        assert [c["command"] for c in emu.commands_for(USER)] == ["start"]
        assert await bot.set_chat_menu_button(chat_id=USER, menu_button=MenuButtonCommands())
        assert await bot.send_chat_action(USER, "typing")
        info = await bot.get_webhook_info()
        assert info.url == "" and info.pending_update_count == 1
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
        )
        sent = await bot.send_message(USER, "x", reply_markup=markup)
        edited = await bot.edit_message_reply_markup(
            chat_id=USER, message_id=sent.message_id, reply_markup=None
        )
        assert not isinstance(edited, bool) and edited.reply_markup is None
        assert await bot.set_my_description("Bot chỉ số CCHC")
        assert (await bot.get_my_description()).description == "Bot chỉ số CCHC"
        assert (await bot.get_my_name()).name == "PAR Bot"
        assert await bot.log_out() and await bot.close()


async def test_ptb_misc_methods(emu: BotApiEmulator) -> None:
    await emu.send_text(USER, "/start")
    bot = PtbBot(emu.token, base_url=f"{emu.base_url}/bot")
    async with bot:
        chat = await bot.get_chat(USER)
        assert chat.type == "private" and chat.first_name == "User 42"
        assert await bot.set_my_commands([("start", "Bắt đầu")])
        assert [c.command for c in await bot.get_my_commands()] == ["start"]
        assert await bot.send_chat_action(USER, "upload_document")
        me = await bot.get_me()
        assert me.username == "parbot_demo_bot" and me.is_bot


async def test_an_update_keeps_the_message_as_it_was_when_the_user_acted(
    emu: BotApiEmulator,
) -> None:
    """The update carries a copy: the bot editing the message afterwards does not reach an
    update already queued."""
    await emu.send_text(USER, "/start")
    sent = (await emu.call("sendMessage", chat_id=USER, text="Hỏi", reply_markup=MARKUP)).body
    assert isinstance(sent, dict)
    await emu.press(USER, data="yes")
    mid = sent["result"]["message_id"]
    await emu.call("editMessageText", chat_id=USER, message_id=mid, text="Đã sửa")
    updates = _results(await emu.call("getUpdates"))
    assert [u["message"]["text"] for u in updates if "message" in u] == ["/start"]
    (query,) = [u["callback_query"] for u in updates if "callback_query" in u]
    assert query["message"]["text"] == "Hỏi"
    assert query["message"]["reply_markup"] == MARKUP


def _results(response: object) -> list[dict[str, object]]:
    body = getattr(response, "body", None)
    assert isinstance(body, dict) and body["ok"], response
    result: list[dict[str, object]] = body["result"]
    return result
