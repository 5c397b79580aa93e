"""delivery.http_transport (the ptb runtime's replies: plain JSON over aiohttp) against the Bot
API emulator over real HTTP: each kind of refusal becomes the DeliveryError the Sender's rules
expect, and what it sends — markup, captions, UTF-8 file names — arrives as Telegram would
show it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from conversations.replies import Button, OutgoingFile, Reply
from delivery.http_transport import HttpTransport
from delivery.sender import DeliveryError
from emulator.server import BotApiEmulator

USER = 5151


@pytest.fixture
async def world() -> AsyncIterator[tuple[BotApiEmulator, HttpTransport]]:
    async with BotApiEmulator(rate_limits=False) as emu:
        emu.user(USER, first_name="Lan")
        await emu.send_text(USER, "/start")
        http = HttpTransport(emu.base_url, emu.token)
        try:
            yield emu, http
        finally:
            await http.close()


@pytest.mark.parametrize(
    ("status", "extra", "kind"),
    [
        (429, {"parameters": {"retry_after": 7}}, "rate_limited"),
        (403, {"description": "Forbidden: bot was blocked by the user"}, "forbidden"),
        (400, {"description": "Bad Request: can't parse entities"}, "bad_request"),
        (502, {}, "server"),
        (504, {"html_body": True}, "server"),  # a proxy's HTML page, not JSON
    ],
)
async def test_refusals_become_the_senders_error_kinds(world, status, extra, kind) -> None:
    emu, http = world
    emu.inject_error("sendMessage", status, **extra)
    with pytest.raises(DeliveryError) as err:
        await http.send(USER, Reply("xin chào"))
    assert err.value.kind == kind
    if status == 429:
        assert err.value.retry_after == 7.0
    assert await http.send(USER, Reply("lần hai")) > 0  # the next call goes through


async def test_unreachable_server_is_a_network_error() -> None:
    http = HttpTransport("http://127.0.0.1:9", "1:x", io_timeout=2)
    try:
        with pytest.raises(DeliveryError) as err:
            await http.send(USER, Reply("x"))
        assert err.value.kind == "network"
    finally:
        await http.close()


async def test_buttons_edits_and_callbacks_arrive_as_sent(world) -> None:
    emu, http = world
    reply = Reply(
        "<b>4.1</b> · Chọn",
        buttons=((Button("1. Đạt · 1 điểm", "a:1:2:3:4"), Button("Mở", url="https://x.vn/a")),),
    )
    mid = await http.send(USER, reply)
    got = emu.last_bot_message(USER)
    assert got is not None
    assert got.message_id == mid and "4.1" in got.plain
    assert got.buttons[0][0]["callback_data"] == "a:1:2:3:4"
    assert got.buttons[0][1]["url"] == "https://x.vn/a"
    assert await http.edit(USER, mid, Reply("đã lưu")) == mid
    edited = emu.last_bot_message(USER)
    assert edited is not None and edited.plain == "đã lưu"
    with pytest.raises(DeliveryError) as err:  # a query that does not exist: refused, typed
        await http.answer_callback("no-such-query", "ok", False)
    assert err.value.kind == "bad_request"


async def test_documents_keep_their_utf8_names_and_come_back_intact(world, tmp_path) -> None:
    emu, http = world
    name = 'Báo cáo "năm" 2024.pdf'
    path = tmp_path / "f.pdf"
    path.write_bytes(b"%PDF-1.4 demo")
    await http.send(USER, Reply("Kèm theo", document=OutgoingFile(str(path), name)))
    doc = emu.last_bot_message(USER)
    assert doc is not None and doc.document is not None and doc.document["file_name"] == name
    assert doc.plain == "Kèm theo"
    back = tmp_path / "back.pdf"
    await http.download(doc.document["file_id"], back)
    assert back.read_bytes() == path.read_bytes()
