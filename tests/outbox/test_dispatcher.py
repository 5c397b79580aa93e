"""OutboxDispatcher over real HTTP (aiogram transport, Bot API emulator, SQLite): several sends
in flight so the round trip does not cap the rate, never two to one chat, and a graceful stop
that finishes what is in flight and puts the rest back, so nothing is lost or sent twice."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conversations.replies import Reply
from delivery.http_transport import HttpTransport
from delivery.outbox import OutboxDispatcher
from delivery.sender import Sender
from emulator.server import BotApiEmulator
from storage.uow import UnitOfWork

CHATS = range(6001, 6013)


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(rate_limits=False) as emu:
        for chat in CHATS:
            emu.user(chat, first_name=f"Cán bộ {chat}")
            await emu.send_text(chat, "/start")
        await emu.call("deleteWebhook", drop_pending_updates=True)
        yield emu


class Watched(HttpTransport):
    """The production transport, counting sends in flight (per chat and overall)."""

    def __init__(self, emu: BotApiEmulator) -> None:
        super().__init__(emu.base_url, emu.token)
        self.in_flight: Counter[int] = Counter()
        self.peak_per_chat = 0
        self.peak = 0

    async def send(self, chat_id: int, reply: Reply) -> int:
        self.in_flight[chat_id] += 1
        self.peak_per_chat = max(self.peak_per_chat, self.in_flight[chat_id])
        self.peak = max(self.peak, sum(self.in_flight.values()))
        try:
            return await super().send(chat_id, reply)
        finally:
            self.in_flight[chat_id] -= 1


async def enqueue(sqlite_sm: async_sessionmaker[AsyncSession], rows: list[tuple[int, str]]) -> None:
    async with UnitOfWork(sqlite_sm) as uow:
        for chat, text in rows:
            await uow.outbox.enqueue(f"t:{chat}:{text}", chat, {"text": text, "buttons": []})


async def statuses(sqlite_sm: async_sessionmaker[AsyncSession]) -> Counter[str]:
    async with UnitOfWork(sqlite_sm) as uow:
        return Counter(await uow.outbox.status_counts())


def texts(emu: BotApiEmulator, chat: int) -> list[str | None]:
    return [r.plain for r in emu.transcript(chat) if r.direction == "bot"]


async def test_round_trip_does_not_cap_the_rate_and_chats_stay_serial(
    emu: BotApiEmulator, sqlite_sm: async_sessionmaker[AsyncSession]
) -> None:
    rtt = 0.2
    one_chat = CHATS[0]
    rows = [(one_chat, f"A{i}") for i in range(3)] + [(c, "B") for c in CHATS[1:]]
    await enqueue(sqlite_sm, rows)
    emu.inject_delay("sendMessage", rtt, count=None)  # every call takes 200 ms
    transport = Watched(emu)
    try:
        sender = Sender(transport, rate=30.0, per_chat_interval=0.0)
        dispatcher = OutboxDispatcher(lambda: UnitOfWork(sqlite_sm), sender)
        t0 = time.perf_counter()
        assert await dispatcher.drain() == len(rows)
        wall = time.perf_counter() - t0
    finally:
        await transport.close()
    # One at a time would take 14 × 200 ms = 2.8 s; the chat with three rows needs 0.6 s.
    assert wall < 2.0, wall
    assert transport.peak >= 4  # several in flight …
    assert transport.peak_per_chat == 1  # … but never two to one chat
    assert texts(emu, one_chat) == ["A0", "A1", "A2"]  # in order
    assert all(texts(emu, c) == ["B"] for c in CHATS[1:])
    assert await statuses(sqlite_sm) == Counter({"sent": len(rows)})


async def test_stop_finishes_sends_in_flight_and_releases_the_rest(
    emu: BotApiEmulator, sqlite_sm: async_sessionmaker[AsyncSession]
) -> None:
    await enqueue(sqlite_sm, [(c, "Thông báo") for c in CHATS[:6]])
    emu.inject_delay("sendMessage", 0.5, count=None)
    http = HttpTransport(emu.base_url, emu.token)
    try:
        sender = Sender(http, rate=30.0, per_chat_interval=0.0)
        dispatcher = OutboxDispatcher(lambda: UnitOfWork(sqlite_sm), sender, max_in_flight=2)
        drain = asyncio.create_task(dispatcher.drain())
        await emu.wait_until(lambda: emu.stats.by_method["sendMessage"] == 2, 10, what="sends")
        await dispatcher.stop()
        assert await drain == 2  # the two in flight finished and were recorded …
        assert await statuses(sqlite_sm) == Counter(
            {"sent": 2, "pending": 4}
        )  # … the rest put back
        assert await dispatcher.drain() == 0  # a stopped dispatcher claims nothing

        emu.clear_faults()
        successor = OutboxDispatcher(lambda: UnitOfWork(sqlite_sm), sender)  # e.g. after a restart
        assert await successor.drain() == 4
    finally:
        await http.close()
    assert await statuses(sqlite_sm) == Counter({"sent": 6})
    assert all(texts(emu, c) == ["Thông báo"] for c in CHATS[:6])  # once each
