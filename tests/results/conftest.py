from __future__ import annotations

from pathlib import Path

import pytest

import documents
from bot.app import open_database
from bot.settings import load_settings
from conversations.context import CoreConfig
from conversations.engine import ChatEngine
from handlers.routes import build_registry
from tests.results.helpers import STANDARD_ANSWERS, UNITS, XA, Clock, User, write


@pytest.fixture
async def db(db_url: str, tmp_path: Path):
    settings = load_settings(database_url=db_url, data_dir=tmp_path / "data")
    async with open_database(settings, migrate=False) as database:
        yield database


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def config(tmp_path: Path) -> CoreConfig:
    return CoreConfig(
        formats=documents.formats(),
        data_dir=tmp_path / "data",
        expensive_every=0,
        default_locale="en",
    )


@pytest.fixture
def engine(db, clock, config) -> ChatEngine:
    return ChatEngine(db.uow, config, clock, routes=build_registry())


@pytest.fixture
def user(engine, db):
    async def make(
        user_id: int,
        unit: str | None = None,
        role: str | None = None,
        name: str = "Lan",
        lang: str = "en",
    ) -> User:
        u = User(engine, user_id, name, lang)
        if role is not None:
            await u.join(db, unit, role)
        return u

    return make


@pytest.fixture
def board(cli, tmp_path):
    """The standard commune board imported through the CLI (catalog, units, answers)."""
    cli("catalog", "import", str(XA), "--period", "2024")
    cli(
        "units",
        "import",
        write(tmp_path, "units.csv", UNITS.strip().splitlines()),
        "--period",
        "2024",
    )
    answers = ["unit,item,value,explanation", *STANDARD_ANSWERS]
    cli(
        "answers",
        "import",
        write(tmp_path, "answers.csv", answers),
        "--period",
        "2024",
        "--allow-missing-evidence",  # a sample sheet: no evidence files
    )
