"""A real aiogram 3 bot, unchanged, against the emulator over HTTP (long polling)."""

from __future__ import annotations

import aiohttp

from emulator import BotApiEmulator, make_png

from .bots import running_aiogram
from .conftest import USER


async def test_start_press_edit_and_answer(relaxed_emu: BotApiEmulator) -> None:
    emu = relaxed_emu
    emu.user(USER, first_name="Lan", language_code="vi")
    async with running_aiogram(emu):
        sent = await emu.send_text(USER, "/start abc")
        assert sent["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]

        greeting = await emu.wait_for_text(USER, "Xin chào", timeout=5)
        assert greeting.text == "<b>Xin chào</b>, Lan! Mã: <code>abc</code>"
        assert greeting.plain == "Xin chào, Lan! Mã: abc"
        assert greeting.message["entities"][0] == {"type": "bold", "offset": 0, "length": 8}
        assert greeting.buttons == [
            [
                {"text": "Đồng ý", "callback_data": "agree"},
                {"text": "Huỷ", "callback_data": "cancel"},
            ]
        ]

        query = await emu.press(USER, text="Đồng ý")
        edited = await emu.wait_for(USER, lambda r: r.edited, timeout=5)
        assert edited.message_id == greeting.message_id
        assert edited.plain == "Đã đồng ý ✅"
        assert edited.buttons == []  # editing text without reply_markup drops the keyboard
        answer = await emu.wait_for_callback_answer(query["id"], timeout=5)
        assert answer.text == "Cảm ơn bạn!" and not answer.show_alert

    transcript = emu.transcript(USER)
    assert [r.direction for r in transcript] == ["user", "bot"]
    assert [r.message_id for r in transcript] == [1, 2]


async def test_forged_callback_data(relaxed_emu: BotApiEmulator) -> None:
    emu = relaxed_emu
    async with running_aiogram(emu):
        await emu.send_text(USER, "/start")
        await emu.wait_for_text(USER, "Xin chào", timeout=5)
        query = await emu.press_data(USER, "tampered:999")
        answer = await emu.wait_for_callback_answer(query["id"], timeout=5)
        assert answer.text == "Không hợp lệ: tampered:999" and answer.show_alert


async def test_document_download_and_send_back(relaxed_emu: BotApiEmulator) -> None:
    emu = relaxed_emu
    async with running_aiogram(emu):
        await emu.send_document(USER, "bao-cao.txt", b"xin chao", mime_type="text/plain")
        reply = await emu.wait_for(USER, lambda r: r.document is not None, timeout=5)
        assert reply.plain == "Đã nhận 8 byte"
        assert reply.document is not None and reply.document["file_name"] == "dao-nguoc.txt"

        # The bot's upload is downloadable through the Bot API file URL like any file.
        stored = emu.core.files.get(reply.document["file_id"])
        assert stored is not None
        url = f"{emu.base_url}/file/bot{emu.token}/{stored.file_path}"
        async with aiohttp.ClientSession() as http, http.get(url) as resp:
            assert await resp.read() == b"oahc nix"
    assert emu.calls_to("getFile")[0].status == 200


async def test_photo_by_file_id(relaxed_emu: BotApiEmulator) -> None:
    emu = relaxed_emu
    async with running_aiogram(emu):
        sent = await emu.send_photo(USER, make_png(640, 480), caption="ảnh")
        assert [(p["width"], p["height"]) for p in sent["photo"]] == [(320, 240), (640, 480)]
        reply = await emu.wait_for(USER, lambda r: r.photo is not None, timeout=5)
        assert reply.plain == "640x480"
        assert reply.photo is not None and reply.photo["file_id"] == sent["photo"][-1]["file_id"]


async def test_reply_keyboard_one_time(relaxed_emu: BotApiEmulator) -> None:
    emu = relaxed_emu
    async with running_aiogram(emu):
        await emu.send_text(USER, "keyboard")
        prompt = await emu.wait_for_text(USER, "Chọn một", timeout=5)
        assert prompt.reply_keyboard == [["Có", "Không"]]
        assert emu.reply_keyboard(USER) == [["Có", "Không"]]
        await emu.tap_keyboard(USER, "Có")
        assert emu.reply_keyboard(USER) is None  # one_time_keyboard hides it
        reply = await emu.wait_for_text(USER, "Bạn chọn: Có", timeout=5)
        assert reply.remove_keyboard
