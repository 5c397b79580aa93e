"""Exactly one process runs the scheduler and the outbox sender.

On PostgreSQL the leader holds a session-level advisory lock on a dedicated connection; if its
process dies the connection closes, the lock is freed, and another worker takes over on its next
try. SQLite deployments are single-process, so the only process is always the leader.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)
SCHEDULER_LOCK = (0x7A11, 1)


class Leadership:
    def __init__(self, engine: AsyncEngine, retry_every: float = 5.0) -> None:
        self.engine = engine
        self.retry_every = retry_every
        self._conn: AsyncConnection | None = None
        self.is_leader = False

    async def try_acquire(self) -> bool:
        if self.engine.dialect.name != "postgresql":
            self.is_leader = True
            return True
        if self._conn is None:
            self._conn = await self.engine.connect()
        got = await self._conn.scalar(
            text("SELECT pg_try_advisory_lock(:a, :b)"),
            {"a": SCHEDULER_LOCK[0], "b": SCHEDULER_LOCK[1]},
        )
        await self._conn.commit()
        self.is_leader = bool(got)
        if not self.is_leader:
            await self._conn.close()
            self._conn = None
        return self.is_leader

    async def run_when_leader(
        self, start: Callable[[], Awaitable[None]], stop: asyncio.Event
    ) -> None:
        """Wait until this process is the leader, then call ``start`` once."""
        while not stop.is_set():
            try:
                if await self.try_acquire():
                    log.info("scheduler: this process is the leader")
                    await start()
                    return
            except Exception:
                log.exception("scheduler leadership check failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.retry_every)

    async def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
            self._conn = None
        self.is_leader = False
