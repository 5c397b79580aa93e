"""/rank: a leader's index, classification, rank on the board, what is missing — and charts.

Figures are labelled preliminary while anything is self-assessed only or survey points are
pending, and a rank range is given where pending points could still move the unit; once the
period is published they are the official results. A chart of the board (the leader's unit in
red, the class thresholds as dashed lines) follows the text, and a button draws the unit's
fields against the board's median.

Who sees what: a unit's leaders see their own unit and the board's ranking; officers only when
``officers_see_rank`` is set; admins see every board and, with ``/rank CODE``, any unit.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
from collections.abc import Sequence
from decimal import Decimal

from conversations import assessment as A
from conversations import charts, throttle
from conversations import yearover_chat as YC
from conversations.callbacks import BoardChart, UnitChart
from conversations.class_reason import class_name, class_shown, rule_text
from conversations.context import Ctx
from conversations.figures import field_chart_text, field_out_of, na_note
from conversations.listing import say_long
from conversations.markup import bold, clip, esc, fmt, join_lines, plain
from conversations.replies import Button, OutgoingFile
from conversations.unitview import UnitView, active_unit, load_view
from scoring.catalog import Catalog
from scoring.catalog_loader import BOARD_RE
from scoring.results import FieldScore, ResultSummary, next_class_gap
from storage.repositories.rows import PeriodRow

log = logging.getLogger(__name__)


BASIS_MARKS = {"rescaled": "†", "zero": "‡"}
"""Marks next to a unit ranked without all its survey points (explained below the list)."""


def board_name(ctx: Ctx, board: str) -> str:
    return A.board_title(ctx.locale, board)


def class_label(ctx: Ctx, catalog: Catalog, rule_no: int) -> str:
    """The classification in the reader's language (the catalog may give ``label_en``)."""
    return class_name(ctx.locale, catalog, rule_no)


def rank_roles(ctx: Ctx) -> tuple[str, ...]:
    return ("leader", "officer") if ctx.config.officers_see_rank else ("leader",)


def can_see_unit(ctx: Ctx, unit_id: int) -> bool:
    return ctx.is_admin or any(ctx.has_role(r, unit_id) for r in rank_roles(ctx))


async def rank(ctx: Ctx, args: str = "") -> None:
    args = args.strip()
    if ctx.is_admin and args:
        await _admin_rank(ctx, args)
        return
    if args:  # a leader of several units naming one of them; never another unit's figures
        period = await ctx.uow.periods.latest()
        named = await ctx.uow.units.get_by_code(period.id, args) if period is not None else None
        if named is None or not can_see_unit(ctx, named.id):
            ctx.say(ctx.tr("You cannot see this unit."))
            return
        await unit_standing(ctx, named.id)
        return
    unit_id = await active_unit(ctx, rank_roles(ctx))
    if unit_id is None:
        if ctx.is_admin:
            await board_overview(ctx, None)
            return
        if ctx.unit_ids("officer"):
            ctx.say(
                ctx.tr(
                    "/rank is for the unit's leaders. Use /progress to follow your self-assessment."
                )
            )
            return
        from conversations import role_hints

        if role_hints.refuse_with(ctx, role_hints.RANK_IS_FOR):
            return
        ctx.say(
            ctx.tr(
                "/rank is for leaders of a unit. Open the invite link from Phòng Nội vụ to join."
            )
        )
        return
    await unit_standing(ctx, unit_id)


async def _admin_rank(ctx: Ctx, args: str) -> None:
    """``/rank commune`` (a board) or ``/rank X01`` (a unit's detail) for admins."""
    period = await ctx.uow.periods.latest()
    known = await A.period_boards(ctx.uow, period.id) if period is not None else set()
    board = A.parse_board(args, known)
    if board is not None:
        await board_overview(ctx, board)
        return
    unit = await ctx.uow.units.get_by_code(period.id, args) if period is not None else None
    if unit is None:
        ctx.say(
            ctx.tr(
                "There is no unit %(code)s this year. Type /rank for every board, or /rank "
                "followed by a unit code.",
                code=args[:32],
            )
        )
        return
    await unit_standing(ctx, unit.id)


