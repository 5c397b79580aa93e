"""SQLite in the event-loop thread (storage/sqlite_loop.py): the loop never waits for a lock, a
long read or a checkpoint, and transactions stay SQLite's own (atomic, rolled back on error)."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import sqlite_loop
from storage.db import make_engine, make_sessionmaker
from storage.uow import UnitOfWork
from tests.storage.sqlite_locks import hold_write_lock

# a SELECT that runs ~0.6 s: longer than the inline budget, so it must finish in a thread
SLOW_SELECT = (
    "SELECT (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000000) "
    "SELECT count(*) FROM n)"
)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'loop.db'}", pool_size=1, max_overflow=0)
    async with eng.begin() as conn:
        await conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    yield eng
    await eng.dispose()


async def ticks_during(work: Awaitable[Any], every: float = 0.01) -> tuple[Any, int]:
    """Run ``work`` while a ticker counts its turns of the event loop: (result, ticks).

    Work that held the loop thread would let the ticker run once at most."""
    ticks, stop = 0, False

    async def ticker() -> None:
        nonlocal ticks
        while not stop:
            await asyncio.sleep(every)
            ticks += 1

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    try:
        result = await work
    finally:
        stop = True
        await task
    return result, ticks


async def test_the_default_driver_runs_in_the_loop_thread(engine: AsyncEngine) -> None:
    assert engine.dialect.driver == "parbot"
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        assert isinstance(raw.dbapi_connection, sqlite_loop.LoopConnection)


async def test_a_lock_held_elsewhere_is_waited_for_off_the_loop(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    sm = make_sessionmaker(engine)
    holder = hold_write_lock(tmp_path / "loop.db", 0.4)

    async def write() -> float:
        started = time.perf_counter()
        async with UnitOfWork(sm) as uow:
            await uow.session.execute(text("INSERT INTO t (v) VALUES ('mine')"))
        return time.perf_counter() - started

    waited, ticks = await ticks_during(write())
    holder.join()
    assert waited >= 0.25  # it really waited for the other transaction
    assert ticks >= 10  # …while the loop kept running (waiting inline: one tick at most)
    async with UnitOfWork(sm, read_only=True) as uow:
        rows = (await uow.session.execute(text("SELECT v FROM t ORDER BY id"))).scalars().all()
    assert rows == ["other", "mine"]  # serialised behind the other writer, nothing lost


async def test_a_lock_held_past_the_busy_timeout_fails_as_before(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    async with engine.connect() as conn:  # the pooled connection learns the short timeout
        raw = await conn.get_raw_connection()
        raw.dbapi_connection.busy_timeout_ms = 200
    holder = hold_write_lock(tmp_path / "loop.db", 1.0)
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            async with UnitOfWork(make_sessionmaker(engine)) as uow:
                await uow.session.execute(text("INSERT INTO t (v) VALUES ('late')"))
    finally:
        holder.join()


async def test_a_long_select_finishes_in_a_thread_and_keeps_the_transaction(
    engine: AsyncEngine,
) -> None:
    sm = make_sessionmaker(engine)

    async def work() -> int:
        async with UnitOfWork(sm) as uow:
            await uow.session.execute(text("INSERT INTO t (v) VALUES ('before')"))
            count = (await uow.session.execute(text(SLOW_SELECT))).scalar_one()
            await uow.session.execute(text("INSERT INTO t (v) VALUES ('after')"))
            return int(count)

    count, ticks = await ticks_during(work())
    assert count == 6_000_000
    assert ticks >= 5  # inline, the loop would not have ticked until it finished
    async with UnitOfWork(sm, read_only=True) as uow:
        rows = (await uow.session.execute(text("SELECT v FROM t ORDER BY id"))).scalars().all()
    assert rows == ["before", "after"]  # the interrupted SELECT did not roll anything back


async def test_an_error_rolls_back_the_whole_unit_of_work(engine: AsyncEngine) -> None:
    sm = make_sessionmaker(engine)
    with pytest.raises(RuntimeError):
        async with UnitOfWork(sm) as uow:
            await uow.session.execute(text("INSERT INTO t (v) VALUES ('gone')"))
            raise RuntimeError("boom")
    async with UnitOfWork(sm, read_only=True) as uow:
        assert (await uow.session.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0


async def test_bulk_writes_and_long_units_of_work_yield_to_the_loop(engine: AsyncEngine) -> None:
    sm = make_sessionmaker(engine)
    rows = [{"v": f"row {i}"} for i in range(5_000)]

    async def work() -> None:
        async with UnitOfWork(sm) as uow:
            await uow.session.execute(text("INSERT INTO t (v) VALUES (:v)"), rows)  # executemany
            for i in range(3_000):
                await uow.session.execute(text("UPDATE t SET v = v || '.' WHERE id = :i"), {"i": i})

    _, ticks = await ticks_during(work(), every=0.001)
    assert ticks >= 5  # inline, one tick at most
    async with UnitOfWork(sm, read_only=True) as uow:
        assert (await uow.session.execute(text("SELECT count(*) FROM t"))).scalar_one() == 5_000


async def test_the_wal_is_checkpointed_off_the_loop(engine: AsyncEngine, tmp_path: Path) -> None:
    sm = make_sessionmaker(engine)
    db = tmp_path / "loop.db"
    checkpointer = sqlite_loop.checkpointer_for(str(db))
    runs = checkpointer.runs
    blob = "x" * 3_000
    for _ in range(4):  # ~2,000 pages of WAL in all, more than CHECKPOINT_WAL_BYTES
        async with UnitOfWork(sm) as uow:
            await uow.session.execute(text("INSERT INTO t (v) VALUES (:v)"), [{"v": blob}] * 700)
    deadline = time.monotonic() + 10
    while checkpointer.runs == runs and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert checkpointer.runs > runs
    # once a checkpoint has copied every frame, the next write restarts the WAL from its start
    # and cuts the file back to the size limit (checkpoints run in the background: poll)
    deadline = time.monotonic() + 10
    wal = db.parent / "loop.db-wal"
    small = 0
    while wal.stat().st_size > sqlite_loop.JOURNAL_SIZE_LIMIT and time.monotonic() < deadline:
        async with UnitOfWork(sm) as uow:
            await uow.session.execute(text("INSERT INTO t (v) VALUES ('small')"))
        small += 1
        await asyncio.sleep(0.05)
    assert wal.stat().st_size <= sqlite_loop.JOURNAL_SIZE_LIMIT
    with contextlib.closing(sqlite3.connect(db)) as other:
        assert other.execute("SELECT count(*) FROM t").fetchone()[0] == 2_800 + small
