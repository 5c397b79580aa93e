"""kill -9 the bot process mid-walk, restart it: no answer lost, the officer resumes in place,
and updates sent while it was down are handled once after the restart."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import open_database
from bot.settings import load_settings
from conversations import assessment as A
from emulator.server import BotApiEmulator
from scoring.catalog import sample_catalog_paths


class BotProcess:
    """`python -m bot.cli run` as a real child process we can SIGKILL."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log, self.proc = env, log, None

    def start(self) -> None:
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(params=["ptb", "aiogram"])
async def world(tmp_path: Path, request: pytest.FixtureRequest):
    """The bot process of each runtime (ptb is the default, aiogram stays supported)."""
    data = tmp_path / "data"
    db_url = f"sqlite+aiosqlite:///{(data / 'bot.db').as_posix()}"
    async with BotApiEmulator(rate_limits=False) as emu:
        settings = load_settings(data_dir=data, database_url=db_url)
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
            env = {
                **os.environ,
                "PARBOT_BOT_TOKEN": emu.token,
                "PARBOT_TELEGRAM_API": emu.base_url,
                "PARBOT_DATA_DIR": str(data),
                "PARBOT_DATABASE_URL": db_url,
                "PARBOT_POLL_TIMEOUT": "1",
                "PARBOT_PER_CHAT_INTERVAL": "0",
                "PARBOT_RUNTIME": request.param,
            }
            bot = BotProcess(env, tmp_path / "bot.log")
            try:
                yield emu, db, bot, code
            finally:
                bot.stop()


async def answers(db) -> dict[str, dict]:
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        unit = await uow.units.get_by_code(period.id, "X01")
        return {c: a.value for c, a in (await uow.answers.list_for_unit(unit.id)).items()}


async def test_kill9_mid_walk_loses_nothing_and_resumes(world):
    emu, db, bot, code = world
    bot.start()
    uid = 4242
    emu.user(uid, "Lan")
    await emu.send_text(uid, f"/start {code}")
    await emu.wait_for_text(uid, "UBND xã A", timeout=30)
    await emu.send_text(uid, "/score 4.1")
    card = await emu.wait_for_text(uid, "4.1 ·", timeout=15)
    await emu.press(uid, data=card.buttons[0][0]["callback_data"])
    await emu.wait_for_text(uid, "4.1", timeout=15)
    await emu.press(uid, text="Để sau ▶")
    await emu.wait_for_text(uid, "4.2 ·", timeout=15)
    bot.kill9()  # no shutdown, no flush: whatever is not in the database is gone
    # while the bot is down the officer keeps typing: Telegram queues the updates
    await emu.send_text(uid, "/score")
    assert "4.1" in await answers(db)
    bot.start()
    rec = await emu.wait_for_text(uid, "4.2 ·", timeout=30)  # resumed at the same item
    assert "Tiêu chí" in rec.plain
    replies = [
        r for r in emu.transcript(uid) if r.direction == "bot" and "4.2 ·" in (r.plain or "")
    ]
    assert len(replies) == 2  # once before the kill, once after: the queued update handled once