async def _unit_on_board(
    ctx: Ctx, unit_id: int
) -> tuple[UnitView, list[A.Standing], A.Standing] | None:
    """The unit's view, its board's standings and its own row — or a message saying why not."""
    view = await load_view(ctx, unit_id)
    if view is None:
        ctx.say(
            ctx.tr(
                "Your unit has no criteria set (bộ chỉ số) for this year yet, so there is "
                "no score to show."
            )
        )
        return None
    rows = await A.standings(ctx.uow, view.period.year, view.unit.board)
    mine = next((r for r in rows if r.unit.id == unit_id), None)
    if mine is None:
        ctx.say(ctx.tr("No score yet for %(unit)s.", unit=esc(view.unit.name)))
        return None
    return view, rows, mine


async def unit_standing(ctx: Ctx, unit_id: int) -> None:
    loaded = await _unit_on_board(ctx, unit_id)
    if loaded is None:
        return
    view, rows, mine = loaded
    res, rk = mine.result, mine.ranked
    published = view.period.published_at is not None
    lines = _headline(ctx, view, mine)
    yoy, yoy_button = await YC.rank_lines(ctx, view.unit, view.period, res.index, rk.rank)
    lines += yoy
    all_tied = len(rows) > 1 and len({r.result.index for r in rows}) == 1
    lines += _board_size_lines(ctx, rows, res, all_tied)
    lines += _outlook_lines(ctx, view.catalog, mine, published)
    lines.append("")
    lines += _field_lines(ctx, res)
    lines += _progress_lines(ctx, view, res)
    lines += _status_lines(ctx, mine, published)
    fields_button = (
        (Button(ctx.tr("📊 Fields vs. the board median"), UnitChart("fields", unit_id).pack()),),
    )
    yoy_rows = (yoy_button,) if yoy_button else ()
    show_chart = len(rows) > 1 and not all_tied
    ctx.say(join_lines(lines), buttons=yoy_rows if show_chart else fields_button + yoy_rows)
    if show_chart:
        await _send_neighbours_chart(ctx, view, rows, unit_id, fields_button)


def _headline(ctx: Ctx, view: UnitView, mine: A.Standing) -> list[str]:
    """The unit's name, index, class and rank: what a leader looks for first."""
    res, rk = mine.result, mine.ranked
    return [
        bold(view.unit.name),
        ctx.tr(
            "Index: <b>%(index)s</b>/%(scale)s · %(cls)s",
            index=ctx.num(res.index),
            scale=ctx.num(view.catalog.scale),
            cls=class_shown(ctx.locale, view.catalog, res),
        ),
        ctx.tr(
            "Rank %(rank)s/%(of)s, %(board)s",
            rank=rk.rank,
            of=rk.of,
            board=board_name(ctx, view.unit.board),
        ),
    ]


def _board_size_lines(
    ctx: Ctx, rows: Sequence[A.Standing], res: ResultSummary, all_tied: bool
) -> list[str]:
    """Why a rank means little yet: the unit is alone on its board, or every unit is tied."""
    if len(rows) == 1:
        return [
            ctx.tr(
                "Your unit is the only one on this board so far, so there is no ranking "
                "to compare with yet."
            )
        ]
    if all_tied:
        return [
            ctx.tr(
                "All %(n)s units on the board have the same index (%(index)s), so they share "
                "rank 1.",
                n=len(rows),
                index=ctx.num(res.index),
            )
        ]
    return []


def _outlook_lines(ctx: Ctx, catalog: Catalog, mine: A.Standing, published: bool) -> list[str]:
    """Where the unit could still go: its rank range while survey points are pending, and
    what it lacks for the next class up."""
    res, rk = mine.result, mine.ranked
    lines: list[str] = []
    if not published and res.pending and (rk.best_rank != rk.rank or rk.worst_rank != rk.rank):
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
    gap = next_class_gap(catalog, res)
    if gap is not None:
        parts = []
        if gap.index_gap > 0:
            parts.append(ctx.tr("%(points)s more index points", points=ctx.num(gap.index_gap)))
        for code, missing in gap.fields_below.items():
            parts.append(ctx.tr("field %(code)s +%(pct)s%%", code=code, pct=ctx.num(missing)))
        if parts:
            target = class_label(ctx, catalog, res.class_rank - 1)
            lines.append(
                ctx.tr(
                    "To reach “%(target)s”: %(what)s", target=target, what=join_lines(parts, "; ")
                )
            )
    return lines


