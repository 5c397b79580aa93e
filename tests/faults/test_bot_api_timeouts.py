"""Bot API calls that time out (the server accepts but answers too late), over real HTTP.

Outgoing: the Sender gives each call ``request_timeout`` seconds, retries a timeout with bounded
backoff and a growing timeout, and the outbox keeps a row that never got through (pending with
its reason, then 'failed'), so nothing is lost. A request the server never carried out (the
client hung up first) is not duplicated; a request carried out whose answer came late can be,
because the Bot API has no idempotency key: that case is pinned down as "at least once, at most
one extra copy while the answer comes within twice the timeout".

Incoming: a getUpdates whose answer is lost does not stop the polling loop, and the update it
carried is delivered again (it was never confirmed) and processed exactly once.

Small timeouts keep this fast: ``REQUEST_TIMEOUT`` is 0.3 s against a local emulator.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import ApplicationBuilder

from bot.settings import load_settings
from conversations.replies import Event, Outcome, Reply
from delivery.http_transport import HttpTransport
from delivery.outbox import MAX_ROW_ATTEMPTS, OutboxDispatcher
from delivery.sender import Sender, Transport
from emulator.server import BotApiEmulator
from handlers import ptb_runtime
from handlers.aiogram_runtime import AiogramRuntime
from handlers.ptb_runtime import PtbRuntime
from storage.repositories.rows_plan import OutboxRow
from storage.uow import UnitOfWork

USER = 4242
REQUEST_TIMEOUT = 0.3
RUNTIMES = ["aiogram", "ptb"]


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(rate_limits=False) as emu:
        emu.user(USER, first_name="Lan")
        await emu.send_text(USER, "/start")  # otherwise the bot may not write first (403)
        await emu.call("deleteWebhook", drop_pending_updates=True)
        yield emu


@contextlib.asynccontextmanager
async def transport(emu: BotApiEmulator) -> AsyncIterator[Transport]:
    """The production transport (both runtimes send through delivery.http_transport)."""
    http = HttpTransport(emu.base_url, emu.token)
    try:
        yield http
    finally:
        await http.close()


def quick_sender(t: Transport, timeout: float = REQUEST_TIMEOUT, **kw: Any) -> Sender:
    return Sender(t, per_chat_interval=0.0, request_timeout=timeout, backoff=0.02, **kw)


class FakeClock:
    """The dispatcher's wall clock, moved by hand to make retried rows due."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


async def enqueue(sqlite_sm: async_sessionmaker[AsyncSession], key: str, text: str) -> int:
    async with UnitOfWork(sqlite_sm) as uow:
        await uow.outbox.enqueue(key, USER, {"text": text, "buttons": []})
        row = await uow.outbox.get_by_key(key)
        assert row is not None
        return row.id


async def row_of(sqlite_sm: async_sessionmaker[AsyncSession], row_id: int) -> OutboxRow:
    async with UnitOfWork(sqlite_sm) as uow:
        row = await uow.outbox.get(row_id)
        assert row is not None
        return row


def delivered(emu: BotApiEmulator, text: str) -> list[int]:
    """Message ids of the copies of ``text`` the user received."""
    return [r.message_id for r in emu.transcript(USER) if r.direction == "bot" and r.plain == text]


async def test_send_timing_out_twice_is_retried_and_delivered_once(
    emu: BotApiEmulator, sqlite_sm: async_sessionmaker[AsyncSession]
) -> None:
    """The front-end stalls before acting, the client gives up and hangs up, the emulator
    drops the request: exactly one copy. (A real front-end might still carry out a request
    whose client is gone; that is the late-answer case below.)"""
    text = "Thông báo: họp giao ban lúc 14h"
    row_id = await enqueue(sqlite_sm, "timeout:twice", text)
    hang = 1.5  # longer than the first two attempts wait (0.3 s, then 0.6 s)
    emu.inject_delay("sendMessage", hang, count=2)  # the front-end stalls before acting
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with transport(emu) as t:
        sender = quick_sender(t)
        assert await OutboxDispatcher(lambda: UnitOfWork(sqlite_sm), sender).drain() == 1
    assert sender.stats.timeouts == 2 and sender.stats.sent == 1
    assert emu.stats.by_method["sendMessage"] == 3  # two timed out, the third answered
    # The abandoned requests were cancelled with the connection the client closed: even after
    # the stall is over, nothing else arrives.
    await asyncio.sleep(max(0.0, started + hang + 0.2 - loop.time()))
    (message_id,) = delivered(emu, text)
    row = await row_of(sqlite_sm, row_id)
    assert (row.status, row.telegram_message_id, row.last_error) == ("sent", message_id, None)


async def test_late_answer_costs_at_most_one_extra_copy(
    emu: BotApiEmulator, sqlite_sm: async_sessionmaker[AsyncSession]
) -> None:
    """Telegram carried the send out but answered after the timeout. The Bot API has no
    idempotency key and a bot cannot read the chat back, so the retry is a second copy; the
    retry waits twice as long, so a merely slow API costs one extra copy, not five."""
    text = "Nhắc việc: nộp báo cáo tự chấm điểm"
    row_id = await enqueue(sqlite_sm, "timeout:late", text)
    emu.inject_delay("sendMessage", 1.5 * REQUEST_TIMEOUT, count=None, after=True)
    async with transport(emu) as t:
        sender = quick_sender(t)
        assert await OutboxDispatcher(lambda: UnitOfWork(sqlite_sm), sender).drain() == 1
    _first, second = delivered(emu, text)  # exactly two copies
    row = await row_of(sqlite_sm, row_id)
    assert (row.status, row.telegram_message_id) == ("sent", second)
    assert sender.stats.timeouts == 1


