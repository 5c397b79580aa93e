"""Benchmark-side observation of the Bot API emulator (instrumentation only, no behaviour change).

``UserSideApi.wait_for`` wakes *every* waiter on *every* change (one shared notifier), which is
right for tests but O(waiters × changes) with 1,000 concurrent simulated users: the harness would
measure itself. Here the emulator core's ``touch`` (called for every new, edited or deleted
message) is wrapped once, and each change of a bot message is routed to the one waiter of its
chat, with a ``perf_counter`` timestamp taken the moment the emulator stored it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator.server import BotApiEmulator
from emulator.state import Record

Match = Callable[[Record], bool]


@dataclass
class _Waiter:
    match: Match
    future: asyncio.Future[float]


@dataclass
class BotMessageTap:
    """Timestamps of bot messages as the emulator stores them, and per-chat waiters."""

    emu: BotApiEmulator
    new_messages: int = 0
    edits: int = 0
    first_at: float | None = None
    last_at: float | None = None
    _waiters: dict[int, _Waiter] = field(default_factory=dict)
    _seen: set[tuple[int, int]] = field(default_factory=set)
    _original: Any = None

    def install(self) -> BotMessageTap:
        core = self.emu.core
        self._original = core.touch
        original = core.touch

        def touch(record: Record) -> None:
            original(record)
            if record.direction == "bot":
                self._on_bot(record)

        core.touch = touch  # type: ignore[method-assign]
        return self

    def uninstall(self) -> None:
        if self._original is not None:
            self.emu.core.touch = self._original  # type: ignore[method-assign]
            self._original = None

    def reset(self) -> None:
        self.new_messages = self.edits = 0
        self.first_at = self.last_at = None
        self._seen.clear()

    def _on_bot(self, record: Record) -> None:
        now = time.perf_counter()
        chat_id = int(record.message["chat"]["id"])
        key = (chat_id, record.message_id)
        if key in self._seen:
            self.edits += 1
        else:
            self._seen.add(key)
            self.new_messages += 1
        if self.first_at is None:
            self.first_at = now
        self.last_at = now
        waiter = self._waiters.get(chat_id)
        if waiter is not None and not waiter.future.done() and waiter.match(record):
            waiter.future.set_result(now)
            del self._waiters[chat_id]

    def expect(self, chat_id: int, match: Match) -> asyncio.Future[float]:
        """A future set to the perf_counter time of the next bot message of ``chat_id`` that
        ``match`` accepts (register it *before* the user acts)."""
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiters[chat_id] = _Waiter(match, fut)
        return fut

    def cancel(self, chat_id: int) -> None:
        waiter = self._waiters.pop(chat_id, None)
        if waiter is not None and not waiter.future.done():
            waiter.future.cancel()


def contains(text: str) -> Match:
    def match(record: Record) -> bool:
        return text in (record.plain or "")

    return match