def _progress_lines(ctx: Ctx, view: UnitView, res: ResultSummary) -> list[str]:
    """How far the self-assessment is: nothing answered yet, and the open counts a leader
    can chase (unanswered, without evidence, survey pending, appraised)."""
    counts = res.counts
    lines: list[str] = []
    if not view.answers:
        lines.append("")
        lines.append(
            ctx.tr(
                "No criterion has been answered yet, so every self-assessed criterion "
                "counts 0. The focal officers answer them with 📝 Score."
            )
        )
    lines.append("")
    lines.append(
        ctx.tr(
            "Unanswered: %(n)s · without evidence or explanation: %(r)s · survey "
            "items pending: %(p)s · appraised: %(a)s",
            n=res.unanswered,
            r=len(view.at_risk()),
            p=counts.get("pending", 0),
            a=counts.get("appraised", 0),
        )
    )
    return lines


def _status_lines(ctx: Ctx, mine: A.Standing, published: bool) -> list[str]:
    """How far to trust the figures: not-applicable items, the ranking basis, and whether
    they are official or preliminary."""
    res = mine.result
    lines: list[str] = []
    note = na_note(ctx.locale, res)
    if note:
        lines.append("ℹ️ " + note)
    if mine.basis in A.BASIS_NOTES:
        lines.append("ℹ️ " + ctx.tr(A.BASIS_NOTES[mine.basis]))
    if published:
        lines.append(ctx.tr("✅ Official results, published."))
    elif res.preliminary:
        lines.append(
            ctx.tr(
                "⚠️ Preliminary figures: self-assessed, not yet appraised by the "
                "council; survey points are added later."
            )
        )
    return lines


async def _send_neighbours_chart(
    ctx: Ctx,
    view: UnitView,
    rows: Sequence[A.Standing],
    unit_id: int,
    fields_button: tuple[tuple[Button, ...], ...],
) -> None:
    """The phone chart of the unit among its neighbours, after the text (a chart is a bonus:
    if it cannot be drawn the text stands alone)."""
    photo = await _board_photo(
        ctx, rows, view.catalog, view.period, view.unit.board, unit_id, compact=True
    )
    if photo is None:
        return
    shown = len(charts.neighbours([charts.Bar("", 0, "", r.unit.id == unit_id) for r in rows]))
    caption = ctx.tr(
        "%(unit)s (red) and its neighbours: %(shown)s of the %(n)s units on %(board)s.",
        unit=esc(view.unit.name),
        shown=shown,
        n=len(rows),
        board=board_name(ctx, view.unit.board),
    )
    full = Button(ctx.tr("🗺 Whole board"), UnitChart("full", unit_id).pack())
    ctx.say(caption, photo=photo, buttons=((full,), *fields_button))


def _field_lines(ctx: Ctx, res: ResultSummary) -> list[str]:
    """Per field: points over the applicable max and the percentage (as /progress, the
    charts and the sheets show them)."""
    lines: list[str] = []
    for f in res.fields:
        pct = f"{ctx.num(f.pct)}%" if f.pct is not None else ctx.tr("pending")
        lines.append(
            fmt(
                "%(code)s. %(title)s: %(points)s · %(pct)s",
                code=f.code,
                title=clip(f.title, 34),
                points=field_out_of(ctx.locale, f),
                pct=pct,
            )
        )
    return lines


async def full_board(ctx: Ctx, unit_id: int) -> None:
    """The whole board with the unit in red and the class thresholds: asked for from the
    compact chart (it is wide, made for a computer screen)."""
    loaded = await _unit_on_board(ctx, unit_id)
    if loaded is None:
        return
    view, rows, _mine = loaded
    photo = await _board_photo(ctx, rows, view.catalog, view.period, view.unit.board, unit_id)
    if photo is None:
        ctx.say(ctx.tr("The chart could not be drawn right now; the figures are in /rank."))
        return
    caption = ctx.tr(
        "%(board)s: the index of every unit; %(unit)s in red. Dashed lines: the "
        "classification thresholds.",
        board=board_name(ctx, view.unit.board),
        unit=esc(view.unit.name),
    )
    fields = Button(ctx.tr("📊 Fields vs. the board median"), UnitChart("fields", unit_id).pack())
    ctx.say(caption, photo=photo, buttons=((fields,),))


