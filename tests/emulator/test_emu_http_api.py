"""The user-side HTTP API under /_emu/ (what the web chat page uses) and the static page."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from emulator import BotApiEmulator, make_png

from .bots import running_aiogram
from .conftest import USER


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def get_json(http: aiohttp.ClientSession, url: str) -> Any:
    async with http.get(url) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


async def post_json(http: aiohttp.ClientSession, url: str, body: Any) -> Any:
    async with http.post(url, json=body) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


async def test_send_text_and_read_transcript(
    relaxed_emu: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    emu = relaxed_emu
    base = f"{emu.base_url}/_emu/chats/{USER}"
    async with running_aiogram(emu):
        sent = await post_json(http, f"{base}/send", {"text": "/start demo"})
        assert sent["direction"] == "user" and sent["text"] == "/start demo"
        cursor = sent["seq"]

        # Long poll: returns as soon as the bot's reply lands.
        data = await get_json(http, f"{base}/transcript?since={cursor}&timeout=10")
        reply = data["records"][0]
        assert reply["direction"] == "bot"
        assert reply["plain"] == "Xin chào, User 42! Mã: demo"
        assert reply["html"] == "<b>Xin chào</b>, User 42! Mã: <code>demo</code>"
        assert [b["callback_data"] for b in reply["buttons"][0]] == ["agree", "cancel"]
        assert data["started"] is True and data["blocked"] is False

        result = await post_json(
            http, f"{base}/press", {"message_id": reply["message_id"], "callback_data": "agree"}
        )
        assert result["callback_query_id"]
        await emu.wait_for_callback_answer(result["callback_query_id"], timeout=5)
        await emu.wait_for(USER, lambda r: r.edited, timeout=5)
        data = await get_json(http, f"{base}/transcript?since={data['seq']}")
        assert [r["plain"] for r in data["records"]] == ["Đã đồng ý ✅"]
        assert data["records"][0]["edited"] is True
        assert data["alerts"] == [{"text": "Cảm ơn bạn!", "show_alert": False, "url": None}]

        full = await get_json(http, f"{base}/transcript?since=0")
        assert [r["message_id"] for r in full["records"]] == [1, 2]


async def test_press_by_text_and_unknown_button(
    relaxed_emu: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    emu = relaxed_emu
    base = f"{emu.base_url}/_emu/chats/{USER}"
    async with running_aiogram(emu):
        await emu.send_text(USER, "/start")
        await emu.wait_for_text(USER, "Xin chào", timeout=5)
        await post_json(http, f"{base}/press", {"text": "Đồng ý"})
        await emu.wait_for(USER, lambda r: r.edited, timeout=5)
        async with http.post(f"{base}/press", json={"text": "Không có"}) as resp:
            assert resp.status == 404
            assert "available buttons" in (await resp.json())["error"]


async def test_upload_document_and_photo(
    relaxed_emu: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    emu = relaxed_emu
    base = f"{emu.base_url}/_emu/chats/{USER}"
    async with running_aiogram(emu):
        form = aiohttp.FormData()
        form.add_field("file", b"noi dung", filename="tài-liệu.txt", content_type="text/plain")
        form.add_field("caption", "minh chứng")
        async with http.post(f"{base}/upload", data=form) as resp:
            record = await resp.json()
        assert record["document"]["file_name"] == "tài-liệu.txt"
        assert record["plain"] == "minh chứng"
        reply = await emu.wait_for(USER, lambda r: r.document is not None, timeout=5)
        assert reply.plain == "Đã nhận 8 byte"

        # the page downloads files through /_emu/files/<file_id>
        async with http.get(f"{emu.base_url}{record['document']['url']}") as resp:
            assert await resp.read() == b"noi dung"
            assert "filename*=UTF-8''t%C3%A0i" in resp.headers["Content-Disposition"]

        form = aiohttp.FormData()
        form.add_field("file", make_png(100, 50), filename="a.png", content_type="image/png")
        form.add_field("as_photo", "1")
        async with http.post(f"{base}/upload", data=form) as resp:
            record = await resp.json()
        assert (record["photo"]["width"], record["photo"]["height"]) == (100, 50)
        await emu.wait_for_text(USER, "100x50", timeout=5)


async def test_personas_users_and_commands(
    emu: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    emu.set_personas(
        [
            {"user_id": 1001, "name": "Chị Lan", "description": "Cán bộ Sở Nội vụ"},
            {
                "user_id": 1002,
                "name": "Anh Minh",
                "description": "Cán bộ xã",
                "language_code": "en",
            },
        ]
    )
    personas = await get_json(http, f"{emu.base_url}/_emu/personas")
    assert [p["name"] for p in personas] == ["Chị Lan", "Anh Minh"]
    users = await get_json(http, f"{emu.base_url}/_emu/users")
    assert {u["id"]: u["started"] for u in users} == {1001: False, 1002: False}

    await emu.call(
        "setMyCommands",
        commands=[{"command": "start", "description": "Bắt đầu"}],
    )
    await emu.call(
        "setMyCommands",
        commands=[{"command": "start", "description": "Start"}],
        language_code="en",
    )
    vi = await get_json(http, f"{emu.base_url}/_emu/commands?user_id=1001")
    en = await get_json(http, f"{emu.base_url}/_emu/commands?user_id=1002")
    assert (vi[0]["description"], en[0]["description"]) == ("Bắt đầu", "Start")

    bot = await get_json(http, f"{emu.base_url}/_emu/bot")
    assert bot["username"] == "parbot_demo_bot"


async def test_transcript_reports_chat_action(
    emu: BotApiEmulator, http: aiohttp.ClientSession
) -> None:
    await emu.send_text(USER, "/start")
    first = await get_json(http, f"{emu.base_url}/_emu/chats/{USER}/transcript")
    url = f"{emu.base_url}/_emu/chats/{USER}/transcript?since={first['seq']}&timeout=20"
    poll = asyncio.create_task(get_json(http, url))
    await emu.call("sendChatAction", chat_id=USER, action="typing")
    data = await asyncio.wait_for(poll, 5)
    assert data["action"] == "typing" and data["records"] == []


async def test_static_page(emu: BotApiEmulator, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{emu.base_url}/") as resp:
        page = await resp.text()
        assert resp.status == 200 and resp.content_type == "text/html"
    assert '<meta charset="utf-8">' in page and "static/app.js" in page
    assert 'name="viewport"' in page
    for asset in ("app.js", "style.css"):
        async with http.get(f"{emu.base_url}/static/{asset}") as resp:
            assert resp.status == 200


async def test_separate_web_port(http: aiohttp.ClientSession) -> None:
    async with BotApiEmulator(web_port=0) as emu:
        assert emu.web_url != f"{emu.base_url}/"
        await emu.send_text(USER, "xin chào")
        data = await get_json(http, f"{emu.web_url}_emu/chats/{USER}/transcript")
        assert data["records"][0]["text"] == "xin chào"
