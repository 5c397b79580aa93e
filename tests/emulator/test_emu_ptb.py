"""A real python-telegram-bot Application, unchanged, against the emulator (Updater polling)."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

from emulator import BotApiEmulator

from .bots import running_ptb
from .conftest import USER


async def test_start_press_edit_and_answer(relaxed_emu: BotApiEmulator) -> None:
    emu = relaxed_emu
    emu.user(USER, first_name="Minh")
    async with running_ptb(emu):
        await emu.send_text(USER, "/start xyz")
        greeting = await emu.wait_for_text(USER, "Xin chào", timeout=5)
        assert greeting.plain == "Xin chào, Minh! Mã: xyz"
        assert [b["text"] for b in greeting.buttons[0]] == ["Đồng ý", "Huỷ"]

        query = await emu.press(USER, text="Đồng ý")
        answer = await emu.wait_for_callback_answer(query["id"], timeout=5)
        assert answer.text == "Cảm ơn bạn!"
        edited = await emu.wait_for(USER, lambda r: r.edited, timeout=5)
        assert edited.plain == "Đã đồng ý ✅"

        await emu.send_text(USER, "chào bot")
        echo = await emu.wait_for_text(USER, "chào bot", timeout=5)
        assert echo.direction == "bot"
    # PTB's bootstrap deletes the webhook before polling, and confirms updates on shutdown.
    assert emu.calls_to("deleteWebhook")[0].status == 200
    assert not emu.core.updates.pending


async def test_document_roundtrip(relaxed_emu: BotApiEmulator) -> None:
    emu = relaxed_emu
    async with running_ptb(emu):
        await emu.send_document(USER, "minh-chung.pdf", b"%PDF-1.4 test")
        reply = await emu.wait_for(USER, lambda r: r.document is not None, timeout=5)
        assert reply.plain == "Đã nhận 13 byte"
        assert reply.spans[0].type == "italic"
        assert reply.document is not None
        stored = emu.core.files.get(reply.document["file_id"])
        assert stored is not None and stored.content == b"%PDF-1.4 test"[::-1]


# PTB itself warns about its RetryAfter.retry_after type change when formatting the message.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_ptb_exceptions(emu: BotApiEmulator) -> None:
    """PTB maps the emulator's answers to its own exception types."""
    bot = Bot(emu.token, base_url=f"{emu.base_url}/bot", base_file_url=f"{emu.base_url}/file/bot")
    async with bot:
        emu.user(USER)
        with pytest.raises(Forbidden, match="can't initiate conversation"):
            await bot.send_message(USER, "hi")
        await emu.send_text(USER, "/start")
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="d" * 65)]])
            await bot.send_message(USER, "x", reply_markup=markup)
        emu.inject_error("sendMessage", 502)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(USER, "ba")
        await bot.send_message(USER, "một")
        with pytest.raises(RetryAfter, match="Retry in 1 seconds"):
            await bot.send_message(USER, "hai")
    bad = Bot("999:WRONG", base_url=f"{emu.base_url}/bot")
    with pytest.raises(InvalidToken):
        await bad.get_me()
