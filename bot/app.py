"""Composition root: settings → database (migrated) → unit-of-work factory.

Nothing here runs at import time; the CLI and the runtimes call ``open_database`` when they start.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.settings import Settings
from storage.db import is_sqlite, make_engine, make_sessionmaker
from storage.migrate import upgrade
from storage.uow import UnitOfWork


@dataclass
class Database:
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessionmaker)

    async def close(self) -> None:
        await self.engine.dispose()


@asynccontextmanager
async def open_database(settings: Settings, *, migrate: bool = True) -> AsyncIterator[Database]:
    """Migrations are applied on every start so a deployment can never run on an old schema."""
    if settings.database_url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    if migrate:
        await upgrade(settings.database_url)
    # SQLite writes are serial anyway: one pooled connection makes writers queue fairly in
    # asyncio instead of spinning in SQLite's busy handler (multi-second tails, "locked" errors).
    pool = {"pool_size": 1, "max_overflow": 0} if is_sqlite(settings.database_url) else {}
    engine = make_engine(settings.database_url, **pool)
    db = Database(engine, make_sessionmaker(engine))
    try:
        yield db
    finally:
        await db.close()
