"""The one way messages leave parbot: paced below Telegram's limits, 429-aware, outcome-recording.

Telegram's flood limits are undocumented beyond "about 30 messages per second overall, one per
second per chat" and punish overshoots with ``retry_after`` waits, so every reply, reminder and
broadcast goes through one pacing point. A 403 (never started, blocked) is final: retrying it
only builds a retry storm, so it is recorded as unreachable instead.

Pacing (:class:`~delivery.pacer.WindowPacer`) mirrors the rule Telegram enforces instead of
approximating it with a fixed interval: at most ``rate`` messages in any second, counted when
they reach the server.
A send holds a slot of the window from when it leaves until one second (plus a small
``margin``) after the latest moment the server can have counted it, which the answer's arrival
bounds; so no window ever holds more than ``rate`` sends whatever the latency jitter, a slot
missed during a stall (GC, a commit) is caught up instead of lost, and the round trip does not
lower the rate.

Timeouts: every Bot API call gets ``request_timeout`` seconds (``upload_timeout`` when a file is
attached). A call that runs out of time is retried like a 5xx, with bounded exponential backoff,
and each retry waits longer for its answer (×2, at most ×4) so a Bot API that is merely slow is
not hammered. A timed-out request may nevertheless have been carried out: the Bot API has no
idempotency key and a bot cannot read back a chat, so a lost request and a lost answer look the
same. Telegram's semantics therefore make delivery *at least once* when an answer is lost: a
message is never silently dropped (it ends 'sent', or 'failed'/'pending' in the outbox with the
reason), and a late answer can cost one duplicate; the growing timeout limits that to one extra
copy while the API answers within twice the timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeVar

from conversations.replies import Reply
from delivery.pacer import WindowPacer

log = logging.getLogger(__name__)

ErrorKind = Literal["rate_limited", "forbidden", "bad_request", "server", "network", "timeout"]
Status = Literal["sent", "unreachable", "failed", "deferred"]
T = TypeVar("T")

TELEGRAM_GLOBAL_LIMIT = 30.0  # messages per second, all chats together (Telegram's bot FAQ)
MAX_TIMEOUT_GROWTH = 4  # a retry waits at most 4 × request_timeout for its answer


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
    # A transient failure (5xx, network, timeout) that outlasted the inline retries: worth
    # another try later (the outbox reschedules it), unlike a refusal such as a 400.
    retryable: bool = False


@dataclass
class SenderStats:
    sent: int = 0
    unreachable: int = 0
    failed: int = 0
    rate_limited: int = 0
    retries: int = 0
    timeouts: int = 0


@dataclass
class _ChatTurn:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


@dataclass
class Sender:
    transport: Transport
    rate: float = TELEGRAM_GLOBAL_LIMIT  # messages per `window`, all chats together
    per_chat_interval: float = 1.0  # seconds between two messages to one chat
    max_attempts: int = 5
    max_inline_wait: float = 30.0  # longer retry_after → defer (outbox) instead of sleeping
    margin: float = 0.05  # seconds added to every window (server time inside the round trip)
    window: float = 1.0  # Telegram's flood-control window
    # Real seconds for one Bot API call (first attempt). Generous: an event loop stalled by a
    # slow import or GC can let a timer fire although the answer has arrived, and every such
    # retry of a delivered message is a duplicate.
    request_timeout: float = 30.0
    upload_timeout: float = 120.0  # the same when a document or photo is attached
    backoff: float = 0.5  # first pause after a 5xx / network error / timeout, then doubled
    max_backoff: float = 8.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    stats: SenderStats = field(default_factory=SenderStats)
    _pacer: WindowPacer = field(init=False)
    _next_chat: dict[int, float] = field(default_factory=dict)
    _chat_turns: dict[int, _ChatTurn] = field(default_factory=dict)
    _slot: asyncio.Lock = field(default_factory=asyncio.Lock)  # FIFO queue for global slots
    _paused_until: float = 0.0

    def __post_init__(self) -> None:
        self._pacer = WindowPacer(self.rate, self.window, self.margin)

    @contextlib.asynccontextmanager
    async def _chat_turn(self, chat_id: int) -> AsyncIterator[None]:
        """One message at a time per chat (replies, reminders and broadcasts alike), so two
        are never in flight to one chat and they arrive in the order they were handed over."""
        turn = self._chat_turns.get(chat_id)
        if turn is None:
            turn = self._chat_turns[chat_id] = _ChatTurn()
        turn.users += 1
        try:
            async with turn.lock:
                yield
        finally:
            turn.users -= 1
            if turn.users == 0:
                del self._chat_turns[chat_id]

    async def _pace(self, chat_id: int) -> float:
        """Wait for this chat's next slot, then for a global one; the send starts now (the
        returned clock time) and must be reported to ``_finished``.

        The chat wait comes first and outside the global queue, so a chat that must wait a
        second never holds back the global slots other chats could use meanwhile. Global slots
        are handed out first come, first served (the lock is FIFO); the waiter re-checks after
        every sleep, so a 429 pause or a slot freed meanwhile is taken into account.
        """
        while True:
            now = self.clock()
            chat_ready = self._next_chat.get(chat_id, 0.0)
            if chat_ready <= now:
                break
            await self.sleep(chat_ready - now)
        async with self._slot:
            while True:
                now = self.clock()
                start = self._pacer.next_start(now, self._paused_until)
                if start <= now:
                    break
                await self.sleep(start - now)
            self._pacer.take()
        return now

    def _finished(self, chat_id: int, start: float, *, answered: bool) -> None:
        """Give the window slot back (see WindowPacer) and set when this chat may get the next
        message: one interval (plus the margin) after this one's settled time, so the server
        sees them at least an interval apart."""
        settled = self._pacer.done(start, self.clock(), answered=answered)
        if self.per_chat_interval > 0:
            self._next_chat[chat_id] = settled + self.per_chat_interval + self.margin
            if len(self._next_chat) > 10_000:  # forget chats whose slot has long passed
                now = self.clock()
                self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}

    def _timeout_for(self, reply: Reply, attempt: int) -> float:
        base = self.upload_timeout if reply.document or reply.photo else self.request_timeout
        return base * min(2.0 ** (attempt - 1), MAX_TIMEOUT_GROWTH)

    async def _timed(self, call: Awaitable[T], seconds: float) -> T:
        """The call, or DeliveryError("timeout") once ``seconds`` have passed without an answer
        (the request is cancelled, which closes its connection)."""
        try:
            async with asyncio.timeout(seconds):
                return await call
        except TimeoutError:
            self.stats.timeouts += 1
            raise DeliveryError("timeout", f"no answer within {seconds:g} s") from None

    async def _attempt(
        self, chat_id: int, reply: Reply, edit_message_id: int | None, timeout: float
    ) -> tuple[int | None, DeliveryError | None]:
        start = await self._pace(chat_id)
        answered = False
        try:
            result = await self._call(chat_id, reply, edit_message_id, timeout)
            answered = result[1] is None or result[1].kind not in ("timeout", "network")
            return result
        finally:
            self._finished(chat_id, start, answered=answered)

    async def _call(
        self, chat_id: int, reply: Reply, edit_message_id: int | None, timeout: float
    ) -> tuple[int | None, DeliveryError | None]:
        try:
            if edit_message_id is not None:
                call = self.transport.edit(chat_id, edit_message_id, reply)
            else:
                call = self.transport.send(chat_id, reply)
            return await self._timed(call, timeout), None
        except DeliveryError as err:
            return None, err
        except Exception as exc:  # an adapter let something unexpected through: retry it
            log.warning("unexpected transport error: %s", type(exc).__name__)
            return None, DeliveryError("network", type(exc).__name__)

    async def deliver(
        self, chat_id: int, reply: Reply, *, edit_message_id: int | None = None
    ) -> Delivery:
        """Send (or edit) one message, retrying what Telegram asks us to retry."""
        async with self._chat_turn(chat_id):
            return await self._deliver(chat_id, reply, edit_message_id)

    async def _deliver(self, chat_id: int, reply: Reply, edit_message_id: int | None) -> Delivery:
        delay = self.backoff
        last = "no attempt"
        for attempt in range(1, self.max_attempts + 1):
            timeout = self._timeout_for(reply, attempt)
            mid, err = await self._attempt(chat_id, reply, edit_message_id, timeout)
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
                last = f"429 {err.description}"
                continue  # the next _pace waits until the pause is over
            if err.kind == "forbidden" or (
                err.kind == "bad_request" and "chat not found" in err.description.lower()
            ):
                self.stats.unreachable += 1  # never started the bot, blocked it, or chat gone
                return Delivery("unreachable", error=err.description, attempts=attempt)
            if err.kind == "bad_request":
                if edit_message_id is not None and "not modified" in err.description:
                    return Delivery("sent", edit_message_id, attempts=attempt)
                if edit_message_id is not None and reply.edit_only:
                    return Delivery("failed", error=err.description, attempts=attempt)
                if edit_message_id is not None:
                    # the message to edit is gone or too old: show the reply as a new one
                    edit_message_id = None
                    continue
                self.stats.failed += 1
                log.warning("message to %s refused: %s", chat_id, err.description)
                return Delivery("failed", error=err.description, attempts=attempt)
            # 5xx, network error or timeout: transient, retried after a growing pause
            last = f"{err.kind}: {err.description}"
            if attempt < self.max_attempts:
                self.stats.retries += 1
                log.info("retrying message to %s after %s (attempt %d)", chat_id, last, attempt)
                await self.sleep(delay)
                delay = min(delay * 2, self.max_backoff)
        self.stats.failed += 1
        return Delivery(
            "failed",
            error=f"gave up after {self.max_attempts} attempts: {last}",
            attempts=self.max_attempts,
            retryable=True,
        )

    async def answer_callback(
        self, callback_id: str, text: str | None = None, alert: bool = False
    ) -> None:
        """Stop the button's spinner; a too-old query is harmless, so failures are only logged."""
        try:
            await self._timed(
                self.transport.answer_callback(callback_id, text, alert), self.request_timeout
            )
        except DeliveryError as err:
            log.info("answerCallbackQuery failed: %s", err.description)
