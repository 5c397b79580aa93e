"""Migrations: from scratch, idempotent, reversible, and in agreement with the models."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from storage import migrate
from storage.db import make_engine
from storage.models import Base

EXPECTED_TABLES = {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"}


async def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: sa.inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def _diff(url: str) -> list[Any]:
    def compare(conn: Connection) -> list[Any]:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, Base.metadata))

    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(compare)
    finally:
        await engine.dispose()


async def test_upgrade_from_scratch(empty_db_url: str) -> None:
    assert await migrate.current_revision(empty_db_url) is None
    assert await _tables(empty_db_url) == set()
    await migrate.upgrade(empty_db_url)
    assert await migrate.current_revision(empty_db_url) == migrate.head_revision() == "0010_hotpath"
    assert await _tables(empty_db_url) == EXPECTED_TABLES


async def test_upgrade_twice_is_a_noop(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO periods (year, title, created_at) "
                    "VALUES (2024, 'x', '2024-01-01 00:00:00')"
                )
            )
    finally:
        await engine.dispose()
    await migrate.upgrade(db_url)
    await migrate.upgrade(db_url)
    assert await migrate.current_revision(db_url) == migrate.head_revision()
    engine = make_engine(db_url)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(sa.text("SELECT count(*) FROM periods"))).scalar() == 1
    finally:
        await engine.dispose()


async def test_models_and_migrations_agree(db_url: str) -> None:
    """Like ``alembic check``: autogenerate finds nothing to do on a migrated database."""
    assert await _diff(db_url) == []


async def test_initial_migration_inserts_boards(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.text("SELECT code, name_vi, name_en FROM boards ORDER BY code")
                )
            ).all()
    finally:
        await engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("commune", "Bảng 2: UBND xã, phường", "Board 2: Commune People's Committees"),
        ("department", "Bảng 1: Cơ quan chuyên môn", "Board 1: Specialised departments"),
    ]


async def test_downgrade_to_base_and_up_again(db_url: str) -> None:
    await migrate.downgrade(db_url, "base")
    assert await migrate.current_revision(db_url) is None
    assert await _tables(db_url) == {"alembic_version"}
    await migrate.upgrade(db_url)
    assert await _tables(db_url) == EXPECTED_TABLES
    assert await _diff(db_url) == []


async def test_upgrade_sync_inside_running_loop(empty_db_url: str) -> None:
    # a sync caller (e.g. a CLI helper) invoked while an event loop is running
    migrate.upgrade_sync(empty_db_url)
    assert await migrate.current_revision(empty_db_url) == migrate.head_revision()


def test_upgrade_sync_without_loop(tmp_path: Any) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'dir' / 'parbot.db'}"
    migrate.upgrade_sync(url)
    migrate.upgrade_sync(url)
    assert (tmp_path / "nested" / "dir" / "parbot.db").is_file()


async def test_sqlite_migration_refuses_foreign_key_violations(tmp_path: Any) -> None:
    """SQLite migrations run with foreign_keys=OFF (batch rebuilds); violations abort them."""
    import pytest

    url = f"sqlite+aiosqlite:///{tmp_path / 'parbot.db'}"
    await migrate.upgrade(url)
    engine = make_engine(url, sqlite_foreign_keys=False)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO units (period_id, code, name, board, created_at) "
                    "VALUES (42, 'x', 'x', 'commune', '2024-01-01 00:00:00')"
                )
            )
    finally:
        await engine.dispose()
    with pytest.raises(RuntimeError, match="foreign key violations"):
        await migrate.upgrade(url)


async def test_concurrent_upgrades(empty_db_url: str) -> None:
    """Several processes starting at once: upgrades serialise (PostgreSQL advisory lock,
    SQLite write lock) and the later ones find the database at head."""
    import asyncio

    await asyncio.gather(*(migrate.upgrade(empty_db_url) for _ in range(3)))
    assert await migrate.current_revision(empty_db_url) == migrate.head_revision()
    assert await _diff(empty_db_url) == []


async def test_concurrent_upgrades_from_separate_processes(empty_db_url: str) -> None:
    import asyncio
    import sys

    code = "import sys; from storage import migrate; migrate.upgrade_sync(sys.argv[1])"
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", code, empty_db_url, stderr=asyncio.subprocess.PIPE
        )
        for _ in range(3)
    ]
    for proc in procs:
        _, err = await proc.communicate()
        assert proc.returncode == 0, err.decode()
    assert await migrate.current_revision(empty_db_url) == migrate.head_revision()
    assert await _diff(empty_db_url) == []
