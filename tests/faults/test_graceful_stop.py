"""`parbot run` stops cleanly on SIGTERM in the middle of a long poll: exit code 0 and a log with
no traceback and no ERROR line, on both runtimes.

Also when Telegram answers the runtime's last getUpdates late: python-telegram-bot calls
getUpdates once more on the way out to confirm the updates it handled, and on a slow network that
call times out (an httpx.ReadTimeout). That is harmless — Telegram sends those updates again at
the next start and the core skips them as already handled — so it is worth one warning line,
not a traceback in the operator's log.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from emulator.server import BotApiEmulator

USER = 4242
REPO = Path(__file__).resolve().parents[2]


async def long_poll_in_flight(emu: BotApiEmulator, timeout: float = 30) -> None:
    """Wait until a getUpdates has been waiting on the server for a while (a long poll)."""
    queue = emu.core.updates

    def waiting() -> bool:  # started (generation) more often than answered (recorded calls)
        return queue.poll_generation > len(emu.calls_to("getUpdates"))

    await emu.wait_until(waiting, timeout, what="a long poll")
    generation = queue.poll_generation
    await asyncio.sleep(0.5)
    assert waiting() and queue.poll_generation == generation  # still the same poll


async def exit_code(proc: subprocess.Popen[bytes], timeout: float) -> int | None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while proc.poll() is None and loop.time() < deadline:
        await asyncio.sleep(0.1)
    return proc.poll()


@pytest.mark.parametrize(
    ("runtime", "last_poll"),
    # aiogram makes no getUpdates call on its way out, so it has no "late" case
    [("aiogram", "prompt"), ("ptb", "prompt"), ("ptb", "late")],
)
async def test_sigterm_mid_long_poll_exits_0_without_traceback(
    tmp_path: Path, runtime: str, last_poll: str
) -> None:
    log = tmp_path / "bot.log"
    async with BotApiEmulator(rate_limits=False) as emu:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
            "PARBOT_BOT_TOKEN": emu.token,
            "PARBOT_TELEGRAM_API": emu.base_url,
            "PARBOT_RUNTIME": runtime,
            "PARBOT_DATA_DIR": str(tmp_path / "data"),
            "PARBOT_DATABASE_URL": f"sqlite+aiosqlite:///{(tmp_path / 'bot.db').as_posix()}",
            "PARBOT_POLL_TIMEOUT": "25",
            "PARBOT_LOG_LEVEL": "INFO",
        }
        with log.open("w") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"], env=env, stdout=out, stderr=out
            )
        try:
            emu.user(USER, first_name="Lan")
            await emu.send_text(USER, "/start")
            await emu.wait_for(USER, lambda r: True, 60)  # up, and one update handled
            await long_poll_in_flight(emu)
            if last_poll == "late":  # the next getUpdates is the runtime's last one
                emu.inject_delay("getUpdates", 30)
            proc.send_signal(signal.SIGTERM)
            code = await exit_code(proc, 40)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
    text = log.read_text(encoding="utf-8")
    assert code == 0, text
    assert "Traceback" not in text, text
    failures = [ln for ln in text.splitlines() if " ERROR " in ln or " CRITICAL " in ln]
    assert not failures, text
    assert "INFO parbot: event loop: uvloop" in text, text  # the product's loop
    if runtime == "ptb" and last_poll == "late":  # the late answer did reach the runtime
        assert "could not confirm the last updates (TimedOut" in text, text
