"""Year over year in the chat: the /rank line, the criteria that moved, last year on a card.

"So với năm trước: +3,21 điểm, từ hạng 7 lên hạng 4" under a unit's index; the button
"📈 So với năm trước" lists the criteria that gained and lost points since last year (through
the catalog mapping, so a re-coded or split criterion is still compared with itself); a
walk card shows last year's answer and explanation, read only — nothing of last year is
saved for this year, and its evidence is never reused.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

from conversations import yearover as Y
from conversations.callbacks import UnitChart
from conversations.context import Ctx
from conversations.markup import esc, join_lines
from conversations.replies import Button
from conversations.revision_cache import RevisionCache
from scoring.answers import Answer
from scoring.catalog import Catalog, Item
from storage.repositories.rows import PeriodRow, UnitRow

LastYear = Y.LastYearAnswer
MAX_LISTED = 8  # criteria listed per direction (gains, losses)
CACHE_SECONDS = 120.0
_CACHE: dict[tuple[int, object], tuple[float, dict[str, Y.LastYearAnswer]]] = {}


def signed(ctx: Ctx, value: Decimal) -> str:
    return ("+" if value >= 0 else "-") + ctx.num(abs(value))


def change_line(ctx: Ctx, before: Y.Previous, index: Decimal, rank: int) -> str:
    """ "So với năm trước: +3,21 điểm, từ hạng 7 lên hạng 4" (or down, or the same rank)."""
    delta = signed(ctx, index - before.index)
    if rank < before.rank:
        return ctx.tr(
            "Compared with last year: %(delta)s points, up from rank %(old)s to rank %(new)s",
            delta=delta,
            old=before.rank,
            new=rank,
        )
    if rank > before.rank:
        return ctx.tr(
            "Compared with last year: %(delta)s points, down from rank %(old)s to rank %(new)s",
            delta=delta,
            old=before.rank,
            new=rank,
        )
    return ctx.tr(
        "Compared with last year: %(delta)s points, still rank %(new)s", delta=delta, new=rank
    )


async def rank_lines(
    ctx: Ctx, unit: UnitRow, period: PeriodRow, index: Decimal, rank: int
) -> tuple[list[str], tuple[Button, ...]]:
    """The comparison line(s) for /rank and the button to the criteria (none without a
    previous year or when the unit is new)."""
    before = (await Y.previous_figures(ctx.uow, period)).get(unit.code)
    if before is None:
        return [], ()
    line = change_line(ctx, before, index, rank)
    lines = [line, ctx.tr("%(year)s: %(cls)s", year=before.year, cls=before.classification)]
    return lines, (Button(ctx.tr("📈 Compared with last year"), UnitChart("yoy", unit.id).pack()),)


async def previous_figures(ctx: Ctx, period: PeriodRow) -> dict[str, Y.Previous]:
    return await Y.previous_figures(ctx.uow, period)


def board_note(ctx: Ctx, before: Y.Previous | None, index: Decimal) -> str:
    """ " · 2024: hạng 3, +2,5" after a unit in the admins' board list."""
    if before is None:
        return ""
    return " · " + ctx.tr(
        "%(year)s: rank %(rank)s, %(delta)s",
        year=before.year,
        rank=before.rank,
        delta=signed(ctx, index - before.index),
    )


async def criteria(ctx: Ctx, unit_id: int) -> None:
    """The criteria that gained and lost points since last year."""
    unit = await ctx.uow.units.get(unit_id)
    changes = await Y.criteria_changes(ctx.uow, unit) if unit is not None else None
    if unit is None or changes is None:
        ctx.say(ctx.tr("There is no previous year to compare with."))
        return
    title = ctx.tr("<b>%(unit)s</b>: criteria compared with last year", unit=esc(unit.name))
    if not changes:
        ctx.say(title + "\n" + ctx.tr("No criterion gained or lost points since last year."))
        return
    gains = [c for c in changes if c.delta > 0][:MAX_LISTED]
    losses = [c for c in reversed(changes) if c.delta < 0][:MAX_LISTED]
    lines: list[str] = [title]
    for head, part in ((ctx.tr("Gained:"), gains), (ctx.tr("Lost:"), losses)):
        if part:
            lines += ["", head] + [_change(ctx, c) for c in part]
    ctx.say(join_lines(lines))


def _change(ctx: Ctx, c: Y.CriterionChange) -> str:
    codes = ", ".join(c.link.new)
    was = "" if c.link.old == c.link.new else " ← " + ", ".join(c.link.old)
    line = f"{codes}{was}: {signed(ctx, c.delta)} ({ctx.num(c.before)} → {ctx.num(c.now)})"
    if c.link.max_changed:
        line += " · " + ctx.tr(
            "max %(old)s → %(new)s", old=ctx.num(c.link.old_max), new=ctx.num(c.link.new_max)
        )
    return line


# ------------------------------------------------------------------ the walk card


async def last_year(ctx: Ctx, unit: UnitRow, catalog: Catalog) -> dict[str, Y.LastYearAnswer]:
    """Last year's answers for the unit's cards, kept a little while per unit: a card is shown
    on almost every update, and last year does not change under the officer's feet."""
    now = time.monotonic()
    key = (unit.id, unit.created_at)  # ids alone repeat across databases (tests, demo --fresh)
    hit = _CACHE.get(key)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    earlier = await _an_earlier_year(ctx, unit.period_id)
    got = await Y.last_year_answers(ctx.uow, unit, catalog) if earlier else {}
    if len(_CACHE) > 512:
        _CACHE.clear()
    _CACHE[key] = (now, got)
    return got


_EARLIER: RevisionCache[int, bool] = RevisionCache(limit=256)


async def _an_earlier_year(ctx: Ctx, period_id: int) -> bool:
    """Whether any year comes before the period, kept per process while the database's header
    revision (bumped by every change to periods) holds: a first-year deployment then reads no
    periods for the first card of every unit (two statements each before)."""
    found = await _EARLIER.read(ctx, period_id, lambda: ctx.uow.periods.an_earlier_year(period_id))
    return bool(found)


def card_lines(
    ctx: Ctx,
    last: Y.LastYearAnswer | None,
    describe: Callable[[Ctx, Item, Answer], str],
) -> list[str]:
    """ "Năm trước (2025): Đã ban hành → 1 điểm" and last year's explanation, if any."""
    if last is None:
        return []
    value = describe(ctx, last.item, last.answer) if last.answer is not None else "—"
    points = ctx.num(last.points) if last.points is not None else "—"
    out: list[str] = [
        ctx.tr(
            "Last year (%(year)s): %(value)s → %(points)s points",
            year=last.year,
            value=esc(value),
            points=points,
        )
    ]
    if last.explanation:
        out.append(ctx.tr("Last year's explanation: %(text)s", text=esc(last.explanation[:300])))
    return out
