"""Database fixtures: every test that uses ``db_url`` runs on SQLite *and* PostgreSQL.

The first section is generic (it can move to ``tests/conftest.py`` unchanged):

* ``backend``        – parametrised ``"sqlite"`` / ``"postgres"`` (the latter marked
                       ``postgres``, so ``-m "not postgres"`` deselects it);
* ``empty_db_url``   – URL of a fresh, empty database;
* ``db_url``         – URL of a fresh database migrated to head;
* ``engine`` / ``sessionmaker`` – an ``AsyncEngine`` / session factory on ``db_url``.

SQLite: a temporary file per test.  PostgreSQL: per test session a database
``parbot_test_<random>`` is created through the admin database and migrated once; each test
gets a clone of it (``CREATE DATABASE … TEMPLATE``); all are dropped at the end, so the tests
never touch the admin database's own tables.

Redis (``redis_server`` / ``redis_target``): the local server, each test with its own key
namespace, whose keys are deleted at the end.

Tiers: every test gets one marker from its folder (``TIERS`` below, registered in
pyproject.toml), and ``e2e`` too when it drives the real runtime (the ``stack`` fixture), so
``pytest -m "not e2e and not browser"`` is the fast loop.

Shared by several test folders (so no test module imports another's): ``cli`` (the ``parbot``
command in-process on ``db_url``), ``sqlite_sm`` (a migrated SQLite file opened as the product
opens it) and ``stack`` (the Bot API emulator + the real runtime, both runtimes).

Environment:
  ``PARBOT_TEST_PG_URL``    – admin URL (default ``postgresql+asyncpg://postgres@127.0.0.1:5432/test``)
  ``PARBOT_TEST_REDIS_URL`` – Redis URL (default ``redis://127.0.0.1:6379/0``)
  ``CI=true``               – an unreachable PostgreSQL or Redis is an error instead of a skip.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import asyncpg
import pytest
from click.testing import Result
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage import migrate
from storage.db import make_engine, make_sessionmaker
from storage.repositories import ItemSpec
from storage.uow import UnitOfWork

if TYPE_CHECKING:  # the CLI and the runtime load only when a test asks for them
    from tests.e2e.harness import Stack

T = TypeVar("T")

PG_ADMIN_URL = os.environ.get(
    "PARBOT_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _run_blocking(factory: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion from sync code, on a private loop in a worker thread
    (never disturbs the event loop pytest-asyncio manages)."""

    async def main() -> T:
        return await factory()

    with ThreadPoolExecutor(max_workers=1) as ex:
        return ex.submit(asyncio.run, main()).result()


class PostgresServer:
    """Creates and drops per-test databases on one PostgreSQL server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(admin_url)
        self.prefix = f"parbot_test_{uuid.uuid4().hex[:12]}"
        self.template = self.prefix
        self._counter = 0

    def url(self, database: str) -> str:
        u = self.admin_url.set(drivername="postgresql+asyncpg", database=database)
        return u.render_as_string(hide_password=False)

    def _dsn(self) -> str:
        u = self.admin_url.set(drivername="postgresql")
        return u.render_as_string(hide_password=False)

    async def execute(self, *statements: str) -> None:
        conn = await asyncpg.connect(self._dsn(), timeout=10)
        try:
            for sql in statements:
                await conn.execute(sql)
        finally:
            await conn.close()

    async def fetch_names(self) -> list[str]:
        conn = await asyncpg.connect(self._dsn(), timeout=10)
        try:
            rows = await conn.fetch(
                "SELECT datname FROM pg_database WHERE datname LIKE $1", self.prefix + "%"
            )
        finally:
            await conn.close()
        return [r["datname"] for r in rows]

    def next_name(self) -> str:
        self._counter += 1
        return f"{self.prefix}_{self._counter}"

    async def create(self, name: str, template: str | None = None) -> str:
        tpl = f' TEMPLATE "{template}"' if template else ""
        await self.execute(f'CREATE DATABASE "{name}"{tpl}')
        return self.url(name)

    async def drop(self, name: str) -> None:
        await self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    async def drop_all(self) -> None:
        for name in await self.fetch_names():
            await self.drop(name)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server with a migrated template database (created once per session)."""
    server = PostgresServer(PG_ADMIN_URL)
    try:
        _run_blocking(lambda: server.execute("SELECT 1"))
    except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        where = server.admin_url.render_as_string(hide_password=True)
        message = f"PostgreSQL not reachable at {where}: {exc!r}"
        if _in_ci():
            pytest.fail(f"{message} (CI=true: PostgreSQL tests must run)", pytrace=False)
        pytest.skip(f"{message}; set PARBOT_TEST_PG_URL or start PostgreSQL")
    try:
        _run_blocking(lambda: server.create(server.template))
        _run_blocking(lambda: migrate.upgrade(server.url(server.template)))
        yield server
    finally:
        _run_blocking(server.drop_all)


class _Backend:
    """What the generic fixtures need from a backend: fresh empty or migrated databases."""

    name: str

    async def create(self, migrated: bool) -> str:
        raise NotImplementedError

    async def cleanup(self) -> None:
        return None


