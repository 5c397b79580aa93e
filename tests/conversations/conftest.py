from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import Database, open_database
from bot.settings import load_settings
from tests.conversations.harness import Clock, Person, make_engine, seed


@pytest.fixture
async def db(db_url: str, tmp_path: Path):
    settings = load_settings(database_url=db_url, data_dir=tmp_path / "data")
    async with open_database(settings, migrate=False) as database:
        await seed(database)
        yield database


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def engine(db, clock):
    engine = make_engine(db, clock)
    yield engine
    await engine.close()  # message ids written behind (delivered_ids) go before the database


@pytest.fixture
def person(engine):
    def make(user_id: int = 1001, name: str = "Lan", lang: str = "vi") -> Person:
        return Person(engine, user_id, name, lang)

    return make


@pytest.fixture
async def pg_db(pg_server: Any, tmp_path: Path) -> AsyncIterator[Database]:
    """The seeded database on PostgreSQL only (tests of what only PostgreSQL does)."""
    name = pg_server.next_name()
    url = await pg_server.create(name, pg_server.template)
    settings = load_settings(database_url=url, data_dir=tmp_path / "data")
    try:
        async with open_database(settings, migrate=False) as database:
            await seed(database)
            yield database
    finally:
        await pg_server.drop(name)
