"""Another SQLite connection holding the write lock, as the CLI or a second process would."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from pathlib import Path


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
