"""A consistent copy of the whole database while the bot writes, and loading it back.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies every page inside one read
transaction, so the copy holds exactly the transactions committed when it started, those still
in the WAL file included (copying the database file alone misses them). PostgreSQL: ``pg_dump``
in custom format, run inside a snapshot exported by a repeatable-read transaction, in which the
caller's query (the evidence files the copy references) is answered too.

Blocking and async helpers; no SQLAlchemy engine is opened (no migrations run).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import URL

from storage.db import normalize_url

EVIDENCE_SHAS = "SELECT DISTINCT sha256 FROM evidence"


class DumpError(RuntimeError):
    """pg_dump/pg_restore failed or is missing; the message is theirs (no password in it)."""


def backend(url: str) -> str:
    """``"sqlite"`` or ``"postgresql"``."""
    return normalize_url(url).get_backend_name()


def sqlite_path(url: str) -> Path:
    db = normalize_url(url).database
    if not db or db == ":memory:" or db.startswith("file:"):
        raise DumpError(f"not a SQLite file database: {url}")
    return Path(db)


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment carrying it (so
    the password never appears in a process list)."""
    u: URL = normalize_url(url)
    env = {**os.environ}
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    query = dict(u.query)
    if "ssl" in query:  # asyncpg's name; libpq (and asyncpg too) read sslmode
        query["sslmode"] = query.pop("ssl")
    # (URL.set ignores None, so the password is left out by building a new URL)
    bare = URL.create("postgresql", u.username, None, u.host, u.port, u.database, query=query)
    return bare.render_as_string(hide_password=False), env


async def _pg_connect(url: str) -> Any:
    dsn, env = libpq(url)
    return await asyncpg.connect(dsn, password=env.get("PGPASSWORD"))


# ----------------------------------------------------------------------------------- copy


def copy_sqlite(source: Path, dest: Path) -> set[str]:
    """Snapshot ``source`` into ``dest`` (a single file, no WAL); the evidence contents it uses."""
    if not source.is_file():  # sqlite3.connect would create an empty one
        raise DumpError(f"no database file at {source}")
    with (
        contextlib.closing(sqlite3.connect(source, timeout=30)) as src,
        contextlib.closing(sqlite3.connect(dest)) as out,
    ):
        src.backup(out)  # all pages in one step: one read transaction, one consistent state
        out.execute("PRAGMA journal_mode=DELETE")
        return _shas(out)


def _shas(conn: sqlite3.Connection) -> set[str]:
    try:
        return {str(row[0]) for row in conn.execute(EVIDENCE_SHAS)}
    except sqlite3.OperationalError:  # no evidence table: an unmigrated database
        return set()


async def copy_postgres(url: str, dest: Path) -> set[str]:
    """``pg_dump -Fc`` into ``dest`` from one snapshot; the evidence contents it uses."""
    conn = await _pg_connect(url)
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
            try:
                shas = {str(r[0]) for r in await conn.fetch(EVIDENCE_SHAS)}
            except asyncpg.UndefinedTableError:
                raise DumpError("the database has no parbot tables") from None
            # the snapshot stays importable while this transaction is open
            await _run_pg_tool(
                url,
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={dest}",
            )
    finally:
        await conn.close()
    return shas


async def _run_pg_tool(url: str, tool: str, *args: str) -> None:
    dsn, env = libpq(url)
    dbname = "--dbname=" + dsn
    try:
        proc = await asyncio.create_subprocess_exec(
            tool,
            *args,
            dbname,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
    except FileNotFoundError:
        raise DumpError(f"{tool} not found: install the PostgreSQL client tools") from None
    _out, err = await proc.communicate()
    if proc.returncode != 0:
        raise DumpError(f"{tool} failed: {err.decode(errors='replace').strip()[-2000:]}")


# ----------------------------------------------------------------------------------- load


async def database_is_empty(url: str) -> bool:
    """True when the target holds no tables (a new SQLite file, a new PostgreSQL database)."""
    if backend(url) == "sqlite":
        path = sqlite_path(url)
        if not path.exists() or path.stat().st_size == 0:
            return True
        with contextlib.closing(sqlite3.connect(path)) as conn:
            n = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()
        return int(n[0]) == 0
    conn = await _pg_connect(url)
    try:
        n = await conn.fetchval(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    finally:
        await conn.close()
    return int(n) == 0


def load_sqlite(copy: Path, url: str, aside: str) -> Path | None:
    """Put ``copy`` in place of the database file; an existing one (with its WAL) is moved to
    ``<name>.<aside>``, which is returned."""
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    moved = None
    if target.exists():
        moved = target.with_name(f"{target.name}.{aside}")
        os.replace(target, moved)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{target}{suffix}").unlink()
    shutil.move(copy, target)  # the data directory may be on another file system
    return moved


async def load_postgres(copy: Path, url: str, replace: bool) -> None:
    """``pg_restore`` in one transaction; ``replace`` drops the objects of the dump first."""
    clean = ["--clean", "--if-exists"] if replace else []
    await _run_pg_tool(
        url,
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        *clean,
        str(copy),
    )
