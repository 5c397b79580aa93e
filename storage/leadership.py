"""The database-held lock that makes one process the leader (the scheduler's and the outbox
sender's home; see :mod:`scheduler.leader` for the policy around it).

On PostgreSQL the leader holds a session-level advisory lock on a dedicated connection; if its
process dies the connection closes, the lock is freed, and another worker takes over on its next
try. On a SQLite file the leader holds an exclusive ``flock`` on ``<database>.leader`` beside it
(several webhook workers may share one SQLite file on one machine); the kernel frees it when the
process dies. An in-memory SQLite database has one process, which is always the leader.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

SCHEDULER_LOCK = (0x7A11, 1)


def sqlite_leader_lock_path(engine: AsyncEngine) -> Path | None:
    """The lock file of a SQLite file database (None for other databases and ``:memory:``)."""
    url = engine.url
    db = url.database
    if url.get_backend_name() != "sqlite" or not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db + ".leader")


class LeaderLock:
    """Held by at most one process of a deployment at a time (until :meth:`release` or the
    process's death)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._conn: AsyncConnection | None = None
        self._lock_fd: int | None = None

    async def try_acquire(self) -> bool:
        """True if this process holds the lock now (never waits)."""
        if self.engine.dialect.name != "postgresql":
            return self._try_file_lock()
        if self._conn is None:
            self._conn = await self.engine.connect()
        got = await self._conn.scalar(
            text("SELECT pg_try_advisory_lock(:a, :b)"),
            {"a": SCHEDULER_LOCK[0], "b": SCHEDULER_LOCK[1]},
        )
        await self._conn.commit()
        if not got:
            await self._conn.close()
            self._conn = None
        return bool(got)

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

    async def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
            self._conn = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the only descriptor drops the flock
            self._lock_fd = None
