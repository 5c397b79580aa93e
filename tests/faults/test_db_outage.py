"""The database is unavailable for a while: the webhook does not acknowledge the update (503),
Telegram delivers it again, and once the database is back the answer is stored and replied to."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import open_database
from bot.runtime import serve
from bot.settings import load_settings
from conversations import assessment as A
from emulator.server import BotApiEmulator
from scoring.catalog import sample_catalog_paths
from tests.ports import free_port


async def test_database_outage_is_retried_not_lost(tmp_path: Path, monkeypatch):
    monkeypatch.setattr("storage.db.SQLITE_BUSY_TIMEOUT_MS", 500)  # fail fast while locked
    data = tmp_path / "data"
    db_file = data / "bot.db"
    port = free_port()
    async with BotApiEmulator(rate_limits=False) as emu:
        settings = load_settings(
            bot_token=emu.token,
            telegram_api=emu.base_url,
            data_dir=data,
            database_url=f"sqlite+aiosqlite:///{db_file.as_posix()}",
            webhook_url=f"http://127.0.0.1:{port}/telegram",
            webhook_secret="outage-secret-123",
            webhook_port=port,
            per_chat_interval=0.0,
        )
        async with open_database(settings) as db:
            async with db.uow() as uow:
                await A.import_catalog(
                    uow, sample_catalog_paths()["xa-mau-2024"].read_text("utf-8"), 2024
                )
                await A.import_units(uow, "code,name,board\nX01,UBND xã A,commune\n", 2024)
                code, _ = await A.create_invite(
                    uow,
                    year=2024,
                    unit_code="X01",
                    role="officer",
                    ttl=timedelta(days=1),
                    now=datetime.now(UTC),
                )
            stop = asyncio.Event()
            task = asyncio.create_task(serve(settings, stop, webhook=True))
            try:
                await emu.wait_until(lambda: bool(emu.core.webhook.url), 20, what="setWebhook")
                uid = 5151
                emu.user(uid, "Lan")
                await emu.send_text(uid, f"/start {code}")
                await emu.wait_for_text(uid, "UBND xã A", timeout=20)
                blocker = sqlite3.connect(db_file, timeout=1)
                blocker.execute("BEGIN EXCLUSIVE")  # the database is 'down' for writers
                try:
                    await emu.send_text(uid, "/score 4.1")
                    await emu.wait_until(
                        lambda: emu.stats.webhook_failures >= 1,
                        20,
                        what="the webhook to refuse the update (503)",
                    )
                    assert "503" in (emu.core.webhook.last_error_message or "")
                finally:
                    blocker.rollback()
                    blocker.close()
                card = await emu.wait_for_text(uid, "4.1 ·", timeout=20)  # redelivered, handled
                await emu.press(uid, data=card.buttons[0][0]["callback_data"])
                await emu.wait_for_text(uid, "4.1", timeout=20)
                async with db.uow() as uow:
                    period = await uow.periods.get_by_year(2024)
                    unit = await uow.units.get_by_code(period.id, "X01")
                    assert "4.1" in await uow.answers.list_for_unit(unit.id)
                cards = [
                    c
                    for c in emu.calls_to("sendMessage")
                    if c.status == 200 and "4.1 ·" in str(c.params.get("text"))
                ]
                assert len(cards) == 1  # handled exactly once after the outage
            finally:
                stop.set()
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait_for(task, 20)
