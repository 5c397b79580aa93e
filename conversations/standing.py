"""/rank: a leader's preliminary index, classification, rank on the board, and what is missing.

Figures are labelled preliminary while anything is self-assessed only or survey points are
pending, and a rank range is given where pending points could still move the unit.
"""

from __future__ import annotations

from conversations import assessment as A
from conversations.context import Ctx
from conversations.unitview import active_unit, load_view
from scoring.results import next_class_gap

BOARD_NAMES = {
    "department": "Board 1: Specialised departments",
    "commune": "Board 2: Commune People's Committees",
}


def board_name(ctx: Ctx, board: str) -> str:
    return ctx.tr(BOARD_NAMES[board]) if board in BOARD_NAMES else board


async def rank(ctx: Ctx, args: str = "") -> None:
    roles = ("leader", "officer") if ctx.config.officers_see_rank else ("leader",)
    unit_id = await active_unit(ctx, roles)
    if unit_id is None:
        if ctx.is_admin:
            await board_overview(ctx, args.strip() or None)
            return
        if ctx.unit_ids("officer"):
            ctx.say(
                ctx.tr(
                    "/rank is for the unit's leaders. Use /progress to follow your self-assessment."
                )
            )
            return
        ctx.say(
            ctx.tr(
                "/rank is for leaders of a unit. Open the invite link from Phòng Nội vụ to join."
            )
        )
        return
    await unit_standing(ctx, unit_id)


async def unit_standing(ctx: Ctx, unit_id: int) -> None:
    view = await load_view(ctx, unit_id)
    if view is None:
        ctx.say(
            ctx.tr(
                "Your unit has no criteria set (bộ chỉ số) for this year yet, so there is "
                "no score to show."
            )
        )
        return
    rows = await A.standings(ctx.uow, view.period.year, view.unit.board)
    mine = next((r for r in rows if r.unit.id == unit_id), None)
    if mine is None:
        ctx.say(ctx.tr("No score yet for %(unit)s.", unit=view.unit.name))
        return
    res, rk = mine.result, mine.ranked
    published = view.period.published_at is not None
    lines = [f"<b>{view.unit.name}</b>"]
    head = ctx.tr(
        "Index: <b>%(index)s</b>/%(scale)s · %(cls)s",
        index=ctx.num(res.index),
        scale=ctx.num(view.catalog.scale),
        cls=res.classification,
    )
    lines.append(head)
    lines.append(
        ctx.tr(
            "Rank %(rank)s/%(of)s, %(board)s",
            rank=rk.rank,
            of=rk.of,
            board=board_name(ctx, view.unit.board),
        )
    )
    if res.pending and (rk.best_rank != rk.rank or rk.worst_rank != rk.rank):
        lines.append(
            ctx.tr(
                "With the survey points still pending, the unit can end between rank "
                "%(best)s and %(worst)s (index %(low)s–%(high)s).",
                best=rk.best_rank,
                worst=rk.worst_rank,
                low=ctx.num(res.index_low),
                high=ctx.num(res.index_high),
            )
        )
    gap = next_class_gap(view.catalog, res)
    if gap is not None:
        parts = []
        if gap.index_gap > 0:
            parts.append(ctx.tr("%(points)s more index points", points=ctx.num(gap.index_gap)))
        for code, missing in gap.fields_below.items():
            parts.append(ctx.tr("field %(code)s +%(pct)s%%", code=code, pct=ctx.num(missing)))
        if parts:
            lines.append(
                ctx.tr("To reach “%(target)s”: %(what)s", target=gap.target, what="; ".join(parts))
            )
    lines.append("")
    for f in res.fields:
        pct = f"{ctx.num(f.pct)}%" if f.pct is not None else ctx.tr("pending")
        lines.append(f"{f.code}. {f.title[:34]}: {ctx.num(f.points)}/{ctx.num(f.max)} · {pct}")
    counts = res.counts
    missing = counts.get("unanswered", 0)
    risk = len(view.at_risk())
    lines.append("")
    lines.append(
        ctx.tr(
            "Unanswered: %(n)s · without evidence or explanation: %(r)s · survey "
            "items pending: %(p)s · appraised: %(a)s",
            n=missing,
            r=risk,
            p=counts.get("pending", 0),
            a=counts.get("appraised", 0),
        )
    )
    if published:
        lines.append(ctx.tr("✅ Official results, published."))
    elif res.preliminary:
        lines.append(
            ctx.tr(
                "⚠️ Preliminary figures: self-assessed, not yet appraised by the "
                "council; survey points are added later."
            )
        )
    ctx.say("\n".join(lines))


async def board_overview(ctx: Ctx, board: str | None) -> None:
    period = await ctx.uow.periods.latest()
    if period is None:
        ctx.say(ctx.tr("No assessment period has been set up yet."))
        return
    rows = await A.standings(ctx.uow, period.year, board if board in BOARD_NAMES else None)
    if not rows:
        ctx.say(ctx.tr("No units with a criteria set in %(year)s yet.", year=period.year))
        return
    lines = [ctx.tr("<b>Preliminary ranking %(year)s</b>", year=period.year)]
    current = None
    for r in rows:
        if r.unit.board != current:
            current = r.unit.board
            lines.append("")
            lines.append(f"<b>{board_name(ctx, current)}</b>")
        mark = "*" if r.result.preliminary else ""
        lines.append(
            f"{r.ranked.rank}. {r.unit.name} — {ctx.num(r.result.index)}{mark} "
            f"({r.result.classification})"
        )
    lines.append("")
    lines.append(ctx.tr("* preliminary"))
    ctx.say("\n".join(lines))
