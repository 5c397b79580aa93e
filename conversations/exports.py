"""/export: Excel files in the chat — a leader's own self-scoring sheet, any sheet or the ranking
for Phòng Nội vụ. The files are the same as ``parbot export sheet|ranking`` writes."""

from __future__ import annotations

from conversations import assessment as A
from conversations import sheets, throttle
from conversations import yearover as Y
from conversations.callbacks import EXPORTS, ExportRanking, ExportSheet, first
from conversations.context import Ctx
from conversations.markup import esc
from conversations.replies import Button, OutgoingFile
from conversations.standing import board_name
from conversations.unitview import active_unit
from storage.repositories.rows import PeriodRow, UnitRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def export_cmd(ctx: Ctx, args: str = "") -> None:
    words = args.split()
    if ctx.is_admin:
        await _admin(ctx, words)
        return
    unit_id = await active_unit(ctx, ("leader",))
    if unit_id is None:
        ctx.say(
            ctx.tr(
                "/export is for a unit's leaders (their unit's self-scoring sheet) and for "
                "Phòng Nội vụ."
            )
        )
        return
    unit = await ctx.uow.units.get(unit_id)
    if unit is None:
        return
    # a leader may name one of their own units; anything else is Phòng Nội vụ's (the ranking,
    # another unit's sheet) and is refused rather than quietly answered with their own sheet
    head = words[0].lower() if words else ""
    if head in ("ranking", "rank", "xephang"):
        ctx.say(ctx.tr("Only Phòng Nội vụ can see this."))
        return
    if head in ("sheet", "bieu"):
        code = words[1] if len(words) > 1 else ""
    else:
        code = words[0] if words else ""
    if code:
        named = await ctx.uow.units.get_by_code(unit.period_id, code)
        if named is None or not ctx.has_role("leader", named.id):
            ctx.say(ctx.tr("You cannot see this unit."))
            return
        unit = named
    await send_sheet(ctx, unit)


async def _admin(ctx: Ctx, words: list[str]) -> None:
    period = await ctx.uow.periods.latest()
    if period is None:
        ctx.say(ctx.tr("No assessment period has been set up yet."))
        return
    head = words[0].lower() if words else ""
    if head in ("ranking", "rank", "xephang"):
        known = await A.period_boards(ctx.uow, period.id)
        board = A.parse_board(words[1], known) if len(words) > 1 else None
        if len(words) > 1 and board is None:
            ctx.say(
                ctx.tr(
                    "Unknown board %(board)s; use %(known)s.",
                    board=words[1][:20],
                    known=", ".join(
                        board_name(ctx, b) for b in sorted(known | {"department", "commune"})
                    ),
                )
            )
            return
        await send_ranking(ctx, period, board)
        return
    code = ""
    if head in ("sheet", "bieu"):
        code = words[1] if len(words) > 1 else ""
    elif words:
        code = words[0]
    if code:
        unit = await ctx.uow.units.get_by_code(period.id, code)
        if unit is None:
            ctx.say(ctx.tr("There is no unit %(code)s this year.", code=code[:32]))
            return
        await send_sheet(ctx, unit)
        return
    ctx.say(
        ctx.tr(
            "What should I export? /export sheet CODE — a unit's self-scoring sheet (biểu tự "
            "chấm điểm); /export ranking 1 — %(first)s; /export ranking 2 — %(second)s; or "
            "tap below.",
            first=board_name(ctx, "department"),
            second=board_name(ctx, "commune"),
        ),
        buttons=(
            (Button(ctx.tr("📊 Ranking, every board"), ExportRanking().pack()),),
            (
                Button(board_name(ctx, "department"), ExportRanking("department").pack()),
                Button(board_name(ctx, "commune"), ExportRanking("commune").pack()),
            ),
        ),
    )


async def on_callback(ctx: Ctx, parts: list[str]) -> None:
    """ex:ranking[:board] (admins) · ex:sheet:<unit id> (the unit's leaders, admins)."""
    pressed = first(":".join(parts), EXPORTS)
    if isinstance(pressed, ExportRanking):
        if not ctx.is_admin:
            ctx.toast(ctx.tr("Only Phòng Nội vụ can see this."), alert=True)
            return
        period = await ctx.uow.periods.latest()
        if period is None:
            ctx.say(ctx.tr("No assessment period has been set up yet."))
            return
        await send_ranking(ctx, period, pressed.board)
        return
    if isinstance(pressed, ExportSheet):
        if not (ctx.is_admin or ctx.has_role("leader", pressed.unit)):
            ctx.toast(ctx.tr("You cannot see this unit."), alert=True)
            return
        unit = await ctx.uow.units.get(pressed.unit)
        if unit is not None:
            await send_sheet(ctx, unit)
        return
    ctx.toast(ctx.tr("This button is out of date."))


async def send_sheet(ctx: Ctx, unit: UnitRow) -> None:
    if not throttle.allow(ctx, f"export:sheet:{unit.id}"):
        return
    period = await ctx.uow.periods.get(unit.period_id)
    assert period is not None
    if unit.catalog_id is None:
        ctx.say(
            ctx.tr(
                "%(unit)s has no criteria set (bộ chỉ số) for %(year)s yet, so there is no "
                "sheet to export.",
                unit=esc(unit.name),
                year=period.year,
            )
        )
        return
    path = sheets.export_path(ctx.config.data_dir, f"bieu-tu-cham-{unit.code}-{period.year}")
    await sheets.write_unit_sheet(
        ctx.uow, period.year, unit.code, path, ctx.config.need_formats().sheets
    )
    name = f"Bieu-tu-cham-diem-{unit.code}-{period.year}.xlsx"
    status = (
        ctx.tr("official results")
        if period.published_at is not None
        else ctx.tr("preliminary figures")
    )
    ctx.say(
        ctx.tr(
            "📄 Self-scoring sheet of %(unit)s, %(year)s (%(status)s).",
            unit=esc(unit.name),
            year=period.year,
            status=status,
        ),
        document=OutgoingFile(str(path), name, XLSX),
    )


async def send_ranking(ctx: Ctx, period: PeriodRow, board: str | None) -> None:
    if not throttle.allow(ctx, f"export:ranking:{board}"):
        return
    rows = await A.standings(ctx.uow, period.year, board)
    if not rows:
        ctx.say(ctx.tr("No units with a criteria set in %(year)s yet.", year=period.year))
        return
    stem = f"xep-hang-{period.year}" + (f"-{board}" if board else "")
    path = sheets.export_path(ctx.config.data_dir, stem)
    previous = await Y.previous_figures(ctx.uow, period)  # year over year columns
    await sheets.write_workbook(
        ctx.config.need_formats().sheets,
        lambda: sheets.build_ranking_workbook(rows, period, previous),
        path,
    )
    status = (
        ctx.tr("official results")
        if period.published_at is not None
        else ctx.tr("preliminary figures")
    )
    ctx.say(
        ctx.tr(
            "📊 Ranking %(year)s, %(n)s units (%(status)s).",
            year=period.year,
            n=len(rows),
            status=status,
        ),
        document=OutgoingFile(str(path), f"Xep-hang-CCHC-{period.year}.xlsx", XLSX),
    )