async def _board_photo(
    ctx: Ctx,
    rows: Sequence[A.Standing],
    catalog: Catalog,
    period: PeriodRow,
    board: str,
    highlight: int | None,
    *,
    compact: bool = False,
) -> OutgoingFile | None:
    """The board as a PNG; ``compact``: the phone chart of the highlighted unit's neighbours."""
    published = period.published_at is not None
    preliminary = not published and any(r.result.preliminary for r in rows)
    title = ctx.text(
        "%(board)s — PAR index %(year)s", board=plain(board_name(ctx, board)), year=period.year
    )  # a chart shows plain text, not HTML
    if preliminary:
        title += " " + ctx.text("(preliminary)")
    elif published:
        title += " " + ctx.text("(official)")
    bars = [
        charts.Bar(
            f"{r.ranked.rank}. {r.unit.name}",
            float(r.result.index),
            ctx.num(r.result.index),
            r.unit.id == highlight,
        )
        for r in rows
    ]
    thresholds = [
        charts.Threshold(
            f"{rule_text(ctx.locale, rule)}: {class_label(ctx, catalog, n)}",
            float(rule.min_index),
        )
        for n, rule in enumerate(catalog.classification)
        if rule.min_index is not None and rule.min_index > 0
    ]
    if not throttle.allow(ctx, "chart:phone" if compact else "chart:board"):
        return None
    renderer = ctx.config.need_formats().charts
    path = charts.chart_path(ctx.config.data_dir, "board")
    try:
        if compact:
            await asyncio.to_thread(
                renderer.compact_board_chart, path, bars, title=title, scale=float(catalog.scale)
            )
        else:
            await asyncio.to_thread(
                renderer.board_chart,
                path,
                bars,
                thresholds,
                title=title,
                xlabel=ctx.tr("PAR index"),
                scale=float(catalog.scale),
            )
    except Exception:  # a chart is a bonus: the text has already been written
        log.exception("could not draw the board chart")
        return None
    return OutgoingFile(str(path), f"bang-xep-hang-{period.year}.png", "image/png")


# ------------------------------------------------------------------ callbacks


async def on_callback(ctx: Ctx, parts: list[str]) -> None:
    """The /rank chart buttons (:class:`~conversations.callbacks.UnitChart`: a unit's fields,
    its whole board, its criteria against last year; :class:`~conversations.callbacks.BoardChart`:
    a board, for admins)."""
    data = ":".join(parts)
    if (board := BoardChart.unpack(data)) is not None:
        if not ctx.is_admin:
            ctx.toast(ctx.tr("Only Phòng Nội vụ can see this."), alert=True)
            return
        await board_chart(ctx, board.board)
        return
    chart = UnitChart.unpack(data)
    if chart is None:
        ctx.toast(ctx.tr("This button is out of date. Type /rank again."))
        return
    if not can_see_unit(ctx, chart.unit):
        ctx.toast(ctx.tr("You cannot see this unit."), alert=True)
        return
    if chart.kind == "full":
        await full_board(ctx, chart.unit)
    elif chart.kind == "fields":
        await fields_chart(ctx, chart.unit)
    else:
        await YC.criteria(ctx, chart.unit)


async def fields_chart(ctx: Ctx, unit_id: int) -> None:
    loaded = await _unit_on_board(ctx, unit_id)
    if loaded is None:
        return
    view, rows, mine = loaded
    others = [r.result for r in rows]
    bars = []
    for f in mine.result.fields:
        med = _median([o.field(f.code) for o in others]) if len(rows) > 1 else None
        pct = f.pct
        bars.append(
            charts.FieldBar(
                f"{f.code}. {_field_title(ctx, view.catalog, f.code, f.title)}",
                float(pct) if pct is not None else None,
                float(med) if med is not None else None,
                field_chart_text(ctx.locale, f) if pct is not None else ctx.tr("pending"),
                f"{ctx.num(med)}%" if med is not None else "",
            )
        )
    if not throttle.allow(ctx, "chart:fields"):
        return
    path = charts.chart_path(ctx.config.data_dir, "fields")
    try:
        await asyncio.to_thread(
            ctx.config.need_formats().charts.fields_chart,
            path,
            bars,
            title=ctx.text("%(unit)s: points per field", unit=view.unit.name),
            unit_label=view.unit.name,
            median_label=ctx.tr("Board median (%(n)s units)", n=len(rows)),
            xlabel=ctx.tr("Percentage of the field's points"),
        )
    except Exception:
        log.exception("could not draw the fields chart")
        ctx.say(ctx.tr("The chart could not be drawn right now; the figures are in /rank."))
        return
    if len(rows) > 1:
        caption = ctx.tr(
            "%(unit)s: the percentage of points in each field (red) against the median of "
            "the %(n)s units on the board (grey).",
            unit=esc(view.unit.name),
            n=len(rows),
        )
    else:
        caption = ctx.tr(
            "%(unit)s: the percentage of points in each field. No other unit is on the "
            "board yet, so there is no median to compare with.",
            unit=esc(view.unit.name),
        )
    if any(f.pct is None for f in mine.result.fields):
        caption += "\n" + ctx.tr("Fields marked “pending” wait for the survey results.")
    note = na_note(ctx.locale, mine.result)
    if note:
        caption += "\nℹ️ " + note
    photo = OutgoingFile(str(path), f"linh-vuc-{view.unit.code}.png", "image/png")
    ctx.say(caption, photo=photo)