async def test_kill9_mid_upload_leaves_nothing_half_stored(world, tmp_path):
    emu, db, bot, code = world
    bot.start()
    uid = 4343
    emu.user(uid, "Lan")
    await emu.send_text(uid, f"/start {code}")
    await emu.wait_for_text(uid, "UBND xã A", timeout=30)
    await emu.send_text(uid, "/score 4.1")
    card = await emu.wait_for_text(uid, "4.1 ·", timeout=15)
    await emu.press(uid, data=card.buttons[0][0]["callback_data"])
    await emu.wait_for_text(uid, "4.1", timeout=15)
    emu.inject_delay("getFile", 30)  # the download hangs: the bot is mid-upload
    pdf = blank_pdf()
    await emu.send_document(uid, "ke-hoach.pdf", pdf, caption="4.1 Quyết định")
    # the bot has taken the update and its download now hangs in the injected delay
    await emu.wait_until(
        lambda: emu.core.stats.injected_delays >= 1, 20, what="the download to hang"
    )
    bot.kill9()
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(2024)
        unit = await uow.units.get_by_code(period.id, "X01")
        assert await uow.evidence.list_for_unit(unit.id) == {}  # nothing recorded
        assert "4.1" in await uow.answers.list_for_unit(unit.id)  # the answer is kept
    store = tmp_path / "data" / "evidence"
    leftovers = [p for p in store.rglob("*") if p.is_file()] if store.exists() else []
    assert leftovers == []  # no half-written file either
    emu.clear_faults()
    bot.start()
    await emu.send_document(uid, "ke-hoach.pdf", pdf, caption="4.1 Quyết định")
    await emu.wait_for_text(uid, "ke-hoach.pdf", timeout=30)
    async with db.uow() as uow:
        files = await uow.evidence.list_for_unit(unit.id)
    assert [len(v) for v in files.values()] == [1]  # attached once after the restart


def blank_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


async def test_kill9_mid_broadcast_neither_loses_nor_doubles(world):
    emu, db, bot, code = world
    async with db.uow() as uow:
        invites = []
        for role, unit in (("admin", None), ("officer", "X01"), ("leader", "X01")):
            c, _ = await A.create_invite(
                uow,
                year=2024,
                unit_code=unit,
                role=role,
                ttl=timedelta(days=1),
                now=datetime.now(UTC),
            )
            invites.append(c)
    bot.start()
    admin, *readers = 4501, 4502, 4503, 4504
    for uid, c in zip((admin, *readers), (*invites, code), strict=True):
        emu.user(uid, f"U{uid}")
        await emu.send_text(uid, f"/start {c}")
        await emu.wait_for_text(uid, "✅", timeout=30)
    await emu.send_text(admin, "/broadcast")
    await emu.wait_for(admin, lambda r: True, timeout=15)
    await emu.send_text(admin, "Thông báo họp giao ban CCHC")
    audience = await emu.wait_for(admin, lambda r: bool(r.buttons), timeout=15)
    await emu.press(admin, data=audience.buttons[0][0]["callback_data"])  # all units
    confirm = await emu.wait_for(
        admin, lambda r: "bc:send" in str(r.buttons) or len(r.buttons) >= 1, timeout=15
    )
    emu.inject_delay("sendMessage", 30, count=None)  # every send now hangs: kill mid-broadcast
    hanging = emu.core.stats.injected_delays
    await emu.press(admin, data=confirm.buttons[0][0]["callback_data"])
    # Kill only once every reader's send is hanging inside the emulator: a request still on its
    # way when the process dies may reach Telegram after all (and, rightly, be sent again).
    await emu.wait_until(
        lambda: emu.core.stats.injected_delays >= hanging + len(readers),
        15,
        what="the three broadcast sends to hang",
    )
    async with db.uow() as uow:
        for _ in range(200):
            counts = await uow.outbox.status_counts()
            if counts.get("sending"):
                break
            await uow.session.rollback()
            await asyncio.sleep(0.05)
    assert counts.get("sending"), counts  # the kill really lands mid-broadcast
    bot.kill9()
    emu.clear_faults()
    bot.start()
    for uid in readers:
        await emu.wait_for_text(uid, "giao ban CCHC", timeout=30)
    await settled(db)  # every row finished: a doubled send would have happened by now
    for uid in readers:
        got = [
            c
            for c in emu.calls_to("sendMessage")
            if str(c.params.get("chat_id")) == str(uid)
            and c.status == 200
            and "giao ban CCHC" in str(c.params.get("text"))
        ]
        assert len(got) == 1, (uid, len(got))


async def settled(db, timeout: float = 20.0) -> None:
    """Poll the outbox until nothing is pending or being sent."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        async with db.uow() as uow:
            counts = await uow.outbox.status_counts()
        if not counts.get("pending") and not counts.get("sending"):
            return
        assert loop.time() < deadline, counts
        await asyncio.sleep(0.1)
