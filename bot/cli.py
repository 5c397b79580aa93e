"""`parbot` — the command line for Phòng/Sở Nội vụ (and the entrypoint of the bot itself).

Help is bilingual (Vietnamese first); results print in PARBOT_LOCALE. Exit codes: 0 ok, 1 the
input was rejected (every problem listed), 2 usage or configuration error.
"""

from __future__ import annotations

import asyncio
import functools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from bot import (
    cli_access,
    cli_backup,
    cli_catalog_draft,
    cli_exports,
    cli_plan,
    cli_publish,
    cli_results,
    cli_years,
)
from bot.app import Database
from bot.cli_common import cli_settings, fail, import_file, read_text, run_db
from bot.cli_demo import demo_command
from bot.runtime import run_command
from conversations import assessment as A
from conversations import yearover as Y
from conversations.class_reason import class_reason
from conversations.i18n import fmt_num, t
from scoring.catalog import CatalogError
from scoring.catalog_loader import load_catalog


@click.group(help="parbot — Chỉ số CCHC qua Telegram / PAR index over Telegram.")
def main() -> None:
    pass


# ------------------------------------------------------------------ db


@main.group(help="Cơ sở dữ liệu / database.")
def db() -> None:
    pass


@db.command("upgrade", help="Cập nhật cấu trúc CSDL (migrations) / apply migrations.")
def db_upgrade() -> None:
    s = cli_settings()
    run_db(s, lambda _db: asyncio.sleep(0))
    click.echo(t(s.locale, "Database is up to date."))


# ------------------------------------------------------------------ catalog


@main.group(help="Bộ chỉ số / criteria set (catalog).")
def catalog() -> None:
    pass


