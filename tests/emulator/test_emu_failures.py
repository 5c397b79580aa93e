"""Telegram's failure modes, as both the wire and aiogram's exception types see them."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from emulator import BotApiEmulator, RateLimiter

from .bots import aiogram_bot, raw
from .conftest import USER


async def test_cannot_message_before_start_and_after_block(emu: BotApiEmulator) -> None:
    emu.user(USER)
    async with aiogram_bot(emu) as bot:
        with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
            await bot.send_message(USER, "xin chào")
        await emu.send_text(USER, "/start")
        await bot.send_message(USER, "xin chào")

        emu.block(USER)
        with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
            await bot.send_chat_action(USER, "typing")
    kinds = [next(k for k in u if k != "update_id") for u in emu.core.updates.pending]
    assert kinds == ["message", "my_chat_member"]
    assert emu.core.updates.pending[-1]["my_chat_member"]["new_chat_member"]["status"] == "kicked"


async def test_unknown_chat(emu: BotApiEmulator) -> None:
    status, body = await raw(emu, "sendMessage", chat_id=777, text="hi")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    status, body = await raw(emu, "sendMessage", chat_id="@someone", text="hi")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")


async def test_text_validation(emu: BotApiEmulator) -> None:
    await emu.send_text(USER, "/start")
    async with aiogram_bot(emu) as bot:
        with pytest.raises(TelegramBadRequest, match="message text is empty"):
            await bot.send_message(USER, "")
        with pytest.raises(TelegramBadRequest, match="message text is empty"):
            await bot.send_message(USER, "<b> </b>")
        with pytest.raises(TelegramBadRequest, match="message is too long"):
            await bot.send_message(USER, "ă" * 4097, parse_mode=None)
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(USER, "<b>chưa đóng")
        with pytest.raises(TelegramBadRequest, match='Unsupported start tag "br"'):
            await bot.send_message(USER, "dòng 1<br>dòng 2")
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(USER, "1 < 2")
        with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
            markup = InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="ệ" * 22)]]
            )
            await bot.send_message(USER, "nút", reply_markup=markup)
        # Limits count text *after* entity parsing, and exactly 64 bytes of data is fine.
        ok_markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="d" * 64)]]
        )
        sent = await bot.send_message(USER, f"<b>{'a' * 4096}</b>", reply_markup=ok_markup)
        assert sent.text == "a" * 4096
    assert emu.stats.messages_delivered == 1


async def test_edit_errors(emu: BotApiEmulator) -> None:
    await emu.send_text(USER, "/start")
    async with aiogram_bot(emu) as bot:
        with pytest.raises(TelegramBadRequest, match="message to edit not found"):
            await bot.edit_message_text("mới", chat_id=USER, message_id=999)
        with pytest.raises(TelegramBadRequest, match="message can't be edited"):
            await bot.edit_message_text("mới", chat_id=USER, message_id=1)
        sent = await bot.send_message(USER, "<b>cũ</b>")
        with pytest.raises(TelegramBadRequest, match="message is not modified"):
            await bot.edit_message_text("<b>cũ</b>", chat_id=USER, message_id=sent.message_id)
        await bot.edit_message_text("<i>cũ</i>", chat_id=USER, message_id=sent.message_id)
        await bot.delete_message(USER, sent.message_id)
        with pytest.raises(TelegramBadRequest, match="message to delete not found"):
            await bot.delete_message(USER, sent.message_id)
    record = emu.transcript(USER)[-1]
    assert record.edited and record.deleted and record.plain == "cũ"


async def test_per_chat_rate_limit(emu: BotApiEmulator) -> None:
    await emu.send_text(USER, "/start")
    await emu.send_text(USER + 1, "/start")
    async with aiogram_bot(emu) as bot:
        await bot.send_message(USER, "một")
        with pytest.raises(TelegramRetryAfter) as exc:
            await bot.send_message(USER, "hai")
        assert exc.value.retry_after == 1
        await bot.send_message(USER + 1, "chat khác không bị giới hạn")
        await bot.edit_message_text("sửa không bị tính", chat_id=USER, message_id=2)
    status, body = await raw(emu, "sendMessage", chat_id=USER, text="ba")
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert emu.stats.rate_limited == 2
    assert emu.stats.messages_delivered == 2

    emu.rate_limit(False)
    await raw(emu, "sendMessage", chat_id=USER, text="bốn")
    assert emu.calls[-1].status == 200
    assert emu.stats.messages_delivered == 3


async def test_global_rate_limit() -> None:
    async with BotApiEmulator(global_rate=3, chat_rate=100) as emu:
        for user in range(1, 5):
            await emu.send_text(user, "/start")
        statuses = [(await raw(emu, "sendMessage", chat_id=u, text="x"))[0] for u in range(1, 5)]
        assert statuses == [200, 200, 200, 429]


def test_sliding_window_and_time_scale() -> None:
    now = [100.0]
    limiter = RateLimiter(chat_rate=2, window=1.0, time_scale=0.01, clock=lambda: now[0])
    for _ in range(2):
        assert limiter.check(1) is None
        limiter.record(1)
    assert limiter.check(1) == 1  # retry_after is in emulated seconds
    now[0] += 0.005  # half an emulated second
    assert limiter.check(1) == 1
    now[0] += 0.006  # the first message left the (10 ms real) window
    assert limiter.check(1) is None


async def test_injected_5xx_and_delay(emu: BotApiEmulator) -> None:
    emu.inject_error("getMe", 502)
    async with aiogram_bot(emu) as bot:
        with pytest.raises(TelegramServerError, match="Bad Gateway"):
            await bot.get_me()
        assert (await bot.get_me()).username == emu.username  # count=1: next call works

        emu.inject_delay("getMe", 2.0)
        with pytest.raises(TelegramNetworkError, match="timeout"):
            await bot.get_me(request_timeout=0.2)
    status, _ = await raw(emu, "getMe")
    assert status == 200

    emu.inject_error("*", 504, count=None, html_body=True)
    url = f"{emu.base_url}/bot{emu.token}/getMe"
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        assert resp.status == 504 and "<html>" in await resp.text()
    emu.clear_faults()
    assert emu.stats.injected_errors == 2 and emu.stats.injected_delays == 1


async def test_unknown_method_and_wrong_token(emu: BotApiEmulator) -> None:
    status, body = await raw(emu, "sendTelepathy")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    status, body = await raw(emu, "getMe", token="123456:WRONG")
    assert (status, body["description"]) == (401, "Unauthorized")
    status, body = await raw(emu, "GETME")  # method names are case-insensitive
    assert status == 200 and body["result"]["is_bot"] is True
    async with aiogram_bot(BotApiEmulatorView(emu, "1:nope")) as bot:  # type: ignore[arg-type]
        with pytest.raises(TelegramUnauthorizedError):
            await bot.get_me()


class BotApiEmulatorView:
    """Points a client at the emulator's URL with a different token."""

    def __init__(self, emu: BotApiEmulator, token: str) -> None:
        self.base_url = emu.base_url
        self.token = token


