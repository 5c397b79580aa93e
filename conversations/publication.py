"""Publication (công bố) of a period's results, and reopening a unit after the deadline.

Publishing freezes the figures: ``periods.published_at`` is set, every unit's submission becomes
"published" (the walk refuses edits, /review refuses appraisals, survey imports are refused),
/rank stops saying "preliminary", and each unit's leaders and officers get their own result —
with the ranking workbook attached — through the outbox, keyed ``pub:{year}:{person id}`` so
publishing twice never sends twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from conversations import assessment as A
from conversations import sheets
from conversations.context import Ctx, Notice
from conversations.exports import XLSX
from conversations.i18n import fmt_num, t
from conversations.replies import Button
from conversations.review import REVIEWABLE, load_unit
from conversations.standing import BOARD_NAMES
from conversations.walk import esc
from scoring.i18n import N_
from storage import models as m
from storage.uow import UnitOfWork

MAX_CAPTION = 1000  # Telegram captions stop at 1024 characters


class PublicationError(ValueError):
    def __init__(self, message: str, **params: object):
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)


@dataclass
class PublishReport:
    year: int
    units: int
    messages: int
    sheet: Path | None
    published_at: datetime


@dataclass
class Readiness:
    """What is still open before publishing (shown to the admin, never blocking)."""

    units: int = 0
    not_submitted: list[str] = field(default_factory=list)
    items_open: int = 0  # not yet appraised, or more evidence requested
    survey_pending: list[str] = field(default_factory=list)


async def readiness(uow: UnitOfWork, year: int) -> Readiness:
    out = Readiness()
    for r in await A.standings(uow, year):
        out.units += 1
        uf = await load_unit(uow, r.unit)
        if uf is None:
            continue
        if uf.status not in (*REVIEWABLE, "published"):
            out.not_submitted.append(r.unit.code)
        else:
            c = uf.counts(scoped=False)
            out.items_open += c["todo"] + c["waiting"] + c["returned"]
        if r.result.pending:
            out.survey_pending.append(r.unit.code)
    return out


def result_text(locale: str, standing: A.Standing, year: int) -> str:
    res, rk, cat = standing.result, standing.ranked, standing.catalog
    rule = cat.classification[res.class_rank]
    cls = rule.label_en if locale == "en" and rule.label_en else rule.label
    board = (
        t(locale, BOARD_NAMES[standing.unit.board])
        if standing.unit.board in BOARD_NAMES
        else standing.unit.board
    )
    return t(
        locale,
        "%(unit)s: index %(index)s/%(scale)s · %(cls)s · rank %(rank)s/%(of)s, %(board)s.",
        unit=esc(standing.unit.name),
        index=fmt_num(res.index, locale),
        scale=fmt_num(cat.scale, locale),
        cls=cls,
        rank=rk.rank,
        of=rk.of,
        board=board,
    )


async def publish_period(
    uow: UnitOfWork,
    year: int,
    *,
    data_dir: Path,
    now: datetime,
    by: m.Person | None = None,
    default_locale: str = "vi",
) -> PublishReport:
    """Publish ``year``: freeze, mark every unit published, queue each person's result."""
    period = await A.get_period(uow, year)
    if period.published_at is not None:
        raise PublicationError(
            N_("the results of %(year)s were already published on %(date)s"),
            year=year,
            date=period.published_at.strftime("%d/%m/%Y"),
        )
    if not await A.standings(uow, year):
        raise PublicationError(N_("No units with a catalog in %(year)s yet."), year=year)
    await uow.periods.publish(period, now)
    rows = await A.standings(uow, year)
    path = sheets.export_path(data_dir, f"xep-hang-{year}-cong-bo")
    try:
        sheets.build_ranking_workbook(rows, period).save(path)
        sheet: Path | None = path
    except OSError:
        sheet = None
    attach = sheet is not None
    recipients: dict[int, tuple[m.Person, list[A.Standing]]] = {}
    for r in rows:
        await uow.submissions.set_status(r.unit.id, "published", by, note="published", at=now)
        for role in ("leader", "officer"):
            for p in await uow.people.with_role(role, r.unit.id, include_all_units=False):
                recipients.setdefault(p.id, (p, []))[1].append(r)
    queued = 0
    for pid, (person, mine) in recipients.items():
        loc = person.language or default_locale
        parts = [
            t(loc, "📣 The PAR index results of %(year)s are published (official).", year=year)
        ]
        seen: set[int] = set()
        for r in mine:
            if r.unit.id not in seen:
                seen.add(r.unit.id)
                parts.append(result_text(loc, r, year))
        parts.append(t(loc, "Type /rank for the details and charts."))
        if attach:
            parts.append(t(loc, "The ranking of every unit is attached."))
        text = "\n".join(parts)
        if len(text) > MAX_CAPTION:
            text = text[: MAX_CAPTION - 1] + "…"
        payload: dict[str, object] = {"text": text, "buttons": []}
        kind = m.OutboxKind.MESSAGE.value
        if attach:
            payload["document"] = {
                "path": str(sheet),
                "name": f"Xep-hang-CCHC-{year}.xlsx",
                "mime_type": XLSX,
            }
            kind = m.OutboxKind.DOCUMENT.value
        if await uow.outbox.enqueue(
            f"pub:{year}:{pid}", person.chat_id, payload, kind, person=person, not_before=now
        ):
            queued += 1
    return PublishReport(year, len(rows), queued, sheet, now)