async def test_permanent_timeouts_are_bounded_and_the_row_is_kept(
    emu: BotApiEmulator, sqlite_sm: async_sessionmaker[AsyncSession]
) -> None:
    text = "Thông báo không tới được"
    row_id = await enqueue(sqlite_sm, "timeout:forever", text)
    emu.inject_delay("sendMessage", 30.0, count=None)  # the Bot API never answers
    clock = FakeClock()
    async with transport(emu) as t:
        sender = quick_sender(t, timeout=0.1, max_attempts=2)  # all time out: be quick
        dispatcher = OutboxDispatcher(lambda: UnitOfWork(sqlite_sm), sender, clock=clock)
        assert await dispatcher.drain() == 1  # returns: no crash, no endless retrying
        assert emu.stats.by_method["sendMessage"] == 2  # bounded: max_attempts
        row = await row_of(sqlite_sm, row_id)
        assert row.status == "pending" and row.attempts == 1  # kept, to be tried again later
        assert "timeout" in (row.last_error or "")
        assert row.not_before >= clock.now + timedelta(seconds=30)  # backed off, not hot-looped
        assert await dispatcher.drain() == 0  # not due yet

        for attempt in range(2, MAX_ROW_ATTEMPTS + 1):
            clock.now += timedelta(hours=1)
            assert await dispatcher.drain() == 1
            row = await row_of(sqlite_sm, row_id)
            assert row.attempts == attempt
        clock.now += timedelta(hours=1)
        assert await dispatcher.drain() == 0  # given up: nothing left to retry
    assert (row.status, row.last_error) == (
        "failed",
        "gave up after 2 attempts: timeout: no answer within 0.2 s",
    )
    assert emu.stats.by_method["sendMessage"] == 2 * MAX_ROW_ATTEMPTS  # bounded overall
    assert delivered(emu, text) == []
    assert sender.stats.failed == MAX_ROW_ATTEMPTS


# ---------------------------------------------------------------- incoming updates


@dataclass
class CountingCore:
    """Stands in for the chat engine: counts every event it is handed and echoes it."""

    seen: Counter[str]

    async def handle(self, event: Event, *, raise_unavailable: bool = False) -> Outcome | None:
        self.seen[event.text] += 1
        return Outcome([Reply(f"đã nhận: {event.text}")])


class QuickPollBuilder(ApplicationBuilder):  # type: ignore[type-arg]
    """PTB's builder as parbot configures it, but a getUpdates read times out after 1 s (plus
    the 1 s long poll) instead of 5 s."""

    def build(self) -> Any:
        self.get_updates_read_timeout(1.0)
        return super().build()


def runtime_with_quick_polls(
    runtime: str, settings: Any, token: str, monkeypatch: pytest.MonkeyPatch
) -> Any:
    """The production runtime, with the client giving up on a getUpdates after 2 s."""
    if runtime == "aiogram":
        rt = AiogramRuntime(settings, token)
        rt.bot.session.timeout = 1.0  # aiogram waits session.timeout + the polling timeout
        return rt
    monkeypatch.setattr(ptb_runtime, "ApplicationBuilder", QuickPollBuilder)
    return PtbRuntime(settings, token)


@pytest.mark.parametrize("runtime", RUNTIMES)
async def test_lost_get_updates_answer_polling_survives_update_processed_once(
    runtime: str, emu: BotApiEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(
        bot_token=emu.token, telegram_api=emu.base_url, data_dir=tmp_path, poll_timeout=1
    )
    core = CountingCore(Counter())
    stop = asyncio.Event()
    rt = runtime_with_quick_polls(runtime, settings, emu.token, monkeypatch)
    async with rt:
        sender = Sender(rt.transport, per_chat_interval=0.0, request_timeout=5.0)
        polling = asyncio.create_task(rt.poll(core, sender, stop))
        try:
            await emu.wait_until(lambda: emu.stats.by_method["getUpdates"] > 0, 10, what="poll")
            # The next getUpdates to finish hands the update out but its answer comes after the
            # client gave up: the update is unconfirmed, so the following poll brings it again.
            emu.inject_delay("getUpdates", 3.0, count=1, after=True)
            await emu.send_text(USER, "báo cáo tuần")  # same turn: no poll finishes in between
            reply = await emu.wait_for_text(USER, "đã nhận: báo cáo tuần", timeout=15)
            assert emu.stats.injected_delays == 1  # the answer carrying it really was lost
            assert core.seen["báo cáo tuần"] == 1
            await emu.wait_until(lambda: not emu.core.updates.pending, 10, what="confirmation")
            await emu.send_text(USER, "lần hai")  # the loop still works normally afterwards
            await emu.wait_for_text(USER, "đã nhận: lần hai", timeout=10)
        finally:
            stop.set()
            await asyncio.wait_for(polling, 10)
    assert core.seen == Counter({"báo cáo tuần": 1, "lần hai": 1})
    replies = [r for r in emu.transcript(USER) if r.direction == "bot"]
    assert [r.plain for r in replies] == ["đã nhận: báo cáo tuần", "đã nhận: lần hai"]
    assert reply.message_id == replies[0].message_id
