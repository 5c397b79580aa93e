"""Hostile requests to the real webhook server (real HTTP, the emulator as Telegram): each is
refused with the right status and one log line, never a traceback, never a 5xx that Telegram
would redeliver forever, and never holds a connection past the read timeout."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.runtime import serve
from bot.settings import load_settings
from emulator.server import BotApiEmulator
from tests.ports import free_port

SECRET = "hardening-secret-123"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TIMEOUT = 1.0  # PARBOT_WEBHOOK_READ_TIMEOUT for these tests (10 s in production)


@dataclass
class Webhook:
    emu: BotApiEmulator
    port: int
    db_file: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"

    async def post(self, body: bytes) -> int:
        headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, data=body, headers=headers) as resp,
        ):
            return resp.status

    def processed(self) -> int:
        with contextlib.closing(sqlite3.connect(self.db_file)) as conn:
            return int(conn.execute("SELECT count(*) FROM processed_updates").fetchone()[0])


@pytest.fixture
async def webhook(tmp_path: Path) -> AsyncIterator[Webhook]:
    port = free_port()
    db_file = tmp_path / "data" / "bot.db"
    async with BotApiEmulator(rate_limits=False) as emu:
        settings = load_settings(
            bot_token=emu.token,
            telegram_api=emu.base_url,
            data_dir=tmp_path / "data",
            database_url=f"sqlite+aiosqlite:///{db_file.as_posix()}",
            webhook_url=f"http://127.0.0.1:{port}/telegram",
            webhook_secret=SECRET,
            webhook_port=port,
            webhook_read_timeout=TIMEOUT,
            webhook_max_body=256 * 1024,
            per_chat_interval=0.0,
        )
        stop = asyncio.Event()
        task = asyncio.create_task(serve(settings, stop, webhook=True))
        try:
            await emu.wait_until(lambda: bool(emu.core.webhook.url), 30, what="setWebhook")
            yield Webhook(emu, port, db_file)
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)


def update(update_id: int, user_id: int = 4242, text: str = "/help") -> dict[str, object]:
    who = {"id": user_id, "is_bot": False, "first_name": "Lan"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "from": who,
            "chat": {"id": user_id, "type": "private", "first_name": "Lan"},
            "date": 1_700_000_000,
            "text": text,
        },
    }


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "handlers.webhook"]


async def still_serves(webhook: Webhook) -> None:
    """A real update from Telegram right after the hostile ones is handled as usual."""
    webhook.emu.user(4343, first_name="Lan")
    await webhook.emu.send_text(4343, "/help")
    await webhook.emu.wait_for_text(4343, "/", timeout=20)
    assert webhook.processed() == 1


async def test_deeply_nested_json_is_refused_once_without_traceback(webhook, caplog):
    caplog.set_level(logging.INFO)
    deep = b'{"update_id": 1, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert await webhook.post(deep) == 400  # was 500 (RecursionError)
    nested: object = 1
    for _ in range(40):  # deeper than any real update, far below the recursion limit
        nested = [nested]
    assert await webhook.post(json.dumps(update(2) | {"x": nested}).encode()) == 400
    assert len(refusals(caplog)) == 2 and all("nested deeper" in m for m in refusals(caplog))
    assert tracebacks(caplog) == []
    assert webhook.processed() == 0
    await still_serves(webhook)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(json.dumps(update(2**63)).encode(), id="update_id-above-int64"),
        pytest.param(json.dumps(update(7, user_id=2**70)).encode(), id="user-id-above-int64"),
        pytest.param(json.dumps(update(-5)).encode(), id="negative-update_id"),
        pytest.param(b'{"update_id": 8, "message": {"date": 1e999}}', id="infinite-float"),
        pytest.param(b'{"update_id": 9, "x": NaN}', id="nan"),
        pytest.param(b'{"update_id": ' + b"9" * 5000 + b"}", id="5000-digit-number"),
        pytest.param(b"\xff\xfe not json", id="not-json"),
        pytest.param(b"[1, 2, 3]", id="not-an-object"),
        pytest.param(
            b'{"update_id": 10, "message": {"chat": {"type": "private"}, "from": 5}}',
            id="wrong-shape",
        ),
    ],
)
async def test_impossible_updates_get_400_not_503(webhook, caplog, body: bytes):
    caplog.set_level(logging.INFO)
    assert await webhook.post(body) == 400  # above int64 was 503: redelivered forever
    assert len(refusals(caplog)) == 1
    assert tracebacks(caplog) == []
    assert webhook.processed() == 0
    await still_serves(webhook)


async def test_body_over_the_limit_is_413(webhook, caplog):
    caplog.set_level(logging.INFO)
    big = json.dumps(update(12, text="x" * 300_000)).encode()
    assert await webhook.post(big) == 413

    async def chunked():  # no Content-Length: the limit holds while reading
        for _ in range(300):
            yield b"x" * 1024

    headers = {SECRET_HEADER: SECRET}
    async with (
        aiohttp.ClientSession() as session,
        session.post(webhook.url, data=chunked(), headers=headers) as resp,
    ):
        assert resp.status == 413
    assert len(refusals(caplog)) == 2
    assert tracebacks(caplog) == []
    await still_serves(webhook)


RESET = b"<connection reset>"


async def trickle(port: int, headers_complete: bool, seconds: float) -> tuple[float, bytes]:
    """Send a request one byte every 0.1 s; returns when the server answered or hung up."""
    loop = asyncio.get_running_loop()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = f"POST /telegram HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {SECRET}\r\n"
    start = loop.time()
    writer.write(
        (head + ("Content-Length: 5000\r\n\r\n" if headers_complete else "X-Slow: ")).encode()
    )
    answer = asyncio.create_task(reader.read())
    try:
        while not answer.done() and loop.time() - start < seconds:
            with contextlib.suppress(ConnectionError):
                writer.write(b"{" if headers_complete else b"a")
                await writer.drain()
            await asyncio.wait({answer}, timeout=0.1)
        try:
            data = await asyncio.wait_for(answer, 5)
        except ConnectionResetError:
            # The server closes with our trickled bytes unread, so its kernel may answer with a
            # reset that overtakes the 408 (lingering_time=0 on purpose): still a cut.
            data = RESET
        return loop.time() - start, data
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def test_trickling_bodies_are_cut_at_the_timeout(webhook, caplog):
    caplog.set_level(logging.INFO)
    results = await asyncio.gather(*(trickle(webhook.port, True, 30) for _ in range(50)))
    for elapsed, data in results:
        assert data.startswith(b"HTTP/1.1 408") or data == RESET, data[:80]
        assert elapsed < TIMEOUT + 3, elapsed  # was: held for minutes
    cut = [line for line in refusals(caplog) if "refused (408)" in line]
    assert len(cut) == 50  # one 408 line each, whether or not the reset overtook it
    assert tracebacks(caplog) == []
    await still_serves(webhook)


async def test_trickling_headers_are_cut_at_the_timeout(webhook, caplog):
    caplog.set_level(logging.INFO)
    elapsed, data = await trickle(webhook.port, False, 30)
    assert elapsed < TIMEOUT + 3, elapsed  # the server hung up
    assert data == b""
    assert tracebacks(caplog) == []
    await still_serves(webhook)


async def test_a_sender_that_hangs_up_mid_body_leaves_no_traceback(webhook, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(20):
        _reader, writer = await asyncio.open_connection("127.0.0.1", webhook.port)
        writer.write(
            f"POST /telegram HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {SECRET}\r\n"
            'Content-Length: 1000\r\n\r\n{"update_id": '.encode()
        )
        await writer.drain()
        writer.close()
    await asyncio.sleep(0.5)  # let the server notice the 20 lost connections
    assert tracebacks(caplog) == []  # was one "Error handling request" traceback each
    await still_serves(webhook)