@catalog.command("validate", help="Kiểm tra tệp Bộ chỉ số YAML / validate a catalog file.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def catalog_validate(file: str) -> None:
    s = cli_settings()
    try:
        cat = load_catalog(read_text(file))
    except CatalogError as err:
        fail(
            [p.render(lambda m: t(s.locale, m)) for p in err.problems],
            t(s.locale, "%(n)s problem(s) in %(file)s:", n=len(err.problems), file=file),
        )
        return
    leaves = cat.leaves()
    click.echo(
        t(
            s.locale,
            "%(id)s is valid: %(fields)s fields, %(leaves)s items, %(max)s points.",
            id=cat.id,
            fields=len(cat.fields),
            leaves=len(leaves),
            max=fmt_num(cat.max_total, s.locale),
        )
    )


@catalog.command("import", help="Nạp Bộ chỉ số cho một năm / import a catalog for a year.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--period", "year", type=int, required=True, help="Năm đánh giá / assessment year.")
def catalog_import(file: str, year: int) -> None:
    s = cli_settings()
    text = read_text(file)

    async def go(db: Database) -> Any:
        async with db.uow() as uow:
            return await A.import_catalog(uow, text, year)

    try:
        _row, cat, created = run_db(s, go)
    except CatalogError as err:
        fail(
            [p.render(lambda m: t(s.locale, m)) for p in err.problems],
            t(s.locale, "%(n)s problem(s) in %(file)s:", n=len(err.problems), file=file),
        )
        return
    except A.RowsRejected as err:
        fail(
            [p.render(lambda m: t(s.locale, m)) for p in err.problems],
            t(s.locale, "Nothing was imported:"),
        )
        return
    msg = (
        "Catalog %(id)s imported for %(year)s."
        if created
        else "Catalog %(id)s updated for %(year)s."
    )
    click.echo(t(s.locale, msg, id=cat.id, year=year))


# ------------------------------------------------------------------ units / answers


@main.group(help="Đơn vị (cơ quan, xã, phường) / units.")
def units() -> None:
    pass


@units.command("import", help="Nạp danh sách đơn vị CSV (code,name,board) / import units.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--period", "year", type=int, required=True, help="Năm đánh giá / assessment year.")
def units_import(file: str, year: int) -> None:
    created, updated = import_file("units", file, year, A.import_units)
    s = cli_settings()
    click.echo(
        t(
            s.locale,
            "Units: %(created)s created, %(updated)s updated.",
            created=created,
            updated=updated,
        )
    )


@main.group(help="Số liệu tự chấm điểm / self-assessment answers.")
def answers() -> None:
    pass


@answers.command(
    "import", help="Nạp kết quả tự chấm CSV (unit,item,value[,explanation]) / import answers."
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--period", "year", type=int, required=True, help="Năm đánh giá / assessment year.")
@click.option(
    "--allow-missing-evidence",
    is_flag=True,
    help="Nhận điểm thiếu tài liệu kiểm chứng (ghi vào lịch sử) / accept points without "
    "evidence or explanation (recorded in the history).",
)
def answers_import(file: str, year: int, allow_missing_evidence: bool) -> None:
    changed = import_file(
        "answers",
        file,
        year,
        functools.partial(A.import_answers, allow_missing_evidence=allow_missing_evidence),
    )
    click.echo(t(cli_settings().locale, "Answers: %(n)s saved.", n=changed))


# ------------------------------------------------------------------ rank


@main.command(help="Xếp hạng theo bảng / ranking per board.")
@click.option("--period", "year", type=int, required=True, help="Năm đánh giá / assessment year.")
@click.option("--board", default=None, help="Bảng (department, commune, district…) / board code.")
@click.option("--json", "as_json", is_flag=True, help="Xuất JSON / print JSON.")
def rank(year: int, board: str | None, as_json: bool) -> None:
    s = cli_settings()

    async def go(db: Database) -> tuple[list[A.Standing], dict[str, Y.Previous]]:
        async with db.uow() as uow:
            rows = await A.standings(uow, year, board)
            return rows, await Y.previous_figures(uow, await A.get_period(uow, year))

    try:
        rows, before = run_db(s, go)
    except A.NotFound as err:
        fail([t(s.locale, err.message, **err.params)], t(s.locale, "No ranking:"))
        return
    if as_json:
        out = [
            {**A.standing_json(r, s.locale), "previous": Y.previous_json(before.get(r.unit.code))}
            for r in rows
        ]
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(t(s.locale, "No units with a catalog in %(year)s yet.", year=year))
        return
    loc = s.locale
    rank_h, unit_h, index_h = t(loc, "Rank"), t(loc, "Unit"), t(loc, "Index")
    class_h = t(loc, "Classification")
    prev_h = "  " + t(loc, "Last year") if before else ""
    current = None
    for r in rows:
        if r.unit.board != current:
            current = r.unit.board
            click.echo(f"\n{A.board_title(loc, current)}")
            click.echo(f"{rank_h:>5}  {unit_h:<34} {index_h:>7}  {class_h}{prev_h}")
        res = r.result
        mark = " *" if res.preliminary and not r.official else ""
        basis = f" ({t(loc, A.BASIS_NOTES[r.basis])})" if r.basis in A.BASIS_NOTES else ""
        name = f"{r.unit.code} {r.unit.name}"[:34]
        why = class_reason(loc, r.catalog, res)
        click.echo(
            f"{r.ranked.rank:>5}  {name:<34} {fmt_num(res.index, loc):>7}  "
            f"{res.classification}{mark}{basis}{Y.previous_text(before.get(r.unit.code), loc)}"
            + (f" — {why}" if why else "")
        )
    if rows[0].official:
        click.echo("\n" + t(loc, "Official results (published)."))
    elif any(r.result.preliminary for r in rows):
        click.echo(
            "\n* "
            + t(loc, "preliminary: self-assessed, not yet appraised, or survey points pending")
        )


# ------------------------------------------------------------------ invites


@main.command(help="Tạo mã mời dùng một lần / create a one-time invite code.")
@click.option("--unit", "unit_code", default=None, help="Mã đơn vị / unit code.")
@click.option("--role", type=click.Choice(list(A.ROLES)), required=True, help="Vai trò / role.")
@click.option("--period", "year", type=int, default=None, help="Năm (mặc định: mới nhất).")
@click.option("--ttl-days", type=int, default=None, help="Hiệu lực (ngày) / valid for days.")
@click.option(
    "--second-unit", is_flag=True, help="Cho giữ thêm đơn vị này / may keep another unit too."
)
def invite(
    unit_code: str | None, role: str, year: int | None, ttl_days: int | None, second_unit: bool
) -> None:
    s = cli_settings()
    ttl = timedelta(days=ttl_days or s.invite_ttl_days)

    async def go(db: Database) -> tuple[str, Any]:
        async with db.uow() as uow:
            return await A.create_invite(
                uow,
                year=year,
                unit_code=unit_code,
                role=role,
                ttl=ttl,
                now=datetime.now(UTC),
                allow_second_unit=second_unit,
            )

    try:
        code, inv = run_db(s, go)
    except A.NotFound as err:
        fail([t(s.locale, err.message, **err.params)], t(s.locale, "No invite created:"))
        return
    click.echo(code)
    click.echo(A.invite_link(s.bot_username, code))
    click.echo(
        t(
            s.locale,
            "Valid until %(when)s, single use.",
            when=inv.expires_at.astimezone(s.tz).strftime("%d/%m/%Y %H:%M"),
        )
    )


main.add_command(run_command)
main.add_command(demo_command)

# Capabilities add their commands from modules of their own (plan, exports, survey, publication,
# access, backup, catalog drafting, years).
for _family in (
    cli_plan,
    cli_exports,
    cli_results,
    cli_access,
    cli_publish,
    cli_backup,
    cli_catalog_draft,
    cli_years,  # period new, catalog diff/mapping
):
    _family.register(main)


if __name__ == "__main__":
    main()
