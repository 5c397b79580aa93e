"""Writing a verdict (accepted, adjusted, more evidence) into the appraisal history; when every
item of the unit has a final verdict, its submission becomes "appraised".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from conversations.context import Ctx
from conversations.due_dates import EXAMPLE
from conversations.unitview import UnitView
from scoring.catalog import THOUSANDTH, Item
from storage.repositories.rows_evidence import AppraisalRow

MAX_COMMENT = 1000
MIN_REASON = 5


def points_step(item: Item) -> Decimal:
    """The appraised points' step: a manual item's own, else 0,001 (three decimals)."""
    return item.answer.step if item.answer is not None else THOUSANDTH


def points_prompt(ctx: Ctx, item: Item) -> str:
    """What to type for the appraised points; the step only where the item has one of its
    own (“bước 0,001”, the storage's precision, told an appraiser nothing)."""
    step = points_step(item)
    if step == THOUSANDTH:
        return ctx.tr(
            "Type the appraised points for %(code)s: 0 to %(max)s.",
            code=item.code,
            max=ctx.num(item.max),
        )
    return ctx.tr(
        "Type the appraised points for %(code)s: 0 to %(max)s, in steps of %(step)s.",
        code=item.code,
        max=ctx.num(item.max),
        step=ctx.num(step),
    )


async def write_verdict(
    ctx: Ctx,
    uf: UnitView,
    item: Item,
    status: str,
    points: Decimal | None,
    comment: str | None = None,
    due: date | None = None,
    reason: str | None = None,
) -> AppraisalRow:
    """``reason``: why the points differ from the self-score, kept in the history and shown
    on the card (it is the verdict's comment)."""
    row = await ctx.uow.appraisals.set_appraisal(
        uf.unit.id,
        uf.item_id(item.code),
        status,
        points,
        reason if reason is not None else comment,
        due,
        ctx.person.id,
        reason=f"chat: {reason}" if reason else "chat",
        at=ctx.now,
    )
    uf.appraisals[item.code] = row
    await _maybe_complete(ctx, uf)
    return row


async def _maybe_complete(ctx: Ctx, uf: UnitView) -> None:
    """Every item of the unit has a final verdict: the submission becomes "appraised"."""
    if uf.status != "submitted":
        return
    if all(uf.state(x.code) == "done" for x in uf.appraisable(scoped=False)):
        uf.submission = await ctx.uow.submissions.set_status(
            uf.unit.id, "appraised", ctx.person.id, note="all items appraised", at=ctx.now
        )


def due_example(ctx: Ctx) -> str:
    """One example, in the one short form every prompt shows: "15/12 or thứ sáu tuần sau"."""
    return ctx.tr("%(date)s or “thứ sáu tuần sau”", date=EXAMPLE)
