"""`parbot run --webhook --workers 2` as a supervisor, with real processes on a real port and the
emulator as Telegram, on SQLite and PostgreSQL.

A worker killed outright is replaced (and the scheduler moves to a live worker); SIGTERM to the
parent lets the update in flight finish and answer 200, releases the scheduler lock, and the
parent exits only after its workers: none survives it, and the port is free again. A parent
killed with SIGKILL takes its workers with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from sqlalchemy.engine import make_url

from emulator.server import BotApiEmulator
from storage.leadership import SCHEDULER_LOCK
from tests.ports import free_port
from tests.scaleout.workers import (
    log_shows,
    message_update,
    seed,
    worker_env,
)

SECRET = "supervisor-secret-123"
STARTED = re.compile(r"supervisor: worker (\d+) started \(pid (\d+)\)")
LEADER = re.compile(r" (\d+) INFO scheduler.leader: scheduler: this process is the leader")


@dataclass
class Workers:
    proc: subprocess.Popen[bytes]
    log: Path
    port: int
    emu: BotApiEmulator
    db_url: str

    def text(self) -> str:
        return self.log.read_text()

    def pids(self) -> list[int]:
        return [int(pid) for _n, pid in STARTED.findall(self.text())]

    def leaders(self) -> list[int]:
        return [int(pid) for pid in LEADER.findall(self.text())]

    async def post(self, update: dict[str, object]) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        url = f"http://127.0.0.1:{self.port}/telegram"
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=json.dumps(update), headers=headers) as resp,
        ):
            return resp.status


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError):  # a zombie is dead, only not yet reaped
        if Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z"):
            return False
    return True


async def gone(pids: list[int], timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while any(alive(p) for p in pids):
        assert loop.time() < deadline, [p for p in pids if alive(p)]
        await asyncio.sleep(0.1)


def port_is_free(port: int) -> bool:
    """Nobody listens: a connection is refused (the test's own closed connections may still be
    in TIME_WAIT, so binding is not the test)."""
    with socket.socket() as s:
        try:
            s.connect(("127.0.0.1", port))
        except ConnectionRefusedError:
            return True
    return False


@contextlib.contextmanager
def _spawn(env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--webhook", "--workers", "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # whatever a failed test left behind
        proc.wait(10)


@pytest.fixture
async def workers(db_url: str, tmp_path: Path) -> AsyncIterator[Workers]:
    await seed(db_url, 2)
    port = free_port()
    log_path = tmp_path / "workers.log"
    async with BotApiEmulator(rate_limits=False) as emu:
        env = worker_env(emu, db_url, tmp_path / "data", port, secret=SECRET)
        with _spawn(env, log_path) as proc:
            w = Workers(proc, log_path, port, emu, db_url)
            # generous: importing aiogram alone takes many seconds on a busy CI machine
            await log_shows(log_path, lambda t: t.count("webhook worker listening") == 2, 120)
            await log_shows(log_path, lambda t: len(LEADER.findall(t)) == 1)
            yield w


class WriteBlock:
    """Holds the table every update writes first, so an update sent now stays in flight."""

    def __init__(self, db_url: str) -> None:
        self.url = make_url(db_url)
        self._sqlite: sqlite3.Connection | None = None
        self._pg: asyncpg.Connection | None = None

    async def __aenter__(self) -> WriteBlock:
        if self.url.get_backend_name() == "sqlite":
            self._sqlite = sqlite3.connect(str(self.url.database), timeout=5)
            self._sqlite.isolation_level = None
            self._sqlite.execute("BEGIN IMMEDIATE")  # workers wait (busy timeout 10 s)
        else:
            dsn = self.url.set(drivername="postgresql").render_as_string(False)
            self._pg = await asyncpg.connect(dsn)
            await self._pg.execute("BEGIN")
            await self._pg.execute("LOCK TABLE processed_updates IN EXCLUSIVE MODE")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._sqlite is not None:
            self._sqlite.execute("ROLLBACK")
            self._sqlite.close()
        if self._pg is not None:
            await self._pg.close()


async def scheduler_lock_free(db_url: str) -> bool:
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        with open(f"{url.database}.leader", "a") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            fcntl.flock(f, fcntl.LOCK_UN)
            return True
    conn = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(False))
    try:
        held = await conn.fetchval(
            # advisory locks are per database, pg_locks shows every database's
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 "
            "AND objid = $2 AND granted AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())",
            SCHEDULER_LOCK[0],
            SCHEDULER_LOCK[1],
        )
    finally:
        await conn.close()
    return held == 0


@pytest.mark.timeout(300)
async def test_sigterm_stops_every_worker_after_its_update_and_a_dead_worker_is_replaced(
    workers: Workers,
):
    emu = workers.emu
    emu.user(7001, first_name="Lan")
    await emu.send_text(7001, "/help")
    await emu.wait_for_text(7001, "/", timeout=30)
    first = workers.pids()
    assert len(first) == 2 and not await scheduler_lock_free(workers.db_url)
    pools = re.findall(r"database (\w+): (\d+) pooled connections", workers.log.read_text())
    # the deployment's PostgreSQL connections are shared by the two workers (20 each)
    assert pools == (
        [("sqlite", "1")] * 2 if "sqlite" in workers.db_url else [("postgresql", "20")] * 2
    )
    assert len(workers.leaders()) == 1  # one scheduler, on SQLite too (a lock file)

    # the scheduler's worker dies hard: it is replaced, and the scheduler moves
    leader = workers.leaders()[0]
    os.kill(leader, signal.SIGKILL)
    await log_shows(workers.log, lambda t: "exited with code -9; restarting" in t)
    await log_shows(workers.log, lambda t: t.count("webhook worker listening") == 3, 120)
    await log_shows(workers.log, lambda t: len(LEADER.findall(t)) == 2, 60)
    assert workers.leaders()[1] != leader
    replacement = [p for p in workers.pids() if p not in first]
    assert len(replacement) == 1 and alive(replacement[0]) and not alive(leader)

    # an update in flight when SIGTERM arrives is finished and acknowledged
    async with WriteBlock(workers.db_url):
        in_flight = asyncio.create_task(workers.post(message_update(9_100_001, 7001, "/help")))
        await asyncio.sleep(1.0)  # the request reached a worker and waits for the database
        os.kill(workers.proc.pid, signal.SIGTERM)
        await log_shows(workers.log, lambda t: "SIGTERM received, stopping the workers" in t)
        await asyncio.sleep(1.0)
        assert not in_flight.done()
    assert await asyncio.wait_for(in_flight, 30) == 200
    await emu.wait_until(
        lambda: sum(r.direction == "bot" for r in emu.transcript(7001)) == 2,
        20,
        what="the reply to the update in flight",
    )
    assert await asyncio.to_thread(workers.proc.wait, 40) == 0
    live = [p for p in workers.pids() if p != leader]
    await gone(live, timeout=5)  # the parent exited only after its workers
    assert port_is_free(workers.port)
    assert await scheduler_lock_free(workers.db_url)
    text = workers.text()
    assert "supervisor: all workers stopped" in text
    assert "still running after" not in text  # none needed killing
    assert "Traceback" not in text


@pytest.mark.timeout(300)
async def test_workers_do_not_outlive_a_killed_parent(workers: Workers):
    pids = workers.pids()
    os.kill(workers.proc.pid, signal.SIGKILL)  # no chance to stop them itself
    await gone(pids, timeout=40)
    assert port_is_free(workers.port)
    assert await scheduler_lock_free(workers.db_url)
