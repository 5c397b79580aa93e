"""Another SQLite connection holding the write lock, as the CLI or a second process would."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def hold_write_lock(
    db: Path, seconds: float, write: str | None = "INSERT INTO t (v) VALUES ('other')"
) -> threading.Thread:
    """Another connection takes the write lock (as the CLI or a second process would), and
    runs ``write`` before it commits."""
    taken = threading.Event()

    def hold() -> None:
        with contextlib.closing(sqlite3.connect(db, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")
            taken.set()
            time.sleep(seconds)
            if write:
                other.execute(write)
            other.execute("COMMIT")

    thread = threading.Thread(target=hold)
    thread.start()
    taken.wait(5)
    return thread


async def ticks_while_locked(db: Path, seconds: float, work: Awaitable[T]) -> tuple[T, int]:
    """Run ``work`` while another connection holds ``db``'s write lock for ``seconds``:
    its result and how often the event loop ticked (every 10 ms) meanwhile."""
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    holder = hold_write_lock(db, seconds, write=None)
    task = asyncio.create_task(ticker())
    try:
        result = await work
    finally:
        task.cancel()
        holder.join()
    return result, ticks
