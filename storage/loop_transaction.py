"""A unit of work's own transaction on the loop-thread SQLite dialect, without the ORM session.

An officer's update runs a handful of prebuilt statements straight on the driver
(:mod:`storage.prepared`); opening and closing its transaction through SQLAlchemy's
``AsyncSession`` cost more than those statements: the session's transaction bookkeeping and a
greenlet per ``connection()``, ``commit()`` and ``close()`` (measured 2026-12-07 on this
machine: ≈ 650 µs of CPU for connect, BEGIN, COMMIT and close against ≈ 100 µs for the
statement itself). :class:`LoopTransaction` checks a connection out of the engine's pool once,
sends BEGIN and COMMIT on the ``sqlite3`` connection itself (inline, or in a worker thread when
they meet a lock, exactly as every statement on that connection does) and keeps SQLAlchemy's
``Connection`` informed, so statements that do go through SQLAlchemy (and an ORM session bound
to :attr:`async_connection`, which joins the transaction) run in the same transaction.

Transactions stay SQLite's own BEGIN … COMMIT on one connection: atomicity and durability are
unchanged; only the Python around them is shorter.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import QueuePool
from sqlalchemy.util.concurrency import greenlet_spawn

from storage import prepared_pg
from storage.db import SQLITE_BEGIN_OPTION
from storage.sqlite_loop import LoopConnection


class LoopTransaction:
    """One connection of the pool and the transactions of one unit of work on it."""

    def __init__(self, engine: AsyncEngine, sync: Connection) -> None:
        self.sync = sync
        self.async_connection = AsyncConnection(engine, sync)
        self._driver = cast(LoopConnection, sync.connection.dbapi_connection)

    @classmethod
    async def open(cls, engine: AsyncEngine, *, begin: str | None = None) -> LoopTransaction:
        """A connection from ``engine``'s pool (in a greenlet: a new connection runs its set-up
        statements, which may wait for a lock); ``begin`` overrides the engine's BEGIN."""
        sync = await greenlet_spawn(engine.sync_engine.connect)
        if begin is not None:
            sync.execution_options(**{SQLITE_BEGIN_OPTION: begin})
        return cls(engine, sync)

    async def begin(self) -> None:
        """Start the transaction unless one is open (SQLAlchemy's own, or one an ORM session
        bound to this connection began). SQLAlchemy records the transaction and its ``begin``
        listener picks the statement; the driver then sends it here."""
        if self.sync.in_transaction():
            return
        driver = self._driver
        driver.defer_begin = True
        try:
            self.sync.begin()
        finally:
            driver.defer_begin = False
        statement = driver.begin_statement
        try:
            await driver.run_async(lambda: driver.raw.execute(statement))
        except sqlite3.Error as e:
            self.sync.rollback()
            raise DBAPIError.instance(statement, (), e, sqlite3.Error) from e

    async def commit(self) -> None:
        if not self.sync.in_transaction():
            return
        driver = self._driver
        try:
            await driver.run_async(driver.raw.commit)
        except sqlite3.Error as e:
            raise DBAPIError.instance("COMMIT", (), e, sqlite3.Error) from e
        self.sync.commit()  # the driver has nothing left to commit: SQLAlchemy's bookkeeping

    async def rollback(self) -> None:
        """Roll back (never waits for a lock: a rollback takes none)."""
        if self.sync.in_transaction():
            self.sync.rollback()

    async def close(self) -> None:
        """Back to the pool (a transaction still open is rolled back first)."""
        await self.rollback()
        self.sync.close()


class CoreTransaction:
    """The same for PostgreSQL: the unit of work's own Core connection and transaction,
    without the ORM session's bookkeeping (an ORM session made later joins it, as above).

    SQLAlchemy's asyncpg adapter sends BEGIN with the first statement (through SQLAlchemy or
    :mod:`storage.prepared_pg`); begin only records the transaction and commit sends COMMIT on
    the adapter's asyncpg transaction itself, then tells SQLAlchemy, without the greenlet each
    of SQLAlchemy's own calls costs. Where the adapter is not the one
    :mod:`storage.prepared_pg` knows, or the connection was invalidated, SQLAlchemy does it."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.async_connection = connection
        self.sync = cast(Connection, connection.sync_connection)

    @classmethod
    async def open(cls, engine: AsyncEngine) -> CoreTransaction:
        return cls(await engine.connect())

    async def begin(self) -> None:
        sync = self.sync
        if sync.in_transaction():
            return
        if sync.invalidated:
            await self.async_connection.begin()  # reconnects first
        else:
            sync.begin()  # bookkeeping only: PostgreSQL's BEGIN goes with the first statement

    async def commit(self, with_writes: Sequence[str] = ()) -> None:
        """COMMIT; ``with_writes`` (see :func:`storage.prepared_pg.commit`) in the same round
        trip.  When one fails, nothing is committed and the transaction is over."""
        sync = self.sync
        adapter: Any = None if sync.invalidated else sync.connection.dbapi_connection
        if with_writes and (
            not sync.in_transaction() or adapter is None or not prepared_pg.supported(adapter)
        ):  # never dropped silently (the unit of work checked before keeping it)
            raise RuntimeError("no transaction left to send the kept write with")
        if not sync.in_transaction():
            return
        if adapter is None or not prepared_pg.supported(adapter):
            await self.async_connection.commit()
            return
        try:
            await prepared_pg.commit(sync, adapter, with_writes)
        except prepared_pg.GuardFailed:
            sync.rollback()  # rolled back on the connection already: SQLAlchemy's bookkeeping
            raise
        sync.commit()  # the adapter has nothing left to commit: SQLAlchemy's bookkeeping

    async def send(self, writes: Sequence[str]) -> None:
        """``writes`` kept for COMMIT, sent now in one round trip (the transaction stays open;
        a failed guard leaves it aborted, for the unit of work's rollback)."""
        sync = self.sync
        if not sync.in_transaction() or sync.invalidated:
            raise RuntimeError("no transaction left to send the kept writes in")
        await prepared_pg.send_writes(sync, sync.connection.dbapi_connection, writes)

    async def rollback(self) -> None:
        if self.sync.in_transaction():
            await self.async_connection.rollback()

    async def close(self) -> None:
        """Back to the pool; without a greenlet when nothing is left to roll back and the pool
        keeps the connection (one over the pool's size is closed, which awaits asyncpg)."""
        sync = self.sync
        pool = sync.engine.pool
        if (
            sync.in_transaction()
            or sync.invalidated
            or not isinstance(pool, QueuePool)
            or pool.checkedin() >= pool.size()
        ):
            await self.async_connection.close()
        else:
            sync.close()
