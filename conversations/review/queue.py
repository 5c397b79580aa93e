"""/review: the appraiser's queue of submitted units, opening a unit or an item, and moving on to
the next item to appraise (in this unit, then in the others).
"""

from __future__ import annotations

from conversations import frozen
from conversations.callbacks import ReviewUnit
from conversations.context import Ctx
from conversations.listing import say_long
from conversations.markup import button_text, esc
from conversations.replies import Button
from conversations.review.assignment import scope_by_board, scope_for
from conversations.review.card import show_card
from conversations.review.progress import status
from conversations.unitview import REVIEWABLE, UnitView, load_for_appraisal
from scoring.catalog import Item


async def start_cmd(ctx: Ctx, args: str = "") -> None:
    """/review · /review status · /review UNIT [ITEM] · /review assign TELEGRAM_ID FIELD [BOARD]."""
    words = args.split()
    ctx.state.mode = None
    if words and words[0].lower() in ("status", "progress", "tiendo", "tiến độ"):
        await status(ctx)
        return
    if words and words[0].lower() == "assign":
        from conversations.review.assign_chat import assign_cmd

        await assign_cmd(ctx, words[1:])
        return
    if not (ctx.is_admin or ctx.has_role("appraiser")):
        ctx.say(
            ctx.tr(
                "/review is for appraisers (thẩm định). Phòng Nội vụ sends appraisers an "
                "invite and assigns them fields."
            )
        )
        return
    if words:
        await _open_unit(ctx, words[0], words[1] if len(words) > 1 else None)
        return
    await show_queue(ctx)


async def scoped_units(ctx: Ctx, period_id: int) -> list[UnitView]:
    """Submitted units with something this person appraises, in board/code order."""
    subs = await ctx.uow.submissions.list_for_period(period_id)
    scopes = None if ctx.is_admin else await scope_by_board(ctx.uow, ctx.person, period_id)
    out: list[UnitView] = []
    for unit in await ctx.uow.units.list_for_period(period_id):
        sub = subs.get(unit.id)
        if sub is None or sub.status not in REVIEWABLE:
            continue
        scope = None if scopes is None else scope_for(scopes, unit.board)
        if scope is not None and not scope:
            continue
        uf = await load_for_appraisal(ctx.uow, unit.id, scope)
        if uf is not None and uf.appraisable():
            out.append(uf)
    return out


async def show_queue(ctx: Ctx) -> None:
    period = await ctx.uow.periods.latest()
    if period is None:
        ctx.say(ctx.tr("No assessment period has been set up yet."))
        return
    if period.published_at is not None:
        frozen.say_published(ctx, period.year)
        return
    if not ctx.is_admin and not await ctx.uow.appraisals.assignments(ctx.person.id, period.id):
        ctx.say(
            ctx.tr(
                "You have not been assigned any field to appraise in %(year)s yet. Phòng Nội "
                "vụ assigns fields in the chat with /review assign; you will be told here.",
                year=period.year,
            )
        )
        return
    units = await scoped_units(ctx, period.id)
    if not units:
        ctx.say(
            ctx.tr(
                "No unit has submitted its self-assessment yet. Units appear here once they submit."
            )
        )
        return
    lines: list[str] = [ctx.tr("<b>Your appraisal queue %(year)s</b>", year=period.year)]
    buttons: list[tuple[Button, ...]] = []
    total = 0
    for uf in units:
        c = uf.counts()
        todo = c["todo"] + c["returned"]
        total += todo
        lines.append(
            ctx.tr(
                "• %(unit)s: %(todo)s to appraise (%(returned)s replied) · %(waiting)s waiting "
                "for evidence · %(done)s done",
                unit=esc(uf.unit.name),
                todo=todo,
                returned=c["returned"],
                waiting=c["waiting"],
                done=c["done"],
            )
        )
        if todo and len(buttons) < 30:
            buttons.append(
                (
                    Button(
                        button_text(f"{uf.unit.code} · {uf.unit.name}", f"({todo})"),
                        ReviewUnit(uf.unit.id).pack(),
                    ),
                )
            )
    lines.append("")
    if total:
        lines.append(ctx.tr("Tap a unit to start."))
    else:
        lines.append(ctx.tr("🎉 Nothing left to appraise right now."))
    say_long(ctx, lines, buttons=tuple(buttons))


