"""`parbot access list|revoke|history`: who holds which role, and taking one away.

Registered by ``bot.cli`` (``register(main)``). A departed officer is removed with
``parbot access revoke --person TELEGRAM_ID --reason "…"``; the revocation is the same use case
as an admin's /access in chat (audit history, the person's notice, keyboard and command menu).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

from bot.cli_common import cli_settings, fail, run_db
from conversations import access as AC
from conversations import assessment as A
from conversations.i18n import t
from handlers.routes import build_registry
from scoring.i18n import N_
from storage.repositories.access import GrantRow


@click.group("access", help="Quyền truy cập: xem, thu hồi / access: list, revoke, history.")
def access_group() -> None:
    pass


async def _unit_id(uow: Any, year: int | None, unit_code: str | None) -> int | None:
    if unit_code is None:
        return None
    period = await A.get_period(uow, year) if year is not None else await uow.periods.latest()
    unit = await uow.units.get_by_code(period.id, unit_code) if period else None
    if unit is None:
        raise A.NotFound(N_("unknown unit %(unit)s"), unit=unit_code)
    return int(unit.id)


def _row_json(g: GrantRow) -> dict[str, Any]:
    return {
        "person": g.telegram_user_id,
        "name": g.full_name,
        "role": g.role,
        "unit": g.unit_code,
        "unit_name": g.unit_name,
        "granted_at": g.granted_at.isoformat(),
    }


@access_group.command("list", help="Ai giữ vai trò gì / who holds which role.")
@click.option("--period", "year", type=int, default=None, help="Năm (mặc định: mới nhất).")
@click.option("--unit", "unit_code", default=None, help="Chỉ một đơn vị / one unit only.")
@click.option("--json", "as_json", is_flag=True, help="Xuất JSON / print JSON.")
def access_list(year: int | None, unit_code: str | None, as_json: bool) -> None:
    s = cli_settings()

    async def go(db: Any) -> list[GrantRow]:
        async with db.uow() as uow:
            unit_id = await _unit_id(uow, year, unit_code)
            if unit_id is not None:
                return list(await uow.access.grants(unit_id=unit_id))
            period = await A.get_period(uow, year) if year else await uow.periods.latest()
            return list(await uow.access.grants(period_id=period.id if period else None))

    try:
        rows = run_db(s, go)
    except A.NotFound as err:
        fail([t(s.locale, err.message, **err.params)], t(s.locale, "Nothing to list:"))
        return
    if as_json:
        click.echo(json.dumps([_row_json(g) for g in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(t(s.locale, "Nobody holds a role yet."))
        return
    for g in rows:
        click.echo(f"{g.telegram_user_id:>12}  {g.full_name[:30]:<30}  {AC.describe(g, s.locale)}")


@access_group.command("revoke", help="Thu hồi vai trò / revoke roles of a person.")
@click.option("--person", "telegram_id", type=int, required=True, help="Telegram user id.")
@click.option("--unit", "unit_code", default=None, help="Chỉ vai trò ở đơn vị này / this unit.")
@click.option("--role", type=click.Choice(list(A.ROLES)), default=None, help="Chỉ vai trò này.")
@click.option("--period", "year", type=int, default=None, help="Năm của --unit (mới nhất).")
@click.option("--reason", required=True, help="Lý do (lưu vào lịch sử) / reason, kept.")
def access_revoke(
    telegram_id: int, unit_code: str | None, role: str | None, year: int | None, reason: str
) -> None:
    s = cli_settings()
    reason = " ".join(reason.split())
    if not reason or len(reason) > AC.MAX_REASON:
        click.echo(t(s.locale, "Give a reason of 1 to 500 characters."), err=True)
        raise SystemExit(2)

    async def go(db: Any) -> list[GrantRow]:
        async with db.uow() as uow:
            person = await uow.people.get_by_telegram_id(telegram_id)
            if person is None:
                raise A.NotFound(N_("no person with Telegram id %(id)s"), id=telegram_id)
            unit_id = await _unit_id(uow, year, unit_code)
            grants = AC.matching(await uow.access.grants(person_id=person.id), unit_id, role)
            if not grants:
                raise A.NotFound(N_("%(name)s holds no such role"), name=person.full_name)
            now = datetime.now(UTC)
            await AC.revoke(
                uow,
                person,
                grants,
                reason=reason,
                actor=AC.Actor("cli"),
                now=now,
                default_locale=s.locale,
                menus=build_registry(),
            )
            return grants

    try:
        revoked = run_db(s, go)
    except A.NotFound as err:
        fail([t(s.locale, err.message, **err.params)], t(s.locale, "Nothing was revoked:"))
        return
    for g in revoked:
        click.echo(
            t(s.locale, "Revoked: %(what)s", what=f"{g.full_name}: {AC.describe(g, s.locale)}")
        )


@access_group.command("history", help="Lịch sử cấp, thu hồi / grants and revocations.")
@click.option("--person", "telegram_id", type=int, default=None, help="Telegram user id.")
@click.option("--limit", type=int, default=50, help="Số dòng / rows (newest first).")
def access_history(telegram_id: int | None, limit: int) -> None:
    s = cli_settings()

    async def go(db: Any) -> list[Any]:
        async with db.uow() as uow:
            person_id = None
            if telegram_id is not None:
                person = await uow.people.get_by_telegram_id(telegram_id)
                if person is None:
                    raise A.NotFound(N_("no person with Telegram id %(id)s"), id=telegram_id)
                person_id = person.id
            return list(await uow.access.history(person_id, limit))

    try:
        events = run_db(s, go)
    except A.NotFound as err:
        fail([t(s.locale, err.message, **err.params)], t(s.locale, "Nothing to list:"))
        return
    for e in events:
        when = e.at.astimezone(s.tz).strftime("%d/%m/%Y %H:%M")
        role = t(s.locale, AC.ROLE_NAMES.get(e.role, e.role))
        where = e.unit_label or t(s.locale, "all units")
        action = t(s.locale, "granted") if e.action == "grant" else t(s.locale, "revoked")
        click.echo(
            f"{when}  {action:<8} {e.full_name} — {role} — {where} — {e.actor_label}: {e.reason}"
        )


def register(main: click.Group) -> None:
    main.add_command(access_group)