async def reopen_unit(
    uow: UnitOfWork, year: int, code: str, *, by: m.Person | None, now: datetime
) -> tuple[m.Unit, str]:
    """Reopen a unit's self-assessment (after the deadline too); returns (unit, old status)."""
    period = await A.get_period(uow, year)
    if period.published_at is not None:
        raise PublicationError(
            N_("the results of %(year)s are published; units can no longer be reopened"),
            year=year,
        )
    unit = await uow.units.get_by_code(period.id, code)
    if unit is None:
        raise PublicationError(N_("unknown unit %(unit)s"), unit=code)
    sub = await uow.submissions.get(unit.id)
    old = sub.status if sub is not None else "draft"
    if old == "reopened":
        raise PublicationError(N_("%(unit)s is already reopened"), unit=code)
    await uow.submissions.set_status(unit.id, "reopened", by, note="reopened by admin", at=now)
    return unit, old


# ------------------------------------------------------------------ chat


async def publish_cmd(ctx: Ctx, args: str = "") -> None:
    if not ctx.is_admin:
        ctx.say(ctx.tr("Only Phòng Nội vụ can publish the results."))
        return
    period = await ctx.uow.periods.latest()
    if period is None:
        ctx.say(ctx.tr("No assessment period has been set up yet."))
        return
    if period.published_at is not None:
        ctx.say(
            ctx.tr(
                "The results of %(year)s were published on %(date)s.",
                year=period.year,
                date=ctx.date(period.published_at.astimezone(ctx.config.tz).date()),
            )
        )
        return
    ready = await readiness(ctx.uow, period.year)
    if not ready.units:
        ctx.say(ctx.tr("No units with a criteria set in %(year)s yet.", year=period.year))
        return
    lines = [
        ctx.tr("<b>Publish the results of %(year)s?</b>", year=period.year),
        ctx.tr("%(n)s units will get their official result.", n=ready.units),
    ]
    if ready.not_submitted:
        lines.append(
            ctx.tr(
                "⚠️ Not submitted: %(codes)s",
                codes=", ".join(ready.not_submitted[:30]),
            )
        )
    if ready.items_open:
        lines.append(
            ctx.tr(
                "⚠️ %(n)s items are not appraised yet or wait for more evidence; their "
                "self-scores count.",
                n=ready.items_open,
            )
        )
    if ready.survey_pending:
        lines.append(
            ctx.tr(
                "⚠️ Survey points missing for: %(codes)s",
                codes=", ".join(ready.survey_pending[:30]),
            )
        )
    lines.append(
        ctx.tr(
            "After publishing, answers and appraisals can no longer change, and every "
            "unit's leaders and officers are told their result."
        )
    )
    ctx.say(
        "\n".join(lines),
        buttons=(
            (Button(ctx.tr("📣 Publish"), f"pub:ok:{period.year}"),),
            (Button(ctx.tr("✖ Not yet"), "pub:no"),),
        ),
    )


async def on_callback(ctx: Ctx, parts: list[str]) -> None:
    if not ctx.is_admin:
        ctx.toast(ctx.tr("Only Phòng Nội vụ can publish the results."), alert=True)
        return
    action = parts[1] if len(parts) > 1 else ""
    if action == "no":
        ctx.say(ctx.tr("Not published. Nothing was changed."), edit=True)
        return
    if action != "ok" or len(parts) < 3 or not parts[2].isdigit():
        ctx.toast(ctx.tr("This button is out of date."))
        return
    try:
        report = await publish_period(
            ctx.uow,
            int(parts[2]),
            data_dir=ctx.config.data_dir,
            now=ctx.now,
            by=ctx.person,
            default_locale=ctx.config.default_locale,
        )
    except (PublicationError, A.NotFound) as err:
        ctx.say(ctx.tr("⚠️ %(problem)s.", problem=ctx.problem(err.message, err.params)), edit=True)
        return
    ctx.say(
        ctx.tr(
            "📣 Published the results of %(year)s: %(units)s units; %(n)s people are being "
            "told their result.",
            year=report.year,
            units=report.units,
            n=report.messages,
        ),
        edit=True,
    )


async def reopen_cmd(ctx: Ctx, args: str = "") -> None:
    if not ctx.is_admin:
        ctx.say(ctx.tr("Only Phòng Nội vụ can reopen a unit."))
        return
    code = args.strip().split()[0] if args.strip() else ""
    if not code:
        ctx.say(ctx.tr("Usage: /reopen UNIT_CODE, e.g. /reopen X01"))
        return
    period = await ctx.uow.periods.latest()
    if period is None:
        ctx.say(ctx.tr("No assessment period has been set up yet."))
        return
    try:
        unit, old = await reopen_unit(ctx.uow, period.year, code, by=ctx.person, now=ctx.now)
    except (PublicationError, A.NotFound) as err:
        ctx.say(ctx.tr("⚠️ %(problem)s.", problem=ctx.problem(err.message, err.params)))
        return
    text = ctx.tr(
        "↩️ %(unit)s is reopened: its officers can edit the answers and submit again, "
        "even after the deadline.",
        unit=esc(unit.name),
    )
    verdicts = await ctx.uow.appraisals.list_for_unit(unit.id)
    if verdicts:
        text += "\n" + ctx.tr(
            "%(n)s items already have an appraisal; they keep it, and any answer changed "
            "afterwards comes back to the appraisers' queue once the unit submits again.",
            n=len(verdicts),
        )
    ctx.say(text)
    stamp = int(ctx.now.timestamp())
    for role in ("officer", "leader"):
        for p in await ctx.uow.people.with_role(role, unit.id, include_all_units=False):
            loc = p.language or ctx.config.default_locale
            ctx.notices.append(
                Notice(
                    f"reopen:{unit.id}:{stamp}:{p.id}",
                    p,
                    t(
                        loc,
                        "↩️ Phòng Nội vụ reopened the self-assessment of %(unit)s. The answers "
                        "can be edited again; remember to /submit when done.",
                        unit=esc(unit.name),
                    ),
                )
            )
    del old
