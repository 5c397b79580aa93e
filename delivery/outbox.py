"""Drains the outbox (notifications, reminders, broadcasts) through the one Sender.

Rows are claimed and committed before sending, then each is finished (sent / retry / failed /
unreachable) once its send returns, so a crash can at worst leave a row "sending" (requeued by
the next leader) and nothing is ever sent twice by two dispatchers, nor is a row already marked
sent ever sent again. Several sends are in flight at once (never two to one chat) so the Bot API
round trip does not cap the rate; the Sender alone decides when each may go. The scheduler
(:func:`scheduler.outbox.start_scheduler`) runs the drain on an interval, one at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from conversations import reply_json
from delivery.sender import Delivery, Sender
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


MAX_ROW_ATTEMPTS = 5  # claims of one row before a transient failure becomes final ('failed')
EXPECTED_SEND_SECONDS = 0.5  # Bot API round trip + recording, for the in-flight bound
MAX_IN_FLIGHT = 32


def default_in_flight(rate: float) -> int:
    """Enough sends in flight that a round trip of EXPECTED_SEND_SECONDS does not cap the rate
    (rate × round trip, Little's law), bounded so a burst of rows cannot open hundreds of
    connections."""
    return max(1, min(MAX_IN_FLIGHT, math.ceil(rate * EXPECTED_SEND_SECONDS)))


@dataclass(frozen=True)
class _Claim:
    row_id: int
    chat_id: int
    payload: dict[str, Any]
    person_id: int | None
    attempts: int


_Outcome = tuple[_Claim, Delivery]


class OutboxDispatcher:
    """Sends due outbox rows with up to ``max_in_flight`` sends at once (never two to one chat).

    The Sender does the pacing; concurrency only keeps the pipe full, so a Bot API round trip
    does not cap the rate (one row at a time managed 1/RTT). Outcomes are written by one task
    in group commits (one transaction for whatever finished meanwhile), which also keeps SQLite
    to a single writer.
    """

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        sender: Sender,
        clock: Callable[[], datetime] | None = None,
        batch: int = 50,
        stale_after: timedelta = timedelta(minutes=5),
        max_in_flight: int | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.sender = sender
        self.clock = clock or (lambda: datetime.now(UTC))
        self.batch = batch
        self.stale_after = stale_after
        self.max_in_flight = max_in_flight or default_in_flight(sender.rate)
        self._stopping = False
        self._requeued = False
        self._idle = asyncio.Event()
        self._idle.set()

    async def stop(self, timeout: float = 10.0) -> None:
        """Graceful stop: let the messages being sent finish and be recorded, put the rest of
        the claimed rows back to pending, and claim nothing more. Call it before the scheduler
        is shut down (which cancels a running drain) and before the transport is closed."""
        self._stopping = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)

    async def drain(self) -> int:
        """Send everything due now; returns how many rows were handled."""
        if self._stopping:
            return 0
        self._idle.clear()
        try:
            return await self._drain()
        finally:
            self._idle.set()

    async def _release(self, row_ids: list[int]) -> None:
        """Claimed rows that were not attempted go back to pending, due now."""
        if not row_ids:
            return
        async with self.uow_factory() as uow:
            for row_id in row_ids:
                row = await uow.outbox.get(row_id)
                if row is not None and row.status == "sending":
                    await uow.outbox.mark_retry(row.id, self.clock(), "released at shutdown")

    async def _claim(self) -> list[_Claim]:
        """Claim (and commit) the next due rows: from here on no other dispatcher takes them."""
        async with self.uow_factory() as uow:
            rows = await uow.outbox.claim_due(self.clock(), self.batch)
            return [_Claim(r.id, r.chat_id, dict(r.payload), r.person_id, r.attempts) for r in rows]

    async def _drain(self) -> int:
        # The first drain of a leader requeues everything left 'sending': the dispatcher that
        # claimed it is gone (this process holds the leadership now, and it alone sends).
        cutoff = self.clock() - self.stale_after if self._requeued else self.clock()
        async with self.uow_factory() as uow:
            await uow.outbox.release_stale(cutoff)
        self._requeued = True

        outcomes: asyncio.Queue[_Outcome | None] = asyncio.Queue()
        writer = asyncio.create_task(self._write_outcomes(outcomes))
        pending: deque[_Claim] = deque()  # claimed, not started (in id order)
        running: dict[asyncio.Task[None], _Claim] = {}
        busy: set[int] = set()  # chats with a send in flight
        exhausted = False
        failure: Exception | None = None
        try:
            while not self._stopping and not writer.done():
                self._start_ready(pending, running, busy, outcomes)
                # Claim ahead while the queue runs low, or while sends could start but every
                # claimed row waits for a busy chat (many rows to one chat must not idle the
                # others); bounded so one drain never holds the whole outbox in memory.
                if not exhausted and (
                    len(pending) < self.max_in_flight
                    or (len(running) < self.max_in_flight and len(pending) < 10 * self.batch)
                ):
                    fresh = await self._claim()
                    pending.extend(fresh)
                    exhausted = not fresh
                    if fresh:
                        continue
                if not running:
                    if exhausted:
                        break
                    continue
                waiting: set[asyncio.Task[Any]] = {*running, writer}
                done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    claim = running.pop(task, None)
                    if claim is not None:
                        busy.discard(claim.chat_id)
        except asyncio.CancelledError:
            # Shutdown without stop(): the sends in flight are abandoned with the drain; their
            # rows stay 'sending' and the next leader requeues them.
            for task in (*running, writer):
                task.cancel()
            raise
        except Exception as exc:  # claiming failed: still finish and record what is in flight
            failure = exc
        if running:
            await asyncio.wait(running)
        await outcomes.put(None)
        handled = await writer  # raises if the outcomes could not be recorded
        if failure is not None:
            raise failure
        await self._release([c.row_id for c in pending])
        return handled

    def _start_ready(
        self,
        pending: deque[_Claim],
        running: dict[asyncio.Task[None], _Claim],
        busy: set[int],
        outcomes: asyncio.Queue[_Outcome | None],
    ) -> None:
        """Start the oldest rows whose chat is idle, up to the in-flight bound; rows of a busy
        chat wait for it in order, so one chat's messages keep their order."""
        if len(running) >= self.max_in_flight or not pending:
            return
        skipped: list[_Claim] = []
        while pending and len(running) < self.max_in_flight:
            claim = pending.popleft()
            if claim.chat_id in busy:
                skipped.append(claim)
                continue
            busy.add(claim.chat_id)
            running[asyncio.create_task(self._send(claim, outcomes))] = claim
        pending.extendleft(reversed(skipped))

    async def _send(self, claim: _Claim, outcomes: asyncio.Queue[_Outcome | None]) -> None:
        try:
            result = await self.sender.deliver(claim.chat_id, reply_json.decode(claim.payload))
        except Exception as exc:  # a malformed payload or a bug: record it, never lose the row
            log.exception("outbox row %s could not be sent", claim.row_id)
            result = Delivery("failed", error=f"{type(exc).__name__}: {exc}")
        await outcomes.put((claim, result))

    async def _write_outcomes(self, outcomes: asyncio.Queue[_Outcome | None]) -> int:
        """Record outcomes as they arrive, everything queued so far in one transaction."""
        handled = 0
        while True:
            item = await outcomes.get()
            if item is None:
                return handled
            batch = [item]
            last = False
            while not outcomes.empty():
                more = outcomes.get_nowait()
                if more is None:
                    last = True
                    break
                batch.append(more)
            await self._record_with_retries(batch)
            handled += len(batch)
            if last:
                return handled

    async def _record_with_retries(self, batch: list[_Outcome]) -> None:
        """A database hiccup must not leave delivered rows 'sending' (they would be sent again
        after a restart): retry the transaction a few times before giving up."""
        for pause in (0.5, 1.0, 2.0, None):
            try:
                await self._record(batch)
                return
            except Exception:
                if pause is None:
                    raise
                log.warning("recording %d outbox outcomes failed; retrying", len(batch))
                await asyncio.sleep(pause)

    async def _record(self, batch: list[_Outcome]) -> None:
        """Finish each row by id (a row deleted meanwhile is skipped: nothing to record)."""
        async with self.uow_factory() as uow:
            for claim, result in batch:
                row_id = claim.row_id
                if result.status == "sent":
                    await uow.outbox.mark_sent(row_id, result.message_id, self.clock())
                elif result.status == "unreachable":
                    marked = await uow.outbox.mark_unreachable(row_id, result.error)
                    if marked and claim.person_id is not None:
                        person = await uow.people.get(claim.person_id)
                        if person is not None:
                            await uow.people.mark_unreachable(person, result.error or "403")
                elif result.status == "deferred" or (
                    result.retryable and claim.attempts < MAX_ROW_ATTEMPTS
                ):
                    wait = max(result.retry_after, 30.0 * claim.attempts)
                    await uow.outbox.mark_retry(
                        row_id, self.clock() + timedelta(seconds=wait), result.error or "retry"
                    )
                else:
                    await uow.outbox.mark_failed(row_id, result.error or "failed")
