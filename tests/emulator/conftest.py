"""Fixtures for the Bot API emulator tests: an emulator, and real aiogram / PTB bots on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from emulator import BotApiEmulator

USER = 42


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    """An emulator with Telegram's default flood limits (30/s overall, 1/s per chat)."""
    async with BotApiEmulator() as emulator:
        yield emulator


@pytest.fixture
async def relaxed_emu() -> AsyncIterator[BotApiEmulator]:
    """An emulator for conversation tests: bursts of a few messages per chat are allowed."""
    async with BotApiEmulator(chat_rate=5, window=1.0) as emulator:
        yield emulator