def _median(fields: Sequence[FieldScore | None]) -> Decimal | None:
    values = [p for f in fields if f is not None and (p := f.pct) is not None]
    if not values:
        return None
    return Decimal(statistics.median(values)).quantize(Decimal("0.01"))


# ------------------------------------------------------------------ admins


async def board_overview(ctx: Ctx, board: str | None) -> None:
    period = await ctx.uow.periods.latest()
    if period is None:
        ctx.say(ctx.tr("No assessment period has been set up yet."))
        return
    rows = await A.standings(
        ctx.uow, period.year, board if board and BOARD_RE.match(board) else None
    )
    if not rows:
        ctx.say(ctx.tr("No units with a criteria set in %(year)s yet.", year=period.year))
        return
    published = period.published_at is not None
    before = await YC.previous_figures(ctx, period)
    if published:
        lines: list[str] = [
            ctx.tr("<b>Official ranking %(year)s</b> (published)", year=period.year)
        ]
    else:
        lines = [ctx.tr("<b>Preliminary ranking %(year)s</b>", year=period.year)]
    current = None
    boards: list[str] = []
    for r in rows:
        if r.unit.board != current:
            current = r.unit.board
            boards.append(current)
            lines.append("")
            lines.append(bold(board_name(ctx, current)))
        mark = "*" if r.result.preliminary and not published else ""
        mark += BASIS_MARKS.get(r.basis, "")
        lines.append(
            fmt(
                "%(rank)s. %(unit)s — %(index)s%(mark)s (%(cls)s)",
                rank=r.ranked.rank,
                unit=r.unit.name,
                index=ctx.num(r.result.index),
                mark=mark,
                cls=class_shown(ctx.locale, r.catalog, r.result),
            )
            + YC.board_note(ctx, before.get(r.unit.code), r.result.index)
        )
    if not published:
        lines.append("")
        lines.append(ctx.tr("* preliminary"))
    for basis, sign in BASIS_MARKS.items():
        if any(r.basis == basis for r in rows):
            lines.append(fmt("%(sign)s %(note)s", sign=sign, note=ctx.tr(A.BASIS_NOTES[basis])))
    lines.append(
        ctx.tr(
            "A unit's detail: /rank followed by its code, e.g. /rank %(code)s.",
            code=rows[0].unit.code,
        )
    )
    buttons = tuple(
        (Button(ctx.tr("📊 Chart: %(board)s", board=board_name(ctx, b)), BoardChart(b).pack()),)
        for b in boards
    )
    say_long(ctx, lines, buttons)


async def board_chart(ctx: Ctx, board: str) -> None:
    period = await ctx.uow.periods.latest()
    if period is None:
        ctx.say(ctx.tr("No assessment period has been set up yet."))
        return
    rows = await A.standings(ctx.uow, period.year, board)
    if not rows:
        ctx.say(ctx.tr("No units with a criteria set in %(year)s yet.", year=period.year))
        return
    photo = await _board_photo(ctx, rows, rows[0].catalog, period, board, None)
    if photo is None:
        ctx.say(ctx.tr("The chart could not be drawn right now; the figures are in /rank."))
        return
    ctx.say(
        ctx.tr(
            "%(board)s: %(n)s units. Dashed lines: the classification thresholds.",
            board=board_name(ctx, board),
            n=len(rows),
        ),
        photo=photo,
    )


def _field_title(ctx: Ctx, catalog: Catalog, code: str, title: str) -> str:
    item = catalog.item(code)
    return item.title_en if ctx.locale == "en" and item is not None and item.title_en else title
