"""The product's database pools: one SQLite connection; PostgreSQL keeps a configurable set open."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from bot.app import open_database
from bot.settings import load_settings
from storage.uow import UnitOfWork


async def test_pool_sizes_follow_the_backend(db_url: str, tmp_path: Path) -> None:
    settings = load_settings(database_url=db_url, data_dir=tmp_path, db_pool_size=7)
    async with open_database(settings, migrate=False) as db:
        pool = db.engine.sync_engine.pool
        if db.engine.dialect.name == "sqlite":
            assert (pool.size(), pool._max_overflow) == (1, 0)  # type: ignore[attr-defined]
        else:  # connections opened per burst cost the server a process each: kept open
            assert (pool.size(), pool._max_overflow) == (7, 10)  # type: ignore[attr-defined]
        async with UnitOfWork(db.sessionmaker) as uow:
            assert (await uow.session.execute(text("SELECT 1"))).scalar() == 1
