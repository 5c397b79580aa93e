"""Drains the outbox (notifications, reminders, broadcasts) through the one Sender.

Rows are claimed and committed before sending, then finished one by one, so a crash can at
worst leave a row "sending" (released after a timeout) and nothing is ever sent twice by two
dispatchers. APScheduler runs the drain on an interval with a single instance at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from conversations.replies import Button, OutgoingFile, Reply
from scheduler.sender import Sender
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


def reply_from_payload(payload: dict[str, Any]) -> Reply:
    rows = tuple(
        tuple(Button(b["text"], b.get("data"), b.get("url")) for b in row)
        for row in payload.get("buttons") or []
    )
    doc = payload.get("document")
    return Reply(
        payload.get("text", ""),
        buttons=rows,
        document=OutgoingFile(**doc) if isinstance(doc, dict) else None,
    )


class OutboxDispatcher:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        sender: Sender,
        clock: Callable[[], datetime] | None = None,
        batch: int = 50,
        stale_after: timedelta = timedelta(minutes=5),
    ) -> None:
        self.uow_factory = uow_factory
        self.sender = sender
        self.clock = clock or (lambda: datetime.now(UTC))
        self.batch = batch
        self.stale_after = stale_after
        self._stopping = False
        self._requeued = False
        self._idle = asyncio.Event()
        self._idle.set()

    async def stop(self, timeout: float = 10.0) -> None:
        """Graceful stop: let the message being sent finish and be recorded, put the rest
        of the claimed batch back to pending, and claim nothing more. Call it before the
        scheduler is shut down (which cancels a running drain) and before the transport is
        closed."""
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
        async with self.uow_factory() as uow:
            for row_id in row_ids:
                row = await uow.outbox.get(row_id)
                if row is not None and row.status == "sending":
                    await uow.outbox.mark_retry(row, self.clock(), "released at shutdown")

    async def _drain(self) -> int:
        handled = 0
        # The first drain of a leader requeues everything left 'sending': the dispatcher that
        # claimed it is gone (this process holds the leadership now, and it alone sends).
        cutoff = self.clock() - self.stale_after if self._requeued else self.clock()
        async with self.uow_factory() as uow:
            await uow.outbox.release_stale(cutoff)
        self._requeued = True
        while True:
            async with self.uow_factory() as uow:
                rows = await uow.outbox.claim_due(self.clock(), self.batch)
                claimed = [
                    (r.id, r.chat_id, dict(r.payload), r.person_id, r.attempts) for r in rows
                ]
            if not claimed:
                return handled
            for i, (row_id, chat_id, payload, person_id, attempts) in enumerate(claimed):
                if self._stopping:
                    await self._release([c[0] for c in claimed[i:]])
                    return handled
                result = await self.sender.deliver(chat_id, reply_from_payload(payload))
                async with self.uow_factory() as uow:
                    row = await uow.outbox.get(row_id)
                    if row is None:
                        continue
                    if result.status == "sent":
                        await uow.outbox.mark_sent(row, result.message_id, self.clock())
                    elif result.status == "unreachable":
                        await uow.outbox.mark_unreachable(row, result.error)
                        if person_id is not None:
                            person = await uow.people.get(person_id)
                            if person is not None:
                                await uow.people.mark_unreachable(person, result.error or "403")
                    elif result.status == "deferred" or (
                        result.status == "failed"
                        and attempts < 5
                        and result.error == "gave up after retries"
                    ):
                        wait = max(result.retry_after, 30.0 * attempts)
                        await uow.outbox.mark_retry(
                            row, self.clock() + timedelta(seconds=wait), result.error or "retry"
                        )
                    else:
                        await uow.outbox.mark_failed(row, result.error or "failed")
                handled += 1


def start_scheduler(dispatcher: OutboxDispatcher, interval: float = 1.0) -> AsyncIOScheduler:
    """One interval job; max_instances=1 so a slow drain is never overlapped by the next."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        dispatcher.drain,
        "interval",
        seconds=interval,
        id="outbox",
        max_instances=1,
        coalesce=True,
        replace_existing=True,
        misfire_grace_time=None,
    )
    scheduler.start()
    return scheduler
