"""Scale-out: two webhook worker processes on PostgreSQL behind one port.

Both workers serve updates, every reply arrives exactly once, and only one process runs the
scheduler; when that process is gone another takes over.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.emulator.server import BotApiEmulator
from conversations import assessment as A
from scoring.catalog import sample_catalog_paths
from storage.db import make_engine, make_sessionmaker
from storage.uow import UnitOfWork
from tests.conftest import _PostgresBackend

pytestmark = pytest.mark.postgres


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def pg_url(pg_server):
    backend = _PostgresBackend(pg_server)
    url = await backend.create(migrated=True)
    yield url
    await backend.cleanup()


async def seed(url: str, n_officers: int) -> list[str]:
    engine = make_engine(url)
    try:
        async with UnitOfWork(make_sessionmaker(engine)) as uow:
            await A.import_catalog(
                uow, sample_catalog_paths()["xa-mau-2024"].read_text("utf-8"), 2024
            )
            await A.import_units(uow, "code,name,board\nX01,UBND xã A,commune\n", 2024)
            codes = []
            for _ in range(n_officers):
                code, _inv = await A.create_invite(
                    uow,
                    year=2024,
                    unit_code="X01",
                    role="officer",
                    ttl=timedelta(days=1),
                    now=datetime.now(UTC),
                )
                codes.append(code)
            return codes
    finally:
        await engine.dispose()


async def log_shows(path: Path, predicate, timeout: float = 30.0) -> None:
    """Poll the workers' log (another process writes it; nothing to await on)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate(path.read_text()):
        assert loop.time() < deadline, path.read_text()[-3000:]
        await asyncio.sleep(0.1)


async def test_two_webhook_workers_serve_and_schedule_once(pg_url: str, tmp_path: Path):
    codes = await seed(pg_url, 8)
    port = free_port()
    log_path = tmp_path / "workers.log"
    async with BotApiEmulator(rate_limits=False) as emu:
        env = {
            **os.environ,
            "PARBOT_BOT_TOKEN": emu.token,
            "PARBOT_TELEGRAM_API": emu.base_url,
            "PARBOT_DATABASE_URL": pg_url,
            "PARBOT_DATA_DIR": str(tmp_path / "data"),
            "PARBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "PARBOT_WEBHOOK_SECRET": "s3cret-token-for-tests",
            "PARBOT_WEBHOOK_PORT": str(port),
            "PARBOT_PER_CHAT_INTERVAL": "0",
            "PARBOT_LOG_LEVEL": "DEBUG",
        }
        with log_path.open("w") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run", "--webhook", "--workers", "2"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            await log_shows(log_path, lambda t: t.count("webhook worker listening") == 2)
            await log_shows(log_path, lambda t: "scheduler: this process is the leader" in t)
            users = list(range(8101, 8101 + len(codes)))
            for uid in users:
                emu.user(uid, first_name=f"Cán bộ {uid}")
            await asyncio.gather(
                *(
                    emu.send_text(uid, f"/start {code}")
                    for uid, code in zip(users, codes, strict=True)
                )
            )
            for uid in users:
                await emu.wait_for_text(uid, "UBND xã A", timeout=30)
            await asyncio.gather(*(emu.send_text(uid, "/score") for uid in users))
            for uid in users:
                await emu.wait_for_text(uid, "1.1.1.a", timeout=30)
            # every reply exactly once
            for uid in users:
                bot_msgs = [r for r in emu.transcript(uid) if r.direction == "bot"]
                assert len(bot_msgs) == 2, [r.plain for r in bot_msgs]
            text = log_path.read_text()
            pids = set(re.findall(r"handled by worker (\d+)", text))
            assert len(pids) == 2, f"both workers should serve updates: {pids}"
            leaders = re.findall(
                r" (\d+) INFO scheduler.leader: scheduler: this process is the leader", text
            )
            assert len(leaders) == 1  # the scheduler runs in exactly one process
            # the leader dies hard: the other worker takes the scheduler over
            os.kill(int(leaders[0]), signal.SIGKILL)
            pattern = re.compile(
                r" (\d+) INFO scheduler.leader: scheduler: this process is the leader"
            )
            await log_shows(log_path, lambda t: len(pattern.findall(t)) == 2)
            assert pattern.findall(log_path.read_text())[1] != leaders[0]
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
