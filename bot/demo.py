"""`parbot demo`: the whole product on one machine, no Telegram account needed.

Starts the Bot API emulator (with its web chat page), seeds an embedded SQLite database with a
demo district on first run, and runs the real bot (the default python-telegram-bot runtime)
against the emulator over real HTTP — the same code path as production, only the Bot API base
URL differs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click

from bot import event_loop
from bot.app import open_database
from bot.demo_seed import PERSONAS, seed_demo
from bot.runtime import _install_signals, serve
from bot.settings import Settings, load_settings
from emulator.server import BotApiEmulator

log = logging.getLogger("parbot.demo")


async def start_demo(
    port: int,
    data_dir: Path,
    fresh: bool,
    stop: asyncio.Event,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the demo until ``stop`` is set; ``on_ready`` gets the page's URL once it is served.

    ``port`` 0 asks the system for a free port: a caller that picks a "free" port first and
    binds it later races every other process on the machine (a CI run lost that race).
    """
    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    emu = BotApiEmulator(web_port=port, chat_rate=20, global_rate=30)
    await emu.start()
    try:
        settings: Settings = load_settings(
            bot_token=emu.token,
            telegram_api=emu.base_url,
            data_dir=data_dir,
            database_url=f"sqlite+aiosqlite:///{(data_dir / 'demo.db').as_posix()}",
            bot_username=emu.username,
            runtime="ptb",
            per_chat_interval=0.05,
        )
        async with open_database(settings) as db:
            async with db.uow() as uow:
                fresh_db = await uow.periods.latest() is None
                if fresh_db:
                    await seed_demo(uow, datetime.now(UTC).astimezone(settings.tz).date())
            emu.set_personas(
                [
                    {"user_id": p.user_id, "name": p.name, "description": p.description}
                    for p in PERSONAS
                ]
            )
            click.echo(
                f"\nparbot demo: open {emu.web_url} in a browser "
                f"(mở {emu.web_url} trên trình duyệt). Ctrl+C to stop.\n"
            )
            if on_ready is not None:
                on_ready(emu.web_url)
            await serve(settings, stop, db=db)
    finally:
        await emu.stop()


def run_demo(port: int = 8080, fresh: bool = False, data_dir: Path | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    async def main() -> None:
        stop = asyncio.Event()
        _install_signals(stop)
        with contextlib.suppress(asyncio.CancelledError):
            await start_demo(port, data_dir or Path("data") / "demo", fresh, stop)

    event_loop.run(main(), "auto")  # as the product runs: uvloop where installed
