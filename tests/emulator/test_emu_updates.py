"""getUpdates offset/timeout/conflict semantics and webhook delivery."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from emulator import BotApiEmulator

from .bots import raw
from .conftest import USER


async def test_offset_confirms_and_drops(emu: BotApiEmulator) -> None:
    for text in ("một", "hai", "ba"):
        await emu.send_text(USER, text)
    _, body = await raw(emu, "getUpdates")
    ids = [u["update_id"] for u in body["result"]]
    assert len(ids) == 3
    assert [u["message"]["text"] for u in body["result"]] == ["một", "hai", "ba"]

    _, body = await raw(emu, "getUpdates", limit=1)
    assert [u["update_id"] for u in body["result"]] == ids[:1]  # not confirmed yet

    _, body = await raw(emu, "getUpdates", offset=ids[1])
    assert [u["update_id"] for u in body["result"]] == ids[1:]

    _, body = await raw(emu, "getUpdates", offset=-1)
    assert [u["update_id"] for u in body["result"]] == ids[2:]

    _, body = await raw(emu, "getUpdates", offset=ids[2] + 1)
    assert body["result"] == []
    assert emu.stats.updates_confirmed == 3


async def test_long_poll_wakes_on_update(emu: BotApiEmulator) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(raw(emu, "getUpdates", timeout=20))
    await emu.wait_until(lambda: emu.stats.by_method["getUpdates"] == 1, 5)
    await emu.send_text(USER, "dậy đi")
    status, body = await asyncio.wait_for(poll, 5)
    assert status == 200 and body["result"][0]["message"]["text"] == "dậy đi"
    assert loop.time() - started < 5


async def test_long_poll_timeout_is_honoured(emu: BotApiEmulator) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    status, body = await raw(emu, "getUpdates", timeout=1)
    elapsed = loop.time() - started
    assert (status, body["result"]) == (200, [])
    assert 0.9 <= elapsed < 3


async def test_second_poller_terminates_first(emu: BotApiEmulator) -> None:
    first = asyncio.create_task(raw(emu, "getUpdates", timeout=10))
    await emu.wait_until(lambda: emu.stats.by_method["getUpdates"] == 1, 5)
    status, _ = await raw(emu, "getUpdates", timeout=0)
    assert status == 200
    status, body = await asyncio.wait_for(first, 5)
    assert status == 409 and "terminated by other getUpdates request" in body["description"]


async def test_allowed_updates_filter(emu: BotApiEmulator) -> None:
    await raw(emu, "getUpdates", allowed_updates=["message"])
    await emu.send_text(USER, "/start")
    await emu.call(
        "sendMessage",
        chat_id=USER,
        text="chọn",
        reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
    )
    await emu.press(USER, text="A")
    _, body = await raw(emu, "getUpdates")
    assert [k for u in body["result"] for k in u if k != "update_id"] == ["message"]


async def test_stop_releases_long_poll() -> None:
    emu = BotApiEmulator()
    await emu.start()
    poll = asyncio.create_task(raw(emu, "getUpdates", timeout=30))
    await emu.wait_until(lambda: emu.stats.by_method["getUpdates"] == 1, 5)
    await asyncio.wait_for(emu.stop(), 5)
    status, body = await asyncio.wait_for(poll, 5)
    assert status == 200 and body["result"] == []


@pytest.fixture
async def webhook_receiver() -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A local HTTP endpoint recording updates; replies to "ping" via the response body."""
    received: list[dict[str, Any]] = []

    async def handle(request: web.Request) -> web.Response:
        update = await request.json()
        received.append(
            {"secret": request.headers.get("X-Telegram-Bot-Api-Secret-Token"), **update}
        )
        message = update.get("message") or {}
        if message.get("text") == "ping":
            reply = {"method": "sendMessage", "chat_id": message["chat"]["id"], "text": "pong"}
            return web.json_response(reply)
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/hook", received
    await runner.cleanup()


async def test_webhook_delivery(
    emu: BotApiEmulator, webhook_receiver: tuple[str, list[dict[str, Any]]]
) -> None:
    url, received = webhook_receiver
    await emu.send_text(USER, "cũ")
    status, body = await raw(
        emu, "setWebhook", url=url, secret_token="s3cret", drop_pending_updates=True
    )
    assert (status, body["description"]) == (200, "Webhook was set")

    status, body = await raw(emu, "getUpdates")
    assert status == 409 and "webhook is active" in body["description"]

    await emu.send_text(USER, "ping")
    pong = await emu.wait_for_text(USER, "pong", timeout=5)
    assert pong.direction == "bot"
    assert [(r["secret"], r["message"]["text"]) for r in received] == [("s3cret", "ping")]

    _, body = await raw(emu, "getWebhookInfo")
    assert body["result"]["url"] == url and body["result"]["pending_update_count"] == 0

    _, body = await raw(emu, "deleteWebhook")
    assert body["description"] == "Webhook was deleted"
    _, body = await raw(emu, "getWebhookInfo")
    assert body["result"]["url"] == ""


async def test_webhook_failure_is_reported(emu: BotApiEmulator) -> None:
    await raw(emu, "setWebhook", url="http://127.0.0.1:9/unreachable")
    await emu.send_text(USER, "hello")
    await emu.wait_until(lambda: emu.stats.webhook_failures > 0, 5, what="a failed delivery")
    _, body = await raw(emu, "getWebhookInfo")
    info = body["result"]
    assert info["pending_update_count"] == 1 and "last_error_message" in info
    assert json.dumps(info)  # serializable
