"""The product's database pools: one SQLite connection; PostgreSQL keeps a configurable set open."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import open_database
from bot.settings import DB_POOL_BUDGET, load_settings, pool_per_worker
from storage.uow import UnitOfWork


async def test_pool_sizes_follow_the_backend(db_url: str, tmp_path: Path) -> None:
    settings = load_settings(database_url=db_url, data_dir=tmp_path, db_pool_size=7)
    async with open_database(settings, migrate=False) as db:
        pool = db.engine.sync_engine.pool
        if db.engine.dialect.name == "sqlite":
            assert (pool.size(), pool._max_overflow) == (1, 0)  # type: ignore[attr-defined]
        else:  # connections opened per burst cost the server a process each: none are
            assert (pool.size(), pool._max_overflow) == (7, 0)  # type: ignore[attr-defined]
        async with UnitOfWork(db.sessionmaker) as uow:
            assert (await uow.session.execute(text("SELECT 1"))).scalar() == 1


def test_the_default_pool_is_the_deployments_budget_shared_by_webhook_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARBOT_DB_POOL_SIZE", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    assert load_settings().db_pool_size == DB_POOL_BUDGET == 40
    assert [pool_per_worker(n) for n in (1, 2, 4, 8, 20)] == [40, 20, 10, 5, 5]
