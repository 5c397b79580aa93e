"""`parbot export sheet` (a unit's biểu tự chấm điểm) and `parbot export ranking` (per board)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import click

from bot.cli_common import cli_settings, fail, run_db
from conversations import assessment as A
from conversations import sheets
from conversations.i18n import t
from documents.xlsx import OpenpyxlSheets


@click.command("sheet", help="Biểu tự chấm điểm của một đơn vị (Excel) / a unit's score sheet.")
@click.option("--unit", "unit_code", required=True, help="Mã đơn vị / unit code.")
@click.option("--period", "year", type=int, required=True, help="Năm đánh giá / assessment year.")
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True, help="FILE.xlsx")
def export_sheet(unit_code: str, year: int, out: str) -> None:
    _write(lambda uow: sheets.write_unit_sheet(uow, year, unit_code, Path(out), OpenpyxlSheets()))


@click.command("ranking", help="Bảng xếp hạng theo bảng (Excel) / the ranking per board.")
@click.option("--period", "year", type=int, required=True, help="Năm đánh giá / assessment year.")
@click.option("--board", type=str, default=None, help="Bảng / board.")
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True, help="FILE.xlsx")
def export_ranking(year: int, board: str | None, out: str) -> None:
    _write(lambda uow: sheets.write_ranking(uow, year, board, Path(out), OpenpyxlSheets()))


def _write(write: Callable[[Any], Awaitable[Path]]) -> None:
    """Run ``write`` in one unit of work and say where the file went, or what was not found
    (the unit, the year, the board) and that nothing was exported."""
    s = cli_settings()

    async def go(db: Any) -> Path:
        async with db.uow() as uow:
            return await write(uow)

    try:
        path = run_db(s, go)
    except A.NotFound as err:
        fail([t(s.locale, err.message, **err.params)], t(s.locale, "Nothing was exported:"))
        return
    click.echo(t(s.locale, "Written: %(path)s", path=str(path)))


def register(group: click.Group) -> None:
    group.add_command(export_sheet)
    group.add_command(export_ranking)
