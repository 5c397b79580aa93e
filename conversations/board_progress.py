"""/progress for Phòng Nội vụ: every unit's self-assessment at a glance, board by board.

Nội vụ is registered with no unit, so the officer's and leader's one-unit progress does not fit
it; what it needs is who has submitted, who is still working, and who has not started.
"""

from __future__ import annotations

from conversations import assessment as A
from conversations.context import Ctx
from conversations.listing import say_long
from conversations.markup import fmt
from conversations.submission import status_text
from scoring.results import ResultSummary

BOARDS = ("department", "commune")


def answered(result: ResultSummary | None) -> int:
    """Items answered (or appraised) of those the unit's officer is asked; 0 without a
    criteria set."""
    return result.asked - result.unanswered if result is not None else 0


async def board_progress(ctx: Ctx) -> None:
    from conversations.standing import board_name

    period = await ctx.uow.periods.latest()
    if period is None:
        ctx.say(ctx.tr("No assessment period has been set up yet."))
        return
    subs = await ctx.uow.submissions.list_for_period(period.id)
    # answered counts from the units' result summaries, as /progress and /rank count them
    results = {s.unit.id: s.result for s in await A.standings(ctx.uow, period.year)}
    lines: list[str] = [ctx.tr("<b>Self-assessment progress %(year)s</b>", year=period.year)]
    for board in BOARDS:
        units = await ctx.uow.units.list_for_period(period.id, board)
        if not units:
            continue
        done = [u for u in units if u.id in subs and subs[u.id].status != "draft"]
        lines += ["", fmt("<b>%(board)s</b>", board=board_name(ctx, board))]
        lines.append(ctx.tr("Submitted: %(done)s of %(n)s units", done=len(done), n=len(units)))
        for u in units:
            status = subs[u.id].status if u.id in subs else "draft"
            result = results.get(u.id)
            lines.append(
                ctx.tr(
                    "• %(code)s %(unit)s — %(status)s · %(answered)s/%(asked)s answered",
                    code=u.code,
                    unit=u.name,
                    status=status_text(ctx, status),
                    answered=answered(result),
                    asked=result.asked if result is not None else 0,
                )
            )
    say_long(ctx, lines)