async def _open_unit(ctx: Ctx, code: str, item_code: str | None) -> None:
    period = await ctx.uow.periods.latest()
    unit = await ctx.uow.units.get_by_code(period.id, code) if period else None
    if unit is None:
        ctx.say(ctx.tr("There is no unit %(code)s this year.", code=code[:32]))
        return
    uf = await appraisable_unit(ctx, unit.id)
    if uf is None:
        return
    if item_code is not None:
        item = uf.catalog.item(item_code)
        if item is None or not item.is_leaf or item.is_survey or not uf.in_scope(item):
            ctx.say(
                ctx.tr(
                    "%(code)s is not an item you appraise in %(unit)s.",
                    code=item_code[:32],
                    unit=esc(uf.unit.name),
                )
            )
            return
        show_card(ctx, uf, item)
        return
    await show_next(ctx, uf, None)


def _refuse(ctx: Ctx, text: str, *, alert: bool = False) -> None:
    """Say no where the person sees it: Telegram shows a toast only under a pressed button, so
    a typed command or text gets a message instead (a toast there would be silently lost)."""
    if ctx.is_callback:
        ctx.toast(text, alert=alert)
    else:
        ctx.say(text)


async def appraisable_unit(ctx: Ctx, unit_id: int, *, quiet: bool = False) -> UnitView | None:
    """The unit, if this person may appraise it now; otherwise says why and returns None."""
    unit = await ctx.uow.units.get(unit_id)
    if unit is None:
        _refuse(ctx, ctx.tr("This button is out of date. Type /review again."))
        return None
    scope: set[str] | None = None
    if not ctx.is_admin:
        scope = scope_for(await scope_by_board(ctx.uow, ctx.person, unit.period_id), unit.board)
        if not scope:
            _refuse(ctx, ctx.tr("You do not appraise this unit."), alert=True)
            return None
    uf = await load_for_appraisal(ctx.uow, unit.id, scope)
    if uf is None:
        ctx.say(ctx.tr("This unit has no criteria set (bộ chỉ số) yet."))
        return None
    if uf.period.published_at is not None:
        frozen.say_published(ctx, uf.period.year)
        return None
    if uf.status not in REVIEWABLE:
        ctx.say(
            ctx.tr(
                "%(unit)s has not submitted its self-assessment (or it was reopened), so it "
                "cannot be appraised now. It returns to your queue when it submits.",
                unit=esc(uf.unit.name),
            )
        )
        return None
    return uf


async def show_next(ctx: Ctx, uf: UnitView, after: Item | None, prefix: str | None = None) -> None:
    """The next item to appraise in this unit after ``after`` (wrapping), else in other units."""
    queue = uf.queue()
    if after is not None and queue:
        order = [x.code for x in uf.appraisable()]
        pos = order.index(after.code) if after.code in order else -1
        queue = sorted(queue, key=lambda x: (order.index(x.code) <= pos, order.index(x.code)))
        queue = [x for x in queue if x.code != after.code] or queue
    if queue:
        show_card(ctx, uf, queue[0], prefix)
        return
    for other in await scoped_units(ctx, uf.period.id):
        if other.unit.id != uf.unit.id and other.queue():
            head = ctx.tr("Nothing left to appraise in %(unit)s.", unit=esc(uf.unit.name))
            show_card(ctx, other, other.queue()[0], (prefix + "\n" if prefix else "") + head)
            return
    done = ctx.tr("🎉 Nothing left to appraise right now.")
    c = uf.counts()
    if c["waiting"]:
        done += "\n" + ctx.tr(
            "%(n)s items of %(unit)s wait for the unit's evidence; they come back here when "
            "it replies.",
            n=c["waiting"],
            unit=esc(uf.unit.name),
        )
    ctx.state.mode = None
    ctx.say((prefix + "\n\n" if prefix else "") + done)
