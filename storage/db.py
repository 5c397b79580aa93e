"""Async engine and session factory for SQLite and PostgreSQL (asyncpg).

SQLite URLs say ``sqlite+aiosqlite://`` (settings, tests, docs); :func:`make_engine` runs them on
the ``sqlite+parbot`` dialect of :mod:`storage.sqlite_loop` (sqlite3 in the event-loop thread, no
thread hop per statement) unless ``PARBOT_SQLITE_DRIVER=aiosqlite`` asks for aiosqlite."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import registry
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.sqlite_loop import LoopConnection

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_DRIVER_ENV = "PARBOT_SQLITE_DRIVER"
"""``parbot`` (default: sqlite3 in the loop thread) or ``aiosqlite`` (a thread hop per call)."""

registry.register("sqlite.parbot", "storage.sqlite_loop", "SQLiteDialect_parbot")

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def normalize_url(url: str | URL) -> URL:
    """Parse ``url`` and pick the async driver when none is given.

    ``sqlite:///x.db`` → ``sqlite+aiosqlite:///x.db``; ``postgresql://`` and ``postgres://``
    → ``postgresql+asyncpg://``.
    """
    text = url.render_as_string(hide_password=False) if isinstance(url, URL) else url
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://") :]
    u = make_url(text)
    if "+" not in u.drivername and u.drivername in _ASYNC_DRIVERS:
        u = u.set(drivername=_ASYNC_DRIVERS[u.drivername])
    return u


def is_sqlite(url: str | URL) -> bool:
    return normalize_url(url).get_backend_name() == "sqlite"


def _sqlite_file(u: URL) -> Path | None:
    db = u.database
    if not db or db == ":memory:" or db.startswith("file:") or u.query.get("mode") == "memory":
        return None
    return Path(db).expanduser()


def _sqlite_connect_listener(foreign_keys: bool) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        _configure_sqlite_connection(dbapi_connection, foreign_keys)

    return on_connect


def _configure_sqlite_connection(dbapi_connection: Any, foreign_keys: bool) -> None:
    # Let SQLAlchemy (not the sqlite3 module) emit BEGIN, so that SAVEPOINTs, transactional
    # DDL and repeatable reads work (see SQLAlchemy docs "Transactions with SQLite").
    dbapi_connection.isolation_level = None
    loop_thread = isinstance(dbapi_connection, LoopConnection)
    if loop_thread:  # never wait for a lock in the loop thread: it waits in a worker thread
        dbapi_connection.busy_timeout_ms = SQLITE_BUSY_TIMEOUT_MS
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={0 if loop_thread else SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


SQLITE_BEGIN_OPTION = "parbot_sqlite_begin"
"""Connection execution option naming the BEGIN statement of the next SQLite transaction."""

_BEGIN_STATEMENTS = ("BEGIN", "BEGIN DEFERRED", "BEGIN IMMEDIATE", "BEGIN EXCLUSIVE")


def _sqlite_begin_listener(default: str) -> Callable[[Connection], None]:
    def on_begin(conn: Connection) -> None:
        statement = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, default)
        if statement not in _BEGIN_STATEMENTS:
            raise ValueError(f"bad {SQLITE_BEGIN_OPTION}: {statement!r}")
        dbapi = conn.connection.dbapi_connection
        if isinstance(dbapi, LoopConnection):  # emitted by the dialect's do_begin, directly
            dbapi.begin_statement = statement
        else:
            conn.exec_driver_sql(statement)

    return on_begin


def make_engine(
    url: str | URL,
    *,
    echo: bool = False,
    sqlite_begin: str = "BEGIN IMMEDIATE",
    sqlite_foreign_keys: bool = True,
    **kwargs: Any,
) -> AsyncEngine:
    """Create an :class:`AsyncEngine` for ``url`` (driver added when missing).

    For SQLite: the parent directory of a file database is created, and every connection
    gets ``foreign_keys=ON``, WAL journal and a busy timeout.  BEGIN is emitted by SQLAlchemy
    (so SAVEPOINTs and transactional DDL work); by default ``BEGIN IMMEDIATE``: a transaction
    takes SQLite's single write lock up front and concurrent transactions *wait* (busy
    timeout) instead of failing with "database is locked" when a read turns into a write.
    A read-only unit of work uses a deferred BEGIN (``UnitOfWork(sm, read_only=True)``).
    ``sqlite_foreign_keys=False`` is only for migrations (SQLite table rebuilds must not
    cascade); they check ``PRAGMA foreign_key_check`` before committing.
    SQLite runs on :mod:`storage.sqlite_loop` (statements in the event-loop thread; the wait
    for a lock, long reads and WAL checkpoints in worker threads) unless
    ``PARBOT_SQLITE_DRIVER=aiosqlite``.
    For PostgreSQL: a pooled connection idle for :data:`PING_AFTER_IDLE_S` is pinged before use
    (:func:`_ping_when_idle`).
    """
    u = normalize_url(url)
    if u.get_backend_name() == "sqlite":
        path = _sqlite_file(u)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        if u.drivername == "sqlite+aiosqlite" and os.environ.get(SQLITE_DRIVER_ENV) != "aiosqlite":
            u = u.set(drivername="sqlite+parbot")
        engine = create_async_engine(u, echo=echo, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_connect_listener(sqlite_foreign_keys))
        event.listen(engine.sync_engine, "begin", _sqlite_begin_listener(sqlite_begin))
        return engine
    engine = create_async_engine(u, echo=echo, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine)
    return engine


PING_AFTER_IDLE_S = 2.0
"""A PostgreSQL connection that has been back in the pool this long is pinged before use."""


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Ping a pooled PostgreSQL connection before use only when it has been idle a while.

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout: one more round trip per unit of
    work, two per officer update (measured 2026-12-07: ~11 socket sends per update, each tens
    to a hundred µs of the bot's CPU). A connection that is in steady use has just proved
    itself; one left idle (overnight, across a database restart) is checked, and a dead one is
    replaced before the unit of work starts (``DisconnectionError`` makes the pool reconnect).
    A connection that dies while in steady use fails its next statement: that update is an
    outage (503 / "busy, nothing saved", see storage.errors) and the pool drops the
    connection, so the next update reconnects."""
    sync = engine.sync_engine

    def checkin(dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        try:
            sync.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # any failure: this connection is not to be trusted
            raise DisconnectionError(f"idle connection failed its ping: {exc}") from exc

    event.listen(sync, "checkin", checkin)
    event.listen(sync, "checkout", checkout)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Session factory used by :class:`storage.uow.UnitOfWork` (``expire_on_commit=False``)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)
