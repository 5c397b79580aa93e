"""Run the Alembic migrations programmatically (no alembic.ini needed).

    await storage.migrate.upgrade("sqlite+aiosqlite:///data/parbot.db")
    storage.migrate.upgrade_sync("postgresql+asyncpg://user@host/db")   # from sync code

The sync Alembic commands run through ``AsyncConnection.run_sync``, so :func:`upgrade` works
inside an already running event loop; the whole upgrade is one transaction (transactional DDL
on both SQLite and PostgreSQL).  Upgrading an up-to-date database is a no-op.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import pool
from sqlalchemy.engine import URL, Connection

from storage.db import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_config() -> Config:
    """An Alembic ``Config`` pointing at ``storage/migrations`` (no ini file)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The newest revision id in ``storage/migrations/versions``."""
    head = ScriptDirectory.from_config(make_config()).get_current_head()
    assert head is not None
    return head


def check_sqlite_foreign_keys(connection: Connection) -> None:
    """Raise if the (SQLite) database violates a foreign key; no-op on other backends.

    Migrations run on SQLite with ``foreign_keys=OFF`` (so that batch table rebuilds do not
    cascade deletes), hence this check before their transaction commits."""
    if connection.dialect.name != "sqlite":
        return
    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"foreign key violations after migration: {problems[:10]!r}")


# Alembic keeps its `context`/`op` proxies in module globals, so two commands must never
# interleave in one process (run_sync yields to the event loop at every query).  A plain
# threading lock, polled, works across tasks, event loops and threads and is cancel-safe.
_ALEMBIC_LOCK = threading.Lock()


async def _run(url: str | URL, fn: Callable[[Connection], Any]) -> Any:
    while not _ALEMBIC_LOCK.acquire(blocking=False):
        await asyncio.sleep(0.02)
    try:
        engine = make_engine(url, poolclass=pool.NullPool, sqlite_foreign_keys=False)
        try:
            async with engine.begin() as conn:
                result = await conn.run_sync(fn)
                await conn.run_sync(check_sqlite_foreign_keys)
                return result
        finally:
            await engine.dispose()
    finally:
        _ALEMBIC_LOCK.release()


def _command(name: str, revision: str) -> Callable[[Connection], None]:
    def run(connection: Connection) -> None:
        cfg = make_config()
        cfg.attributes["connection"] = connection
        getattr(command, name)(cfg, revision)

    return run


async def upgrade(url: str | URL, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision`` (default: head)."""
    await _run(url, _command("upgrade", revision))


async def downgrade(url: str | URL, revision: str) -> None:
    """Downgrade the database at ``url`` to ``revision`` (``"base"`` drops everything)."""
    await _run(url, _command("downgrade", revision))


async def current_revision(url: str | URL) -> str | None:
    """The revision the database is at, or ``None`` for an unmigrated database."""

    def get(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    result: str | None = await _run(url, get)
    return result


def _run_sync(coro_factory: Callable[[], Any]) -> Any:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro_factory())
    # Called from synchronous code running inside an event loop: use a private loop in a
    # worker thread instead of asyncio.run (which refuses to nest).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="parbot-migrate") as ex:
        return ex.submit(lambda: asyncio.run(coro_factory())).result()


def upgrade_sync(url: str | URL, revision: str = "head") -> None:
    """Blocking :func:`upgrade`, callable from sync code (even inside a running loop)."""
    _run_sync(lambda: upgrade(url, revision))


def downgrade_sync(url: str | URL, revision: str) -> None:
    _run_sync(lambda: downgrade(url, revision))
