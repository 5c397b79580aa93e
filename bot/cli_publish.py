"""`parbot publish`, `parbot unpublish`, `parbot publications`: the frozen official results.

Registered by ``bot.cli``.  ``publish`` lists what is still missing and refuses (exit 1) unless
``--force --reason "…"``; the reason is kept with the snapshot.  ``unpublish`` reopens a period
(the snapshot is kept, the reason recorded); ``publications`` prints every version and the
audit history.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from bot.cli_common import cli_settings, fail, run_db
from conversations import assessment as A
from conversations import publication as P
from conversations.i18n import t
from documents.xlsx import OpenpyxlSheets
from storage.repositories.rows_catalog import AuditRow, Snapshot

YEAR = click.option("--period", "year", type=int, required=True, help="Năm đánh giá / year.")


@click.command("publish", help="Công bố (đóng băng) kết quả một năm / publish a year's results.")
@YEAR
@click.option("--force", is_flag=True, help="Công bố dù còn thiếu / publish although incomplete.")
@click.option("--reason", default=None, help="Lý do (bắt buộc với --force) / reason.")
def publish(year: int, force: bool, reason: str | None) -> None:
    s = cli_settings()
    loc = s.locale
    if force and not (reason or "").strip():
        click.echo(t(loc, '--force needs --reason "…" (kept with the publication).'), err=True)
        raise SystemExit(2)

    async def go(db: Any) -> P.PublishReport:
        async with db.uow() as uow:
            return await P.publish_period(
                uow,
                year,
                data_dir=s.data_dir,
                writer=OpenpyxlSheets(),
                now=datetime.now(UTC),
                default_locale=loc,
                force=force,
                reason=reason,
            )

    try:
        report = run_db(s, go)
    except P.NotReady as err:
        lines = [
            line.removeprefix("⚠️ ")
            for line in P.readiness_lines(lambda m, **k: t(loc, m, **k), err.ready, 1000)
        ]
        lines.append(
            t(
                loc,
                'to publish anyway: parbot publish --period %(year)s --force --reason "…"',
                year=year,
            )
        )
        fail(lines, t(loc, "Not published, something is missing:"))
        return
    except (P.PublicationError, A.NotFound) as err:
        fail([t(loc, err.message, **err.params)], t(loc, "Not published:"))
        return
    click.echo(
        t(
            loc,
            "Published %(year)s (version %(version)s): %(units)s units; %(n)s messages queued "
            "for the bot to send.",
            year=year,
            version=report.version,
            units=report.units,
            n=report.messages,
        )
    )
    if report.sheet is not None:
        click.echo(str(report.sheet))


@click.command("unpublish", help="Mở lại kết quả đã công bố / reopen published results.")
@YEAR
@click.option("--reason", required=True, help="Lý do (ghi vào lịch sử) / reason (audited).")
def unpublish(year: int, reason: str) -> None:
    s = cli_settings()

    async def go(db: Any) -> int:
        async with db.uow() as uow:
            return await P.unpublish_period(
                uow, year, reason=reason, by=None, now=datetime.now(UTC)
            )

    try:
        version = run_db(s, go)
    except (P.PublicationError, A.NotFound) as err:
        fail([t(s.locale, err.message, **err.params)], t(s.locale, "Not reopened:"))
        return
    click.echo(
        t(
            s.locale,
            "%(year)s is reopened; publication %(version)s is kept in the history.",
            year=year,
            version=version,
        )
    )


@click.command("publications", help="Các lần công bố và lịch sử / publications and history.")
@YEAR
def publications(year: int) -> None:
    s = cli_settings()

    async def go(db: Any) -> tuple[list[Snapshot], list[AuditRow]]:
        async with db.uow() as uow:
            period = await A.get_period(uow, year)
            versions = await uow.publications.versions(period.id)
            return versions, await uow.publications.history(period.id)

    try:
        versions, history = run_db(s, go)
    except A.NotFound as err:
        fail([t(s.locale, err.message, **err.params)], t(s.locale, "No history:"))
        return
    if not versions and not history:
        click.echo(t(s.locale, "%(year)s has never been published.", year=year))
        return
    for v in versions:
        state = (
            t(s.locale, "withdrawn %(when)s", when=_when(v.withdrawn_at, s.tz))
            if v.withdrawn_at is not None
            else t(s.locale, "in force")
        )
        forced = t(s.locale, " · forced: %(reason)s", reason=v.reason) if v.forced else ""
        click.echo(f"v{v.version} {_when(v.published_at, s.tz)} · {state}{forced}")
    for h in history:
        version = f" v{h.version}" if h.version is not None else ""
        reason = f" — {h.reason}" if h.reason else ""
        click.echo(f"{_when(h.at, s.tz)} {h.action}{version} · {h.actor_label}{reason}")


def _when(at: datetime | None, tz: Any) -> str:
    return at.astimezone(tz).strftime("%d/%m/%Y %H:%M") if at is not None else ""


def register(main: click.Group) -> None:
    main.add_command(publish)
    main.add_command(unpublish)
    main.add_command(publications)
