"""Exactly one process runs the scheduler and the outbox sender.

On PostgreSQL the leader holds a session-level advisory lock on a dedicated connection; if its
process dies the connection closes, the lock is freed, and another worker takes over on its next
try. On a SQLite file the leader holds an exclusive ``flock`` on ``<database>.leader`` beside it
(several webhook workers may share one SQLite file on one machine); the kernel frees it when the
process dies. An in-memory SQLite database has one process, which is always the leader.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)
SCHEDULER_LOCK = (0x7A11, 1)


def sqlite_leader_lock_path(engine: AsyncEngine) -> Path | None:
    """The lock file of a SQLite file database (None for other databases and ``:memory:``)."""
    url = engine.url
    db = url.database
    if url.get_backend_name() != "sqlite" or not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db + ".leader")


class Leadership:
    def __init__(self, engine: AsyncEngine, retry_every: float = 5.0) -> None:
        self.engine = engine
        self.retry_every = retry_every
        self._conn: AsyncConnection | None = None
        self._lock_fd: int | None = None
        self.is_leader = False

    async def try_acquire(self) -> bool:
        if self.engine.dialect.name != "postgresql":
            self.is_leader = self._try_file_lock()
            return self.is_leader
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

    def _try_file_lock(self) -> bool:
        path = sqlite_leader_lock_path(self.engine)
        if path is None or self._lock_fd is not None:
            return True
        try:
            import fcntl
        except ImportError:  # not POSIX: one process per SQLite database, as before
            return True
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._lock_fd = fd
        return True

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
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the only descriptor drops the flock
            self._lock_fd = None
        if self.is_leader:
            log.info("scheduler: leadership released")
        self.is_leader = False