async def test_wire_encodings(emu: BotApiEmulator) -> None:
    """GET query strings and urlencoded forms with JSON-string fields work like JSON bodies."""
    await emu.send_text(USER, "/start")
    markup = '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}'
    url = f"{emu.base_url}/bot{emu.token}/sendMessage"
    async with aiohttp.ClientSession() as http:
        async with http.post(
            url, data={"chat_id": str(USER), "text": "form", "reply_markup": markup}
        ) as resp:
            body = await resp.json()
            assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
        emu.rate_limit(False)
        params = {"chat_id": str(USER), "text": "<i>get</i>", "parse_mode": "HTML"}
        async with http.get(url, params=params) as resp:
            body = await resp.json()
            assert body["result"]["entities"] == [{"type": "italic", "offset": 0, "length": 3}]
        async with http.post(url, data={"chat_id": str(USER), "reply_markup": "{oops"}) as resp:
            assert resp.status == 400
    sent = emu.calls_to("sendMessage")[0]
    assert sent.params["chat_id"] == USER and isinstance(sent.params["reply_markup"], dict)


async def test_get_file_limits(emu: BotApiEmulator) -> None:
    message = await emu.send_document(USER, "lon.pdf", b"%PDF", declared_size=25 * 1024 * 1024)
    assert message["document"]["file_size"] == 25 * 1024 * 1024
    async with aiogram_bot(emu) as bot:
        with pytest.raises(TelegramBadRequest, match="file is too big"):
            await bot.get_file(message["document"]["file_id"])
        with pytest.raises(TelegramBadRequest, match="invalid file_id"):
            await bot.get_file("nope")
