"""`parbot export evidence`: the evidence pack (tài liệu kiểm chứng) for the appraisal council.

    parbot export evidence --period 2024 --unit X01 --out X01.zip
    parbot export evidence --period 2024 --board commune --out xa.zip
    parbot export evidence --period 2024 --all --out tat-ca.zip

Exit codes: 0 written, 1 unknown period/unit/board (nothing written), 2 usage error.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from bot.app import open_database
from bot.cli_common import cli_settings
from conversations import assessment as A
from conversations import evidence_pack as pack
from conversations.i18n import fmt_num, t
from documents.xlsx import OpenpyxlSheets
from storage.files import EvidenceStore
from storage.uow import UnitOfWork


@click.command(
    "evidence",
    help=(
        "Xuất hồ sơ tài liệu kiểm chứng (ZIP: mỗi đơn vị một thư mục, mỗi tiêu chí một thư mục, "
        "kèm danh mục Excel và CSV) cho Hội đồng thẩm định / export the evidence pack (ZIP: a "
        "folder per unit and per criterion, with an Excel and CSV index) for the council."
    ),
)
@click.option("--period", "year", type=int, required=True, help="Năm đánh giá / assessment year.")
@click.option(
    "--unit",
    "units",
    multiple=True,
    help="Mã đơn vị, có thể lặp lại / unit code (repeatable).",
)
@click.option(
    "--board",
    default=None,
    help="Bảng xếp hạng: department (cơ quan chuyên môn) hoặc commune (xã) / board.",
)
@click.option("--all", "all_units", is_flag=True, help="Tất cả đơn vị / every unit.")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="Tệp ZIP sẽ ghi / the ZIP file to write.",
)
def export_evidence(
    year: int, units: tuple[str, ...], board: str | None, all_units: bool, out: str
) -> None:
    chosen = sum(1 for x in (bool(units), board is not None, all_units) if x)
    if chosen != 1:
        raise click.UsageError(
            "Chọn đúng một trong --unit, --board, --all / choose exactly one of --unit, "
            "--board, --all."
        )
    settings = cli_settings()
    loc = settings.locale
    board_code: str | None = None
    if board is not None:
        board_code = A.parse_board(board)
        if board_code is None:
            click.echo(
                t(loc, "Unknown board %(board)s (use department or commune).", board=board),
                err=True,
            )
            sys.exit(1)
    store = EvidenceStore(settings.evidence_dir)

    async def main() -> pack.ZipSummary:
        async with open_database(settings) as db:
            async with UnitOfWork(db.sessionmaker, read_only=True) as uow:
                sel = await pack.collect(uow, year, list(units) or None, board_code)
            # the database is released before the (possibly long) write
            return await asyncio.to_thread(
                pack.write_zip,
                sel.entries,
                store,
                Path(out),
                units=len(sel.units),
                tz=settings.tz,
                sheets=OpenpyxlSheets(),
            )

    try:
        summary = asyncio.run(main())
    except A.NotFound as err:
        click.echo(t(loc, "Nothing was exported:"), err=True)
        click.echo(f"  - {t(loc, err.message, **err.params)}", err=True)
        sys.exit(1)
    _report(summary, loc)


def _report(summary: pack.ZipSummary, loc: str) -> None:
    """What was written, then on stderr the files missing or unreadable (at most 50 each),
    so the council knows the pack is incomplete without opening its index."""
    click.echo(
        t(
            loc,
            "Evidence pack written to %(path)s: %(files)s file(s), %(items)s criterion "
            "folder(s), %(units)s unit(s), %(size)s.",
            path=str(summary.path),
            files=summary.files,
            items=summary.items,
            units=summary.units,
            size=_size(summary.bytes, loc),
        )
    )
    if summary.missing:
        click.echo(
            t(
                loc,
                "%(n)s file(s) were missing from the evidence store (marked in the index):",
                n=len(summary.missing),
            ),
            err=True,
        )
        for name in summary.missing[:50]:
            click.echo(f"  - {name}", err=True)
    if summary.failed:
        click.echo(
            t(
                loc,
                "%(n)s file(s) could not be read and were left out (marked in the index); "
                "the rest of the pack was written:",
                n=len(summary.failed),
            ),
            err=True,
        )
        for name in list(summary.failed)[:50]:
            click.echo(f"  - {name}", err=True)


def _size(n: int, loc: str) -> str:
    if n < 1024 * 1024:
        return t(loc, "%(n)s KB", n=fmt_num(max(1, round(n / 1024)) if n else 0, loc))
    return t(loc, "%(n)s MB", n=fmt_num(round(n / (1024 * 1024), 1), loc))


def register(group: click.Group) -> None:
    group.add_command(export_evidence)
