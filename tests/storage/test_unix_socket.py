"""PostgreSQL over its Unix socket (docs/deploy.md: when it runs on the bot's host).

The URL names the socket's directory as ``host`` in the query; the hot path (the claim with its
fence, the person with the unit's items, the state written with COMMIT) and the backup's libpq
connection string work with it as with TCP."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import make_url

from storage import backup, make_engine, make_sessionmaker
from storage.db_dump import libpq
from storage.uow import UnitOfWork

pytestmark = pytest.mark.postgres


async def _socket_url(pg_server: Any) -> str:
    """A fresh migrated database, addressed through the server's first Unix socket."""
    tcp = make_url(await pg_server.create(pg_server.next_name(), pg_server.template))
    conn = await asyncpg.connect(tcp.set(drivername="postgresql").render_as_string(False))
    try:
        directories = str(await conn.fetchval("SHOW unix_socket_directories"))
    finally:
        await conn.close()
    directory = next((d.strip() for d in directories.split(",") if d.strip()), "")
    if not directory.startswith("/"):
        message = f"the PostgreSQL server has no Unix socket ({directories!r})"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return f"postgresql+asyncpg://{tcp.username}@/{tcp.database}?host={directory}"


async def test_the_hot_path_and_a_backup_run_over_the_unix_socket(
    pg_server: Any, tmp_path: Path
) -> None:
    url = await _socket_url(pg_server)
    engine = make_engine(url)
    try:
        sm = make_sessionmaker(engine)
        async with UnitOfWork(sm) as uow:
            person = await uow.people.upsert(5001, 5001, "Trần Thị B")
        async with UnitOfWork(sm) as uow:
            assert await uow.updates.claim(1, fence=(1, 5001))
            hot = await uow.people.hot(5001, items_of=(1, 1))
            assert hot is not None and hot.person.id == person.id
            await uow.conversations.store(person.id, {"mode": "walk"}, None, last=True)
        async with UnitOfWork(sm) as uow:
            assert not await uow.updates.claim(1, fence=(1, 5001))  # committed: a redelivery
            hot = await uow.people.hot(5001)
            assert hot is not None and hot.state == {"mode": "walk"}
    finally:
        await engine.dispose()
    dsn, env = libpq(url)  # what the backup's pg_dump and its own reads connect with
    assert "host=" in dsn and "@/" in dsn  # no TCP host: the socket directory
    conn = await asyncpg.connect(dsn, password=env.get("PGPASSWORD"))
    try:
        assert await conn.fetchval("SELECT count(*) FROM processed_updates") == 1
    finally:
        await conn.close()
    (tmp_path / "data").mkdir()
    await backup.create(url, tmp_path / "data", tmp_path / "parbot.tar")  # pg_dump, libpq
    assert (tmp_path / "parbot.tar").stat().st_size > 0
