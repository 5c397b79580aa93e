"""`parbot appraiser …`, `parbot survey import`, `parbot reopen` (publication: bot.cli_publish).

Registered by ``bot.cli`` (``register(main)``). Same conventions as the rest of the CLI: help in
Vietnamese then English, messages in PARBOT_LOCALE, exit 1 when the input is rejected.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from bot.cli_common import cli_settings, fail, import_file, run_db
from conversations import assessment as A
from conversations import publication as P
from conversations.i18n import t
from conversations.review.assign_chat import notify_assigned
from conversations.review.assignment import AssignError, assign_appraiser
from conversations.survey_import import import_survey
from handlers.routes import build_registry


@click.group("appraiser", help="Người thẩm định / appraisers.")
def appraiser_group() -> None:
    pass


@appraiser_group.command(
    "assign", help="Giao lĩnh vực cho người thẩm định / assign a field to an appraiser."
)
@click.option("--person", "telegram_id", type=int, default=None, help="Telegram user id.")
@click.option("--invite", "invite_code", default=None, help="Mã mời họ đã dùng / invite code used.")
@click.option("--period", "year", type=int, required=True, help="Năm đánh giá / assessment year.")
@click.option("--field", "field_code", required=True, help="Lĩnh vực (1, 2, …, bonus, penalty).")
@click.option(
    "--board",
    type=str,
    default=None,
    help="Chỉ một bảng (mặc định: mọi bảng) / one board only (default: all).",
)
def appraiser_assign(
    telegram_id: int | None, invite_code: str | None, year: int, field_code: str, board: str | None
) -> None:
    s = cli_settings()
    if (telegram_id is None) == (invite_code is None):
        click.echo(t(s.locale, "Give exactly one of --person and --invite."), err=True)
        raise SystemExit(2)

    async def go(db: Any) -> Any:
        async with db.uow() as uow:
            person, row = await assign_appraiser(
                uow, year, field_code, board, telegram_id=telegram_id, invite_code=invite_code
            )
            period = await A.get_period(uow, year)
            now = datetime.now(UTC)
            await notify_assigned(
                uow, person, period, row.field_code, board, now, s.locale, menus=build_registry()
            )
            return person.full_name

    try:
        name = run_db(s, go)
    except (AssignError, A.NotFound) as err:
        fail([t(s.locale, err.message, **err.params)], t(s.locale, "Nothing was assigned:"))
        return
    where = board or t(s.locale, "all boards")
    click.echo(
        t(
            s.locale,
            "%(name)s appraises field %(field)s (%(board)s) in %(year)s.",
            name=name,
            field=field_code,
            board=where,
            year=year,
        )
    )


@appraiser_group.command("list", help="Danh sách phân công / list the assignments.")
@click.option("--period", "year", type=int, required=True, help="Năm đánh giá / assessment year.")
def appraiser_list(year: int) -> None:
    s = cli_settings()

    async def go(db: Any) -> list[tuple[str, int, str, str | None]]:
        async with db.uow() as uow:
            period = await A.get_period(uow, year)
            out = []
            for p in await uow.people.with_role("appraiser"):
                for a in await uow.appraisals.assignments(p, period.id):
                    out.append((p.full_name, p.telegram_user_id, a.field_code, a.board))
            return out

    try:
        rows = run_db(s, go)
    except A.NotFound as err:
        fail([t(s.locale, err.message, **err.params)], t(s.locale, "No list:"))
        return
    if not rows:
        click.echo(t(s.locale, "No appraiser has been assigned a field yet."))
    for name, tg, fcode, board in rows:
        click.echo(f"{name} ({tg}): {fcode} · {board or t(s.locale, 'all boards')}")


@click.group("survey", help="Điều tra xã hội học / sociological survey (SIPAS).")
def survey_group() -> None:
    pass


@survey_group.command(
    "import", help="Nạp điểm điều tra XHH CSV (unit,item,points) / import survey points."
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--period", "year", type=int, required=True, help="Năm đánh giá / assessment year.")
def survey_import(file: str, year: int) -> None:
    n = import_file("survey", file, year, import_survey)
    click.echo(t(cli_settings().locale, "Survey points: %(n)s saved.", n=n))


@click.command("reopen", help="Mở lại bài tự chấm của đơn vị / reopen a unit's self-assessment.")
@click.option("--unit", "unit_code", required=True, help="Mã đơn vị / unit code.")
@click.option("--period", "year", type=int, required=True, help="Năm đánh giá / assessment year.")
def reopen(unit_code: str, year: int) -> None:
    s = cli_settings()

    async def go(db: Any) -> str:
        async with db.uow() as uow:
            unit, _old = await P.reopen_unit(uow, year, unit_code, by=None, now=datetime.now(UTC))
            return unit.name

    try:
        name = run_db(s, go)
    except (P.PublicationError, A.NotFound) as err:
        fail([t(s.locale, err.message, **err.params)], t(s.locale, "Not reopened:"))
        return
    click.echo(t(s.locale, "%(unit)s is reopened.", unit=name))


def register(main: click.Group) -> None:
    main.add_command(appraiser_group)
    main.add_command(survey_group)
    main.add_command(reopen)
