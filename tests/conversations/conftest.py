from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import open_database
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
