"""The one way messages leave parbot: paced below Telegram's limits, 429-aware, outcome-recording.

Telegram's flood limits are undocumented and punish bursts with long ``retry_after`` waits, so
every reply, reminder and broadcast goes through one pacing point. A 403 (never started, blocked)
is final: retrying it only builds a retry storm, so it is recorded as unreachable instead.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from conversations.replies import Reply

log = logging.getLogger(__name__)

ErrorKind = Literal["rate_limited", "forbidden", "bad_request", "server", "network"]
Status = Literal["sent", "unreachable", "failed", "deferred"]


class DeliveryError(Exception):
    """A transport failure, normalised from aiogram's or PTB's exception hierarchy."""

    def __init__(self, kind: ErrorKind, description: str = "", retry_after: float = 0.0):
        super().__init__(f"{kind}: {description}")
        self.kind = kind
        self.description = description
        self.retry_after = retry_after


class Transport(Protocol):
    async def send(self, chat_id: int, reply: Reply) -> int: ...

    async def edit(self, chat_id: int, message_id: int, reply: Reply) -> int: ...

    async def answer_callback(self, callback_id: str, text: str | None, alert: bool) -> None: ...


@dataclass(frozen=True)
class Delivery:
    status: Status
    message_id: int | None = None
    error: str | None = None
    retry_after: float = 0.0
    attempts: int = 1


@dataclass
class SenderStats:
    sent: int = 0
    unreachable: int = 0
    failed: int = 0
    rate_limited: int = 0
    retries: int = 0


@dataclass
class Sender:
    transport: Transport
    rate: float = 25.0  # messages per second, all chats together
    per_chat_interval: float = 1.0  # seconds between two messages to one chat
    max_attempts: int = 5
    max_inline_wait: float = 30.0  # longer retry_after → defer (outbox) instead of sleeping
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    stats: SenderStats = field(default_factory=SenderStats)
    _next_global: float = 0.0
    _next_chat: dict[int, float] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _paused_until: float = 0.0

    async def _pace(self, chat_id: int) -> None:
        async with self._lock:
            now = self.clock()
            start = max(
                now, self._next_global, self._paused_until, self._next_chat.get(chat_id, 0.0)
            )
            self._next_global = start + 1.0 / self.rate
            self._next_chat[chat_id] = start + self.per_chat_interval
            if len(self._next_chat) > 10_000:  # forget chats whose slot has long passed
                self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
        if start > now:
            await self.sleep(start - now)

    async def _attempt(
        self, chat_id: int, reply: Reply, edit_message_id: int | None
    ) -> tuple[int | None, DeliveryError | None]:
        try:
            if edit_message_id is not None:
                return await self.transport.edit(chat_id, edit_message_id, reply), None
            return await self.transport.send(chat_id, reply), None
        except DeliveryError as err:
            return None, err
        except Exception as exc:  # an adapter let something unexpected through: retry it
            log.warning("unexpected transport error: %s", type(exc).__name__)
            return None, DeliveryError("network", type(exc).__name__)

    async def deliver(
        self, chat_id: int, reply: Reply, *, edit_message_id: int | None = None
    ) -> Delivery:
        """Send (or edit) one message, retrying what Telegram asks us to retry."""
        delay = 0.5
        for attempt in range(1, self.max_attempts + 1):
            await self._pace(chat_id)
            mid, err = await self._attempt(chat_id, reply, edit_message_id)
            if err is None:
                self.stats.sent += 1
                return Delivery("sent", mid, attempts=attempt)
            if err.kind == "rate_limited":
                self.stats.rate_limited += 1
                wait = max(err.retry_after, 1.0)
                self._paused_until = max(self._paused_until, self.clock() + wait)
                if wait > self.max_inline_wait:
                    return Delivery(
                        "deferred", error=err.description, retry_after=wait, attempts=attempt
                    )
                self.stats.retries += 1
                continue  # _pace waits until the pause is over
            if err.kind == "forbidden" or (
                err.kind == "bad_request" and "chat not found" in err.description.lower()
            ):
                self.stats.unreachable += 1  # never started the bot, blocked it, or chat gone
                return Delivery("unreachable", error=err.description, attempts=attempt)
            if err.kind == "bad_request":
                if edit_message_id is not None and "not modified" in err.description:
                    return Delivery("sent", edit_message_id, attempts=attempt)
                if edit_message_id is not None:
                    # the message to edit is gone or too old: show the reply as a new one
                    edit_message_id = None
                    continue
                self.stats.failed += 1
                log.warning("message to %s refused: %s", chat_id, err.description)
                return Delivery("failed", error=err.description, attempts=attempt)
            self.stats.retries += 1
            if attempt < self.max_attempts:
                await self.sleep(delay)
                delay = min(delay * 2, 8.0)
        self.stats.failed += 1
        return Delivery("failed", error="gave up after retries", attempts=self.max_attempts)

    async def answer_callback(
        self, callback_id: str, text: str | None = None, alert: bool = False
    ) -> None:
        """Stop the button's spinner; a too-old query is harmless, so failures are only logged."""
        try:
            await self.transport.answer_callback(callback_id, text, alert)
        except DeliveryError as err:
            log.info("answerCallbackQuery failed: %s", err.description)
