"""PostgreSQL connections are pinged before use only after sitting idle (storage/db.py): a
connection in steady use costs no extra round trip, one that died while idle is replaced
before the unit of work starts, and one that dies in steady use fails one unit of work as an
outage, after which the pool reconnects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import db as storage_db
from storage.errors import OUTAGES

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg_engine(pg_server) -> AsyncIterator[AsyncEngine]:  # type: ignore[no-untyped-def]
    name = pg_server.next_name()
    url = await pg_server.create(name)
    engine = storage_db.make_engine(url, pool_size=1, max_overflow=0)
    try:
        yield engine
    finally:
        await engine.dispose()
        await pg_server.drop(name)


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.begin() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def _used_then_killed(engine: AsyncEngine, pg_server) -> int:  # type: ignore[no-untyped-def]
    """Use the pool's one connection, then terminate its server process; its pid."""
    pid = await _backend_pid(engine)
    await pg_server.execute(f"SELECT pg_terminate_backend({pid})")
    await asyncio.sleep(0.1)
    return pid


async def test_a_connection_in_steady_use_is_not_pinged(
    pg_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_db, "PING_AFTER_IDLE_S", 60.0)
    sent: list[str] = []
    event.listen(pg_engine.sync_engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    pings: list[object] = []
    dialect = pg_engine.sync_engine.dialect
    monkeypatch.setattr(dialect, "do_ping", lambda c: pings.append(c) or True)
    for _ in range(5):
        await _backend_pid(pg_engine)
    assert pings == []
    assert len(sent) == 5


async def test_a_connection_that_died_while_idle_is_replaced_first(
    pg_engine: AsyncEngine, pg_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_db, "PING_AFTER_IDLE_S", 0.2)
    first = await _used_then_killed(pg_engine, pg_server)
    await asyncio.sleep(0.3)
    second = await _backend_pid(pg_engine)  # no error: the ping found it dead
    assert second != first


async def test_a_connection_that_died_in_steady_use_fails_once_then_reconnects(
    pg_engine: AsyncEngine, pg_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_db, "PING_AFTER_IDLE_S", 60.0)
    first = await _used_then_killed(pg_engine, pg_server)
    with pytest.raises(OUTAGES):
        await _backend_pid(pg_engine)
    assert await _backend_pid(pg_engine) != first
