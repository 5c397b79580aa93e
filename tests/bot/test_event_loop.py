"""The bot's event loop: uvloop where installed (bot/event_loop.py says why), the standard
library's on request or where uvloop is missing; a required but missing uvloop is a clear
setting error before anything starts."""

from __future__ import annotations

import asyncio
import sys

import pytest

from bot import event_loop
from bot.settings import SettingsError, load_settings


async def _which() -> str:
    await asyncio.sleep(0)
    return event_loop.running_loop_name()


def test_auto_runs_on_uvloop_and_asyncio_on_the_standard_loop() -> None:
    assert load_settings().event_loop == "auto"
    assert event_loop.run(_which(), "auto") == "uvloop"
    assert event_loop.run(_which(), "uvloop") == "uvloop"
    assert event_loop.run(_which(), "asyncio") == "asyncio"


def test_without_uvloop_auto_falls_back_and_uvloop_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import uvloop -> ImportError
    assert event_loop.run(_which(), "auto") == "asyncio"
    coro = _which()
    with pytest.raises(event_loop.EventLoopUnavailable, match="PARBOT_EVENT_LOOP=asyncio"):
        event_loop.run(coro, "uvloop")
    assert coro.cr_frame is None  # closed, not left pending


def test_the_setting_takes_only_known_loops() -> None:
    assert load_settings(event_loop="asyncio").event_loop == "asyncio"
    with pytest.raises(SettingsError, match="PARBOT_EVENT_LOOP"):
        load_settings(event_loop="trio")


def test_parbot_run_refuses_a_missing_uvloop_before_starting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    from bot.cli import main

    monkeypatch.setitem(sys.modules, "uvloop", None)
    monkeypatch.setenv("PARBOT_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("PARBOT_EVENT_LOOP", "uvloop")
    result = CliRunner().invoke(main, ["run"])
    assert result.exit_code == 2, result.output
    assert "uvloop is not installed" in result.output
