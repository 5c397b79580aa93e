"""What every ``parbot`` command shares: settings (exit 2 when they are wrong), one database
session per command, listing the problems of a rejected input (exit 1), reading a UTF-8 file
and importing a CSV file's rows.

A module of its own so that ``bot.cli`` and each command family (``bot.cli_access``,
``bot.cli_publish``…) import it at the top: ``bot.cli`` registers the families, and the
families need none of ``bot.cli``.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import NoReturn, TypeVar

import click

from bot.app import Database, open_database
from bot.settings import Settings, SettingsError, load_settings
from conversations import assessment as A
from conversations.i18n import t

T = TypeVar("T")


def cli_settings() -> Settings:
    """The settings from the environment; a configuration error ends the command (exit 2)."""
    try:
        return load_settings()
    except SettingsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)


def run_db(settings: Settings, fn: Callable[[Database], Awaitable[T]]) -> T:
    """Runs ``fn`` with the database open, in an event loop of the command's own."""

    async def main() -> T:
        async with open_database(settings) as db:
            return await fn(db)

    return asyncio.run(main())


def fail(lines: list[str], header: str) -> NoReturn:
    """Lists every problem under ``header`` on stderr and exits 1 (the input was rejected)."""
    click.echo(header, err=True)
    for line in lines:
        click.echo(f"  - {line}", err=True)
    sys.exit(1)


def read_text(path: str) -> str:
    """The file's text (a BOM is dropped: spreadsheets save one); not UTF-8 exits 1."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        click.echo(f"{path}: not UTF-8 text / tệp không phải văn bản UTF-8", err=True)
        sys.exit(1)


def import_file(kind: str, file: str, year: int, fn: Callable[..., Awaitable[T]]) -> T:
    """Imports ``file`` with ``fn(uow, text, year)`` in one transaction: all rows or none,
    every rejected row listed."""
    s = cli_settings()
    text = read_text(file)

    async def go(db: Database) -> T:
        async with db.uow() as uow:
            return await fn(uow, text, year)

    try:
        return run_db(s, go)
    except A.RowsRejected as err:
        fail(
            [p.render(lambda m: t(s.locale, m)) for p in err.problems],
            t(s.locale, "Nothing was imported from %(file)s:", file=file),
        )
    except A.NotFound as err:
        fail([t(s.locale, err.message, **err.params)], t(s.locale, "Nothing was imported:"))
