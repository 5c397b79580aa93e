"""Deadlines from the plan (kế hoạch): the list, and answers to officers' free-text questions."""

from __future__ import annotations

from datetime import date

from conversations.context import Ctx
from storage import models as m


def _audience_ok(ms: m.Milestone, boards: set[str], is_admin: bool) -> bool:
    if ms.audience == "all":
        return True
    if ms.audience == "admins":
        return is_admin
    return ms.audience in boards or is_admin


async def _milestones(ctx: Ctx) -> tuple[m.Period | None, list[m.Milestone], set[str]]:
    boards: set[str] = set()
    period = None
    for uid in ctx.unit_ids("officer", "leader", "appraiser"):
        unit = await ctx.uow.units.get(uid)
        if unit is not None:
            boards.add(unit.board)
            period = period or await ctx.uow.periods.get(unit.period_id)
    if period is None:
        period = await ctx.uow.periods.latest()
    if period is None:
        return None, [], boards
    ms = await ctx.uow.milestones.list_for_period(period.id)
    show_all = ctx.is_admin or not boards
    return period, [x for x in ms if show_all or _audience_ok(x, boards, ctx.is_admin)], boards


def when_text(ctx: Ctx, ms: m.Milestone) -> str:
    if ms.precision == "month":
        return ctx.tr("in %(month)s/%(year)s", month=ms.due_end.month, year=ms.due_end.year)
    if ms.precision == "range" and ms.due_start is not None:
        return ctx.tr(
            "from %(start)s to %(end)s", start=ctx.date(ms.due_start), end=ctx.date(ms.due_end)
        )
    return ctx.tr("by %(date)s", date=ctx.date(ms.due_end))


def left_text(ctx: Ctx, due: date, today: date) -> str:
    days = (due - today).days
    if days < 0:
        return ctx.tr("passed")
    if days == 0:
        return ctx.tr("today")
    return ctx.tr("%(n)s days left", n=days)


def title_of(ctx: Ctx, ms: m.Milestone) -> str:
    return ms.title_en if ctx.locale == "en" and ms.title_en else ms.title


async def list_deadlines(ctx: Ctx) -> None:
    period, ms, _ = await _milestones(ctx)
    if period is None or not ms:
        ctx.say(
            ctx.tr(
                "No plan (kế hoạch) with deadlines has been loaded yet. Phòng Nội vụ will "
                "publish it."
            )
        )
        return
    today = ctx.now.astimezone(ctx.config.tz).date()
    upcoming = [x for x in ms if x.due_end >= today]
    past = [x for x in ms if x.due_end < today]
    lines = [ctx.tr("<b>Deadlines — %(title)s</b>", title=period.title)]
    for x in upcoming[:12]:
        lines.append(
            f"📅 <b>{when_text(ctx, x)}</b> ({left_text(ctx, x.due_end, today)}) — "
            f"{title_of(ctx, x)}"
        )
    if past:
        lines.append(ctx.tr("Already passed: %(n)s milestones.", n=len(past)))
    ctx.say("\n".join(lines))


async def list_deadlines_cmd(ctx: Ctx, _args: str = "") -> None:
    await list_deadlines(ctx)


async def maybe_answer(ctx: Ctx, text: str) -> bool:
    """Answer a free-text deadline question; False when the text is not such a question."""
    try:
        from conversations.plan.questions import answer_question, is_question
    except ImportError:  # the question matcher ships with the plan package
        return False
    if not is_question(text):
        return False
    period, ms, boards = await _milestones(ctx)
    if period is None or not ms:
        ctx.say(
            ctx.tr(
                "No plan (kế hoạch) with deadlines has been loaded yet. Phòng Nội vụ will "
                "publish it."
            )
        )
        return True
    from conversations.plan.bridge import plan_from_rows

    plan = plan_from_rows(period.year, ms)
    today = ctx.now.astimezone(ctx.config.tz).date()
    audience = next(iter(boards)) if len(boards) == 1 else None
    qa = answer_question(text, plan, today, audience)
    if qa is None or qa.milestone is None:
        await list_deadlines(ctx)
        return True
    row = next(x for x in ms if x.key == qa.milestone.id)
    lines = [
        f"📅 <b>{title_of(ctx, row)}</b>",
        f"{when_text(ctx, row)} — {left_text(ctx, row.due_end, today)}",
    ]
    if row.lead:
        lines.append(ctx.tr("Responsible: %(lead)s", lead=row.lead))
    if row.coordinate:
        lines.append(ctx.tr("Coordinating: %(who)s", who=row.coordinate))
    if row.source:
        lines.append(ctx.tr("Plan: “%(source)s”", source=row.source[:300]))
    ctx.say("\n".join(lines))
    return True
