"""The event loop the bot runs on: uvloop where it is installed, else the standard library's.

Why: every officer update is a few database round trips and Bot API requests, and on a small
virtual machine each costs the bot more CPU in asyncio's own socket and scheduling code than in
parbot's. Measured 2026-12-07 (bench/RESULTS.md, 18:50 record): one asyncpg round trip 85-110
-> 63-82 us of the bot's CPU; the engine's CPU per update on PostgreSQL 1.62 -> 1.11-1.41 ms,
on SQLite no clear change. ``PARBOT_EVENT_LOOP=asyncio`` keeps the standard loop (both are
tested); ``uvloop`` insists on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
LoopFactory = Callable[[], asyncio.AbstractEventLoop]


class EventLoopUnavailable(RuntimeError):
    """``PARBOT_EVENT_LOOP=uvloop`` where uvloop is not installed."""


def loop_factory(choice: str) -> LoopFactory | None:
    """The factory of the chosen loop; None: the standard library's (``auto`` without uvloop)."""
    if choice == "asyncio":
        return None
    try:
        import uvloop
    except ImportError as exc:
        if choice == "uvloop":
            raise EventLoopUnavailable(
                "PARBOT_EVENT_LOOP=uvloop but uvloop is not installed: pip install uvloop, "
                "or set PARBOT_EVENT_LOOP=asyncio"
            ) from exc
        return None
    factory: LoopFactory = uvloop.new_event_loop
    return factory


def run(main: Coroutine[Any, Any, T], choice: str) -> T:
    """``asyncio.run(main)`` on the chosen loop."""
    try:
        factory = loop_factory(choice)
    except EventLoopUnavailable:
        main.close()  # never awaited: no "coroutine was never awaited" warning on top
        raise
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main)


def running_loop_name() -> str:
    """``uvloop`` or ``asyncio``: which loop runs the caller (for the start-up log)."""
    module = type(asyncio.get_running_loop()).__module__
    return "uvloop" if module.startswith("uvloop") else "asyncio"
