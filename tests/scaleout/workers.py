"""Webhook worker processes for the scale-out tests: a free port, a seeded PostgreSQL database,
the environment a worker runs with, waiting on its log, and Telegram message updates.
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conversations import assessment as A
from emulator.server import BotApiEmulator
from scoring.catalog import sample_catalog_paths
from storage.db import make_engine, make_sessionmaker
from storage.uow import UnitOfWork

SECRET = "s3cret-token-for-tests"


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


def worker_env(
    emu: BotApiEmulator,
    db_url: str,
    data_dir: Path,
    port: int,
    redis_url: str = "",
    secret: str = SECRET,
    runtime: str = "ptb",
) -> dict[str, str]:
    """The environment of `parbot run --webhook` workers against the emulator."""
    return {
        **os.environ,
        "PARBOT_BOT_TOKEN": emu.token,
        "PARBOT_TELEGRAM_API": emu.base_url,
        "PARBOT_DATABASE_URL": db_url,
        "PARBOT_DATA_DIR": str(data_dir),
        "PARBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
        "PARBOT_WEBHOOK_SECRET": secret,
        "PARBOT_WEBHOOK_PORT": str(port),
        "PARBOT_PER_CHAT_INTERVAL": "0",
        "PARBOT_LOG_LEVEL": "DEBUG",
        "PARBOT_REDIS_URL": redis_url,
        "PARBOT_RUNTIME": runtime,
    }


async def log_shows(path: Path, predicate, timeout: float = 30.0) -> None:
    """Poll the workers' log (another process writes it; nothing to await on)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate(path.read_text()):
        assert loop.time() < deadline, path.read_text()[-3000:]
        await asyncio.sleep(0.1)


def message_update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    who = {"id": user_id, "is_bot": False, "first_name": f"Cán bộ {user_id}"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": who,
            "chat": {"id": user_id, "type": "private", "first_name": who["first_name"]},
            "date": int(datetime.now(UTC).timestamp()),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }
