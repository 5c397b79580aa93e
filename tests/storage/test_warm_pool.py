"""The bot's start opens PostgreSQL connections with the hot statements prepared on each, and
writes nothing (storage.warm_pool)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import open_database
from bot.settings import load_settings
from storage.db import make_engine, make_sessionmaker
from storage.models import ConversationState, ProcessedUpdate
from storage.warm_pool import WARM_CONNECTIONS, warm_pool

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg_url(pg_server: Any) -> AsyncIterator[str]:
    name = pg_server.next_name()
    yield await pg_server.create(name, pg_server.template)
    await pg_server.drop(name)


async def _prepared_on_each(engine: AsyncEngine, n: int) -> list[list[str]]:
    """The statements prepared on ``n`` pooled connections, held at once (so all distinct)."""
    held = asyncio.Barrier(n)

    async def one() -> list[str]:
        async with engine.connect() as conn:
            got = await conn.execute(text("SELECT statement FROM pg_prepared_statements"))
            await held.wait()
            return [str(row[0]) for row in got]

    return list(await asyncio.gather(*(one() for _ in range(n))))


async def test_warmed_connections_have_the_hot_statements_prepared(pg_url: str) -> None:
    engine = make_engine(pg_url, pool_size=5, max_overflow=0)
    try:
        assert await warm_pool(make_sessionmaker(engine), 3) == 3
        assert engine.sync_engine.pool.checkedin() == 3  # type: ignore[attr-defined]
        for statements in await _prepared_on_each(engine, 3):
            joined = "\n".join(statements)
            for hot in (
                "FROM people",
                "hot_revision",
                "FROM answers",
                "UPDATE conversation_state",
                "0 AS part",
            ):
                assert hot in joined
        async with engine.connect() as conn:
            for table in (ConversationState, ProcessedUpdate):
                count = select(func.count()).select_from(table)
                assert (await conn.execute(count)).scalar() == 0  # nothing written
    finally:
        await engine.dispose()


async def test_a_database_without_tables_is_not_warmed_and_does_not_stop_the_start(
    pg_server: Any,
) -> None:
    name = pg_server.next_name()
    url = await pg_server.create(name, None)
    engine = make_engine(url, pool_size=2, max_overflow=0)
    try:
        assert await warm_pool(make_sessionmaker(engine), 2) == 0
    finally:
        await engine.dispose()
        await pg_server.drop(name)


async def test_the_runtime_warms_and_the_cli_does_not(pg_url: str, tmp_path: Path) -> None:
    settings = load_settings(database_url=pg_url, data_dir=tmp_path, db_pool_size=12)
    async with open_database(settings, migrate=False, warm=True) as db:
        assert db.engine.sync_engine.pool.checkedin() == WARM_CONNECTIONS  # type: ignore[attr-defined]
    async with open_database(settings, migrate=False) as db:
        assert db.engine.sync_engine.pool.checkedin() == 0  # type: ignore[attr-defined]


async def test_a_light_load_keeps_using_the_freshest_connection(
    pg_url: str, tmp_path: Path
) -> None:
    """The runtime's pool is last-in-first-out: one officer at a time after a start that opened
    ten connections is served by one of them, not by each in turn (each would idle between
    its turns and be pinged before use)."""
    settings = load_settings(database_url=pg_url, data_dir=tmp_path, db_pool_size=12)
    async with open_database(settings, migrate=False, warm=True) as db:
        backends = set()
        for _ in range(5):
            async with db.engine.connect() as conn:
                backends.add((await conn.execute(text("SELECT pg_backend_pid()"))).scalar())
        assert len(backends) == 1
