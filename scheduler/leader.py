"""Exactly one process runs the scheduler and the outbox sender: the one holding the leader
lock (:class:`storage.leadership.LeaderLock`, passed in by the composition root). The others
keep trying, so when the leader dies another worker takes over."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

log = logging.getLogger(__name__)


class LeaderLock(Protocol):
    """Held by at most one process at a time (see :mod:`storage.leadership`)."""

    async def try_acquire(self) -> bool: ...

    async def release(self) -> None: ...


class Leadership:
    def __init__(self, lock: LeaderLock, retry_every: float = 5.0) -> None:
        self.lock = lock
        self.retry_every = retry_every
        self.is_leader = False

    async def try_acquire(self) -> bool:
        self.is_leader = await self.lock.try_acquire()
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
        await self.lock.release()
        if self.is_leader:
            log.info("scheduler: leadership released")
        self.is_leader = False
