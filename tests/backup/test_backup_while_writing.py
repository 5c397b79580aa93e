"""A backup taken while the bot writes is consistent: restored, it holds whole transactions
(each write stores an update id and an evidence row together) and every evidence row has its
file; taken after the writes, it holds all of them, those still in SQLite's WAL file included
(a plain copy of the database file does not: the stale copy of issue 18)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.db import make_engine, make_sessionmaker
from storage.files import EvidenceStore
from storage.uow import UnitOfWork
from tests.evidence_check.factories import text_page_pdf
from tests.scaleout.workers import seed


async def parbot(db_url: str, data: Path, *args: str) -> tuple[int, str]:
    """The real CLI in its own process (the writer keeps running in this one meanwhile)."""
    env = {
        **os.environ,
        "PARBOT_DATABASE_URL": db_url,
        "PARBOT_DATA_DIR": str(data),
        "PARBOT_LOCALE": "en",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    return int(proc.returncode or 0), out.decode()


class Writer:
    """Writes like the bot: the file first, then one transaction with the update id and the
    evidence row."""

    def __init__(self, db_url: str, data: Path) -> None:
        # one connection, never checkpointing by itself: what is committed stays in the WAL
        self.engine = make_engine(db_url, pool_size=1, max_overflow=0)
        self.store = EvidenceStore(data / "evidence")
        self.committed = 0
        self.stop = asyncio.Event()

    async def run(self) -> None:
        if self.engine.dialect.name == "sqlite":
            async with self.engine.connect() as conn:
                await conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        sm = make_sessionmaker(self.engine)
        async with UnitOfWork(sm) as uow:
            period = await uow.periods.get_by_year(2024)
            assert period is not None
            unit = await uow.units.get_by_code(period.id, "X01")
            assert unit is not None
            item = (await uow.catalogs.items_by_code(unit.catalog_id))["1.1.1"]
            unit_id, item_id = unit.id, item.id
        n = 0
        while not self.stop.is_set():
            n += 1
            data = text_page_pdf(f"write {n}")
            sha, _ = await asyncio.to_thread(self.store.put, data)
            async with UnitOfWork(sm) as uow:
                assert await uow.updates.claim(10_000 + n)
                await uow.evidence.add(
                    unit_id, item_id, sha, f"w{n}.pdf", len(data), "application/pdf", "unsigned"
                )
            self.committed = n
            await asyncio.sleep(0.005)


async def count_in(db_url: str) -> tuple[int, int]:
    engine = make_engine(db_url)
    try:
        async with engine.connect() as conn:
            updates = await conn.scalar(text("SELECT count(*) FROM processed_updates"))
            rows = await conn.scalar(text("SELECT count(*) FROM evidence"))
    finally:
        await engine.dispose()
    return int(updates or 0), int(rows or 0)


async def restored(archive: Path, target_url: str, data: Path) -> tuple[int, int]:
    """Restore into an empty target and verify it; (update ids, evidence rows) it holds."""
    code, out = await parbot(target_url, data, "restore", str(archive))
    assert code == 0, out
    code, out = await parbot(target_url, data, "verify")
    assert code == 0, out  # every evidence row has its file, with its hash; no orphan
    updates, rows = await count_in(target_url)
    assert f"Consistent: {rows} evidence record(s), {rows} stored file(s)." in out
    return updates, rows


@pytest.mark.timeout(300)
async def test_backup_while_the_bot_writes_is_consistent(db_url: str, _databases, tmp_path: Path):
    await seed(db_url, 0)
    data = tmp_path / "data"
    writer = Writer(db_url, data)
    task = asyncio.create_task(writer.run())
    try:
        while writer.committed < 20:
            await asyncio.sleep(0.05)
        during = tmp_path / "during.tar"
        code, out = await parbot(db_url, data, "backup", "--out", str(during))
        assert code == 0, out
        writes_after = writer.committed
        while writer.committed < writes_after + 20:  # the writes went on all along
            await asyncio.sleep(0.05)
    finally:
        writer.stop.set()
        await task
    try:
        total = writer.committed
        naive = tmp_path / "naive.db"
        if writer.engine.dialect.name == "sqlite":
            # the writer's connection is still open: its last commits are only in the WAL
            shutil.copy(str(make_url(db_url).database), naive)
        after = tmp_path / "after.tar.gz"
        code, out = await parbot(db_url, data, "backup", "--out", str(after))
        assert code == 0, out
        assert re.search(rf"and {total} file\(s\)", out), out
    finally:
        await writer.engine.dispose()

    updates, rows = await restored(during, await _databases.create(False), tmp_path / "r1")
    assert 20 <= updates == rows < total  # whole transactions, none after the copy began
    updates, rows = await restored(after, await _databases.create(False), tmp_path / "r2")
    assert updates == rows == total  # nothing committed is missing
    if naive.exists():
        with sqlite3.connect(naive) as conn:
            stale = conn.execute("SELECT count(*) FROM processed_updates").fetchone()[0]
        assert stale < total  # why a plain file copy is no backup