class _SqliteBackend(_Backend):
    name = "sqlite"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._n = 0

    async def create(self, migrated: bool) -> str:
        self._n += 1
        url = f"sqlite+aiosqlite:///{self.directory / f'db{self._n}' / 'parbot.sqlite3'}"
        if migrated:
            await migrate.upgrade(url)
        return url


class _PostgresBackend(_Backend):
    name = "postgres"

    def __init__(self, server: PostgresServer) -> None:
        self.server = server
        self.names: list[str] = []

    async def create(self, migrated: bool) -> str:
        name = self.server.next_name()
        self.names.append(name)
        return await self.server.create(name, self.server.template if migrated else None)

    async def cleanup(self) -> None:
        for name in self.names:
            await self.server.drop(name)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> _Backend:
    if request.param == "sqlite":
        return _SqliteBackend(tmp_path)
    return _PostgresBackend(request.getfixturevalue("pg_server"))


@pytest.fixture
async def _databases(backend: _Backend) -> AsyncIterator[_Backend]:
    yield backend
    await backend.cleanup()


@pytest.fixture
async def empty_db_url(_databases: _Backend) -> str:
    """A fresh database with no tables."""
    return await _databases.create(migrated=False)


@pytest.fixture
async def db_url(_databases: _Backend) -> str:
    """A fresh database migrated to head."""
    return await _databases.create(migrated=True)


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(db_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_sessionmaker(engine)


@pytest.fixture
async def sqlite_sm(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A migrated SQLite file with one connection, as the product opens SQLite (bot/app.py)."""
    url = f"sqlite+aiosqlite:///{(tmp_path / 'parbot.db').as_posix()}"
    await migrate.upgrade(url)
    eng = make_engine(url, pool_size=1, max_overflow=0)
    try:
        yield make_sessionmaker(eng)
    finally:
        await eng.dispose()


# ----------------------------------------------------------------------------------- the CLI

CliRun = Callable[..., Result]


@pytest.fixture
def cli(db_url: str, tmp_path: Path) -> CliRun:
    """``parbot`` in-process on a fresh migrated database, messages in English.

    ``cli("rank", "--period", "2024")`` asserts exit code 0; ``code=N`` asserts N instead;
    ``ok=False`` asserts nothing (the caller checks the result); ``locale="vi"`` for Vietnamese.
    """
    from click.testing import CliRunner

    from bot.cli import main as parbot_cli

    runner = CliRunner()
    env = {"PARBOT_DATABASE_URL": db_url, "PARBOT_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str, ok: bool = True, code: int | None = None, locale: str = "en") -> Result:
        result = runner.invoke(
            parbot_cli, list(args), env={**env, "PARBOT_LOCALE": locale}, catch_exceptions=False
        )
        expected = code if code is not None else 0 if ok else None
        if expected is not None:
            assert result.exit_code == expected, result.output + (result.stderr or "")
        return result

    return run


# ----------------------------------------------------------------- the bot over real HTTP


@pytest.fixture(params=["aiogram", "ptb"])
async def stack(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Stack]:
    """The Bot API emulator and the real ``parbot`` runtime (each of the two) over real HTTP."""
    from tests.e2e.harness import close_stack, make_stack

    s = await make_stack(tmp_path, request.param)
    try:
        yield s
    finally:
        await close_stack(s)


# ---------------------------------------------------------------------------------- tiers

# Folder under tests/ → tier marker. "" is the top level (tests/test_*.py).
TIERS: dict[str, str] = {
    # pure functions: no database, no network
    "scoring": "domain",
    "plan": "domain",
    "evidence_check": "domain",
    "catalog_draft": "core",
    # repositories, unit of work, migrations, backup and restore on SQLite and PostgreSQL
    "storage": "storage",
    "backup": "storage",
    # the conversation core, the CLI, the outbox and the emulator, in-process
    "conversations": "core",
    "security": "core",
    "results": "core",
    "reminders": "core",
    "cli": "core",
    "bot": "core",
    "evidence_pack": "core",
    "outbox": "core",
    "emulator": "core",
    "handlers": "core",
    "fuzz": "core",
    "years": "core",
    # the real runtime over HTTP (both runtimes), worker processes; also, in any folder, every
    # test that uses the `stack` fixture
    "e2e": "e2e",
    "scaleout": "e2e",
    # timeouts, outages, kill -9, hostile webhook clients
    "faults": "faults",
    "webhook": "faults",
    # the demo page in Chromium
    "browser": "browser",
    # repository-wide checks: translations, ruff, mypy, import contracts
    "": "quality",
}


@pytest.hookimpl(tryfirst=True)  # before pytest's own hook deselects by -m
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        parts = item.path.relative_to(here).parts
        folder = parts[0] if len(parts) > 1 else ""
        if folder not in TIERS:
            raise pytest.UsageError(
                f"{item.path}: tests/{folder}/ has no tier; add it to TIERS in tests/conftest.py"
            )
        item.add_marker(TIERS[folder])
        if "stack" in getattr(item, "fixturenames", ()) and TIERS[folder] != "e2e":
            item.add_marker("e2e")  # the real runtime through the emulator, wherever it lives


# --------------------------------------------------------------------------------------- Redis

REDIS_URL = os.environ.get("PARBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def redis_server() -> str:
    """URL of the local Redis; skips the test if it is not there (fails it with ``CI=true``:
    the scale-out tests must run in CI, and a silent skip would hide a broken setup)."""
    try:
        import redis.asyncio as aioredis
    except ImportError as exc:  # the ``redis`` extra is part of ``dev``
        message = f"the redis package is not installed: {exc}"
    else:

        async def ping() -> None:
            client = aioredis.Redis.from_url(REDIS_URL, socket_connect_timeout=3, retry=None)
            try:
                await client.ping()
            finally:
                await client.aclose()

        try:
            _run_blocking(ping)
            return REDIS_URL
        except Exception as exc:  # redis-py's ConnectionError, TimeoutError, auth errors…
            message = f"Redis not reachable at {REDIS_URL}: {exc!r}"
    if _in_ci():
        pytest.fail(f"{message} (CI=true: Redis tests must run)", pytrace=False)
    pytest.skip(f"{message}; set PARBOT_TEST_REDIS_URL or start Redis")


@dataclass
class RedisTarget:
    """The local Redis for one test: ``namespace`` is unique to the test; every key under it,
    and under any prefix added to ``prefixes``, is deleted when the test ends."""

    url: str
    namespace: str
    prefixes: list[str]


@pytest.fixture
async def redis_target(redis_server: str) -> AsyncIterator[RedisTarget]:
    import redis.asyncio as aioredis

    target = RedisTarget(redis_server, f"parbot-test:{uuid.uuid4().hex[:12]}", [])
    target.prefixes.append(target.namespace)
    yield target
    client = aioredis.Redis.from_url(redis_server)
    try:
        for prefix in target.prefixes:
            keys = [k async for k in client.scan_iter(match=f"{prefix}*", count=500)]
            if keys:
                await client.delete(*keys)
    finally:
        await client.aclose()


# --------------------------------------------------------------------------- storage-specific
# (stays in tests/storage when the generic part above moves to tests/conftest.py)

SAMPLE_YAML = """\
catalog: xa-2024
title: Bộ chỉ số CCHC cấp xã năm 2024 (mẫu)
board: commune
items:
  - code: "1"
    title: Công tác chỉ đạo, điều hành CCHC
    max: 1.5
    items:
      - code: "1.1.1"
        title: Kế hoạch CCHC hàng năm
        max: 0.5
        answer: {kind: choice, options: [{id: co, label: Có, points: 0.5}, {id: khong, label: Không, points: 0}]}
      - code: "1.1.2"
        title: Tỷ lệ hoàn thành kế hoạch
        max: 1
        answer: {kind: ratio, numerator: "xong", denominator: "tổng", bands: [{min_pct: 100, points: 1}, {min_pct: 0, points: 0}]}
"""

SAMPLE_ITEMS = [
    ItemSpec("1", "Công tác chỉ đạo, điều hành CCHC", "1.5", is_leaf=False),
    ItemSpec("1.1.1", "Kế hoạch CCHC hàng năm", "0.5", parent_code="1", kind="choice"),
    ItemSpec("1.1.2", "Tỷ lệ hoàn thành kế hoạch", "1", parent_code="1", kind="ratio"),
]


@dataclass
class World:
    """A period with a commune catalog, two units and one officer."""

    period_id: int
    catalog_id: int
    unit_id: int
    other_unit_id: int
    person_id: int
    items: dict[str, int]  # item code -> catalog_items.id


async def make_world(
    sm: async_sessionmaker[AsyncSession], year: int = 2024, telegram_user_id: int = 1001
) -> World:
    async with UnitOfWork(sm) as uow:
        period = await uow.periods.create(year, f"Chỉ số CCHC năm {year}")
        catalog = await uow.catalogs.create(
            period.id,
            f"xa-{year}",
            f"Bộ chỉ số xã {year}",
            ["commune"],
            SAMPLE_YAML,
            items=SAMPLE_ITEMS,
        )
        unit = await uow.units.create(
            period.id, "xa-an-binh", "UBND xã An Bình", "commune", catalog.id
        )
        other = await uow.units.create(
            period.id, "xa-binh-an", "UBND xã Bình An", "commune", catalog.id
        )
        person = await uow.people.get_by_telegram_id(telegram_user_id)
        if person is None:
            person = await uow.people.upsert(telegram_user_id, telegram_user_id, "Nguyễn Văn A")
        items = {i.code: i.id for i in await uow.catalogs.items(catalog.id)}
        return World(period.id, catalog.id, unit.id, other.id, person.id, items)


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> World:
    return await make_world(sessionmaker)


@pytest.fixture
def world_factory(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> Callable[..., Awaitable[World]]:
    """``await world_factory(year=2025, telegram_user_id=…)`` → another seeded period."""

    async def factory(year: int = 2024, telegram_user_id: int = 1001) -> World:
        return await make_world(sessionmaker, year, telegram_user_id)

    return factory
