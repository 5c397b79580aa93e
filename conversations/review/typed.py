"""Typed input while appraising: the points (and the reason when they differ from the
self-score), the due date and comment of a request for more evidence, or the unit's reply.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from conversations.callbacks import ReviewItem
from conversations.context import Ctx, Notice
from conversations.due_dates import parse_due
from conversations.flow_state import Mode, ModeFamily
from conversations.i18n import th
from conversations.markup import esc
from conversations.replies import Button
from conversations.review.queue import appraisable_unit, show_next
from conversations.review.unit_reply import reply_text
from conversations.review.verdict import (
    MAX_COMMENT,
    MIN_REASON,
    due_example,
    points_prompt,
    points_step,
    write_verdict,
)
from conversations.unitview import UnitView
from scoring.answers import AnswerError, parse_number
from scoring.catalog import THOUSANDTH, Item
from scoring.i18n import N_


async def on_text(ctx: Ctx, text: str) -> bool:
    mode = ctx.state.mode
    if mode is None or not ctx.state.in_family(ModeFamily.RV):
        return False
    unit_id, item_id = ctx.state.rv_unit, ctx.state.rv_item
    if unit_id is None or item_id is None:
        ctx.state.mode = None
        return False
    if mode == Mode.RV_REPLY:
        await reply_text(ctx, unit_id, item_id, text)
        return True
    if not (ctx.is_admin or ctx.has_role("appraiser")):
        ctx.state.mode = None
        return False
    uf = await appraisable_unit(ctx, unit_id)
    item = uf.appraisable_item(item_id) if uf is not None else None
    if uf is None or item is None or not uf.in_scope(item):
        ctx.state.mode = None
        if uf is not None:  # appraisable_unit has said why otherwise
            ctx.say(ctx.tr("This button is out of date. Type /review again."))
        return True
    if mode == Mode.RV_POINTS:
        await _typed_points(ctx, uf, item, text)
    elif mode == Mode.RV_REASON:
        await _typed_reason(ctx, uf, item, text)
    elif mode == Mode.RV_DUE:
        _typed_due(ctx, uf, item, text)
    else:
        await _typed_comment(ctx, uf, item, text)
    return True


async def _typed_points(ctx: Ctx, uf: UnitView, item: Item, text: str) -> None:
    """Points, optionally followed by the reason ("1,5 thiếu quyết định phê duyệt")."""
    step = points_step(item)
    number, _, reason = text.strip().partition(" ")
    reason = reason.strip()[:MAX_COMMENT]
    try:
        value = parse_number(number)
        if value < 0 or value > item.max:
            raise AnswerError(N_("points must be between 0 and %(max)s"), max=item.max)
        if value % step != 0:
            raise AnswerError(N_("points must be a multiple of %(step)s"), step=step)
    except AnswerError as err:
        ctx.say(
            ctx.tr("⚠️ %(problem)s.", problem=ctx.problem(err.message, err.params))
            + "\n"
            + points_prompt(ctx, item)
            + "\n"
            + ctx.tr("Nothing was changed.")
        )
        return
    value = value.quantize(THOUSANDTH)
    pts, applicable = uf.item_points(item)
    same = applicable and value == (pts or Decimal(0))
    if not same and len(reason) < MIN_REASON:
        ctx.state.mode, ctx.state.rv_points = Mode.RV_REASON, value
        ctx.say(
            ctx.tr(
                "Why %(points)s instead of the self-score %(self)s? Write the reason in one "
                "message; it is kept in the appraisal history.",
                points=ctx.num(value),
                self=ctx.num(pts) if applicable else ctx.tr("not applicable"),
            )
        )
        return
    await write_verdict(
        ctx, uf, item, "accepted" if same else "adjusted", value, reason=reason or None
    )
    ctx.state.mode = None
    await show_next(
        ctx,
        uf,
        item,
        ctx.tr("✏️ %(code)s: %(points)s.", code=item.code, points=ctx.points(value)),
    )


async def _typed_reason(ctx: Ctx, uf: UnitView, item: Item, text: str) -> None:
    """The reason for points other than the self-score: written with them, into the history."""
    points = ctx.state.rv_points
    points_typed = str(points) if points is not None else ""
    if len(text.strip()) < MIN_REASON:
        ctx.say(ctx.tr("Please write the reason in a few words (at least 5 characters)."))
        return
    ctx.state.rv_points = None
    await _typed_points(ctx, uf, item, f"{points_typed} {text.strip()}")


def _typed_due(ctx: Ctx, uf: UnitView, item: Item, text: str) -> None:
    try:
        due = parse_due(text, ctx.today)
    except AnswerError as err:
        ctx.say(
            ctx.tr("⚠️ %(problem)s.", problem=ctx.problem(err.message, err.params))
            + "\n"
            + ctx.tr("Type the due date, e.g. %(example)s.", example=due_example(ctx))
        )
        return
    today = ctx.today
    if due < today:
        ctx.say(
            ctx.tr(
                "%(date)s has already passed. Type a date from today (%(today)s) on.",
                date=ctx.date(due),
                today=ctx.date(today),
            )
        )
        return
    if (due - today).days > 366:
        ctx.say(ctx.tr("That is more than a year away. Type a nearer date."))
        return
    ctx.state.mode, ctx.state.rv_due = Mode.RV_COMMENT, due
    ctx.say(
        ctx.tr(
            "Due %(date)s. Now write what is missing for %(code)s, in one message; the unit's "
            "officers will read it.",
            date=ctx.date(due),
            code=item.code,
        )
    )


async def _typed_comment(ctx: Ctx, uf: UnitView, item: Item, text: str) -> None:
    comment = text.strip()
    if len(comment) < 5:
        ctx.say(
            ctx.tr(
                "Please write a little more (at least 5 characters) so the unit knows what to send."
            )
        )
        return
    if len(comment) > MAX_COMMENT:
        ctx.say(
            ctx.tr(
                "The comment is too long (%(n)s characters; at most %(max)s). Please shorten it.",
                n=len(comment),
                max=MAX_COMMENT,
            )
        )
        return
    due = ctx.state.rv_due
    if due is None:
        ctx.state.mode = Mode.RV_DUE
        ctx.say(ctx.tr("Type the due date, e.g. %(example)s.", example=due_example(ctx)))
        return
    row = await write_verdict(ctx, uf, item, "more_evidence", None, comment, due)
    ctx.state.rv_due = None
    ctx.state.mode = None
    officers = await ctx.uow.people.with_role("officer", uf.unit.id, include_all_units=False)
    stamp = int(row.updated_at.timestamp() * 1000)
    item_id = uf.item_id(item.code)
    for officer in officers:
        loc = officer.language or ctx.config.default_locale
        body = th(
            loc,
            "📎 The appraiser asks %(unit)s for more evidence on %(code)s (%(title)s) by "
            "%(date)s:\n“%(comment)s”\n\nReply with an explanation below, or send the file "
            "with the code at the start of its caption, e.g. “%(code)s …”.",
            unit=esc(uf.unit.name),
            code=item.code,
            title=esc(item.title),
            date=_fmt_date(due, loc),
            comment=esc(comment),
        )
        ctx.notices.append(
            Notice(
                f"rv:more:{uf.unit.id}:{item_id}:{stamp}:{officer.id}",
                officer,
                body,
                (
                    (
                        Button(
                            th(loc, "✍️ Reply with an explanation"),
                            ReviewItem("reply", uf.unit.id, item_id).pack(),
                        ),
                    ),
                ),
            )
        )
    told = ctx.tr(
        "📎 Asked %(unit)s for more evidence on %(code)s by %(date)s.",
        unit=esc(uf.unit.name),
        code=item.code,
        date=ctx.date(due),
    )
    if not officers:
        told += "\n" + ctx.tr(
            "⚠️ The unit has no focal officer registered in the bot; tell them another way."
        )
    await show_next(ctx, uf, item, told)


def _fmt_date(d: date, loc: str) -> str:
    from conversations.i18n import fmt_date

    return fmt_date(d, loc)
