"""Publication (công bố) of a period's results, and reopening a unit after the deadline.

Publishing stores a snapshot of every unit's figures (``conversations.snapshot``) that the
period's results are read from until it is unpublished; ``periods.published_at`` is set, every
unit's submission becomes "published" (the walk, /review and every import refuse with the way
to reopen), and each unit's leaders and officers get their own result — with the ranking
workbook attached — through the outbox, keyed per publication version so the same publication
never sends twice.  Anything missing (not submitted, not appraised, no survey points) blocks
publication unless it is forced with a reason, which the snapshot keeps.  Unpublishing (admins,
with a reason) withdraws the snapshot but keeps it; both are in the audit history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from conversations import assessment as A
from conversations import reply_json, sheets, snapshot
from conversations import yearover as Y
from conversations.class_reason import class_shown
from conversations.context import Ctx, Notice
from conversations.exports import XLSX
from conversations.formats import SheetWriter
from conversations.i18n import fmt_num, th
from conversations.markup import esc, join_lines
from conversations.replies import OutgoingFile, Reply
from conversations.unitview import REVIEWABLE, load_for_appraisal
from scoring.i18n import N_
from storage.enums import OutboxKind
from storage.repositories.rows import PersonRow, UnitRow
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
    version: int = 1


@dataclass
class Readiness:
    """What is still open before publishing: the CLI refuses without ``--force --reason``, the
    chat asks for the year typed as confirmation.  Stored with the snapshot as ``missing``."""

    units: int = 0
    not_submitted: list[str] = field(default_factory=list)
    items_open: int = 0  # not yet appraised, or more evidence requested
    not_appraised: list[str] = field(default_factory=list)  # units with such items
    survey_pending: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not (self.not_submitted or self.items_open or self.survey_pending)

    def as_json(self) -> dict[str, Any]:
        return {
            "units": self.units,
            "not_submitted": self.not_submitted,
            "items_open": self.items_open,
            "not_appraised": self.not_appraised,
            "survey_missing": self.survey_pending,
        }


async def readiness(uow: UnitOfWork, year: int) -> Readiness:
    out = Readiness()
    period = await A.get_period(uow, year)
    for r in await A.live_standings(uow, period, None):
        out.units += 1
        uf = await load_for_appraisal(uow, r.unit.id)
        if uf is None:
            continue
        if uf.status not in (*REVIEWABLE, "published"):
            out.not_submitted.append(r.unit.code)
        else:
            c = uf.counts(scoped=False)
            open_items = c["todo"] + c["waiting"] + c["returned"]
            out.items_open += open_items
            if open_items:
                out.not_appraised.append(r.unit.code)
        if r.basis != "full":
            out.survey_pending.append(r.unit.code)
    return out


def readiness_lines(tr: Callable[..., str], ready: Readiness, limit: int = 30) -> list[str]:
    """The readiness as short lines (empty when nothing is missing), for the CLI and chat."""
    lines = []
    if ready.not_submitted:
        lines.append(tr("⚠️ Not submitted: %(codes)s", codes=", ".join(ready.not_submitted[:limit])))
    if ready.items_open:
        lines.append(
            tr(
                "⚠️ %(n)s items are not appraised yet or wait for more evidence (%(codes)s); "
                "their self-scores count.",
                n=ready.items_open,
                codes=", ".join(ready.not_appraised[:limit]),
            )
        )
    if ready.survey_pending:
        lines.append(
            tr(
                "⚠️ Survey points missing for: %(codes)s",
                codes=", ".join(ready.survey_pending[:limit]),
            )
        )
    return lines


def result_text(locale: str, standing: A.Standing, year: int) -> str:
    res, rk, cat = standing.result, standing.ranked, standing.catalog
    cls = class_shown(locale, cat, res)
    board = A.board_title(locale, standing.unit.board)
    return th(
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


class NotReady(PublicationError):
    """Something is missing and the publication was not forced."""

    def __init__(self, ready: Readiness):
        self.ready = ready
        super().__init__(N_("something is still missing; publish with a reason to force it"))


async def publish_period(
    uow: UnitOfWork,
    year: int,
    *,
    data_dir: Path,
    writer: SheetWriter,
    now: datetime,
    by: PersonRow | None = None,
    default_locale: str = "vi",
    force: bool = False,
    reason: str | None = None,
) -> PublishReport:
    """Publish ``year``: snapshot the figures, freeze, queue each person's result.

    Refuses (:class:`NotReady`) while anything is missing unless ``force`` with a reason.
    ``writer`` writes the ranking workbook attached to the announcements."""
    period = await A.get_period(uow, year)
    if period.published_at is not None:
        raise PublicationError(
            N_("the results of %(year)s were already published on %(date)s"),
            year=year,
            date=period.published_at.strftime("%d/%m/%Y"),
        )
    reason = (reason or "").strip() or None
    if force and reason is None:
        raise PublicationError(N_("a forced publication needs a reason"))
    live = await A.live_standings(uow, period, None)
    if not live:
        raise PublicationError(N_("No units with a catalog in %(year)s yet."), year=year)
    ready = await readiness(uow, year)
    if not ready.ready and not force:
        raise NotReady(ready)
    snap = await snapshot.take(
        uow,
        period,
        live,
        missing=ready.as_json(),
        forced=not ready.ready,
        reason=reason,
        by=by,
        now=now,
    )
    period = await uow.periods.publish(period.id, now)
    await uow.publications.record(
        period.id, "publish", publication_id=snap.id, by=by, reason=reason, at=now
    )
    rows = await A.standings(uow, year)  # the official figures, read back from the snapshot
    path = sheets.export_path(data_dir, f"xep-hang-{year}-cong-bo")
    sheet: Path | None = path
    try:
        previous = await Y.previous_figures(uow, period)  # year over year columns
        await sheets.write_workbook(
            writer, lambda: sheets.build_ranking_workbook(rows, period, previous), path
        )
    except OSError:
        sheet = None
    for r in rows:
        await uow.submissions.set_status(r.unit.id, "published", by, note="published", at=now)
    key = f"pub:{year}" if snap.version == 1 else f"pub:{year}:v{snap.version}"
    queued = await _announce(uow, rows, year, key, sheet, now, default_locale)
    return PublishReport(year, len(rows), queued, sheet, now, snap.version)


async def _announce(
    uow: UnitOfWork,
    rows: list[A.Standing],
    year: int,
    key: str,
    sheet: Path | None,
    now: datetime,
    default_locale: str,
) -> int:
    """Queue each leader's and officer's own result (once per publication version)."""
    attach = sheet is not None
    recipients: dict[int, tuple[PersonRow, list[A.Standing]]] = {}
    for r in rows:
        for role in ("leader", "officer"):
            for p in await uow.people.with_role(role, r.unit.id, include_all_units=False):
                recipients.setdefault(p.id, (p, []))[1].append(r)
    queued = 0
    for pid, (person, mine) in recipients.items():
        loc = person.language or default_locale
        parts: list[str] = [
            th(loc, "📣 The PAR index results of %(year)s are published (official).", year=year)
        ]
        seen: set[int] = set()
        for r in mine:
            if r.unit.id not in seen:
                seen.add(r.unit.id)
                parts.append(result_text(loc, r, year))
        parts.append(th(loc, "Type /rank for the details and charts."))
        if attach:
            parts.append(th(loc, "The ranking of every unit is attached."))
        text: str = join_lines(parts)
        if len(text) > MAX_CAPTION:
            text = text[: MAX_CAPTION - 1] + "…"
        document = OutgoingFile(str(sheet), f"Xep-hang-CCHC-{year}.xlsx", XLSX) if attach else None
        kind = (OutboxKind.DOCUMENT if attach else OutboxKind.MESSAGE).value
        payload = reply_json.encode(Reply(text, document=document))
        if await uow.outbox.enqueue(
            f"{key}:{pid}", person.chat_id, payload, kind, person=person.id, not_before=now
        ):
            queued += 1
    return queued


async def unpublish_period(
    uow: UnitOfWork, year: int, *, reason: str, by: PersonRow | None, now: datetime
) -> int:
    """Reopen a published period: the snapshot is withdrawn (kept), every unit gets back the
    status it had before publication, the audit history records who and why.  Returns the
    withdrawn version."""
    period = await A.get_period(uow, year)
    if period.published_at is None:
        raise PublicationError(N_("the results of %(year)s are not published"), year=year)
    reason = reason.strip()
    if not reason:
        raise PublicationError(N_("unpublishing needs a reason"))
    snap = await uow.publications.current(period.id)
    if snap is not None:
        await uow.publications.withdraw(snap.id, now)
        for su in await uow.publications.units(snap.id):
            if su.unit_id is not None:
                await uow.submissions.restore(su.unit_id, su.status, by, "unpublished", now)
    await uow.periods.unpublish(period.id)
    await uow.publications.record(
        period.id,
        "unpublish",
        publication_id=snap.id if snap is not None else None,
        by=by,
        reason=reason,
        at=now,
    )
    return snap.version if snap is not None else 0


async def reopen_unit(
    uow: UnitOfWork, year: int, code: str, *, by: PersonRow | None, now: datetime
) -> tuple[UnitRow, str]:
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


async def reopen_cmd(ctx: Ctx, args: str = "") -> None:
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
                    th(
                        loc,
                        "↩️ Phòng Nội vụ reopened the self-assessment of %(unit)s. The answers "
                        "can be edited again; remember to /submit when done.",
                        unit=esc(unit.name),
                    ),
                )
            )
    del old
