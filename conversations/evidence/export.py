"""/evidence export: the council's evidence pack (ZIP with an index) sent in the chat, for the
units the person may see, refused above what a bot may send.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from conversations import evidence_pack as pack
from conversations.assessment import NotFound, parse_board
from conversations.context import Ctx
from conversations.evidence.shared import Access, access_of, evidence_store, size_text
from conversations.markup import esc
from conversations.replies import OutgoingFile
from conversations.unitview import active_unit
from storage.repositories.rows import PeriodRow, UnitRow

MAX_CHAT_EXPORT = 48 * 1024 * 1024  # bots may send documents up to 50 MB
EXPORT_TTL = 24 * 3600  # seconds an exported ZIP is kept under data_dir/exports


@dataclass(frozen=True)
class Asked:
    """What /evidence export was asked for: named units (``codes``), a board, or all of them."""

    period: PeriodRow
    codes: list[str] | None
    board: str | None
    label: str


async def export_cmd(ctx: Ctx, tokens: list[str]) -> None:
    """/evidence export UNIT [UNIT…] | BOARD | all: the council's ZIP, sent as a document."""
    if not tokens:
        ctx.say(
            ctx.tr(
                "Type /evidence export followed by a unit code (e.g. /evidence export X01), a "
                "board (commune, department) or all."
            )
        )
        return
    asked = await _selection(ctx, tokens)
    if asked is None:
        return
    try:
        _period, units = await pack.select_units(
            ctx.uow, asked.period.year, asked.codes, asked.board
        )
    except NotFound as err:
        ctx.say(ctx.problem(err.message, err.params))
        return
    allowed = await _allowed(ctx, asked, units)
    if allowed is None:
        return
    fields_by_unit = {unit.code: access.fields for unit, access in allowed}
    everything = asked.codes is None and len(allowed) == len(units)
    sel = await pack.collect(
        ctx.uow,
        asked.period.year,
        None if everything else [u.code for u, _ in allowed],
        asked.board if everything else None,
        fields_by_unit=None if all(v is None for v in fields_by_unit.values()) else fields_by_unit,
    )
    if not sel.entries:
        ctx.say(
            ctx.tr("There are no evidence files to export for %(what)s.", what=esc(asked.label))
        )
        return
    if sel.total_bytes > MAX_CHAT_EXPORT:
        ctx.say(
            ctx.tr(
                "The evidence pack for %(what)s would be %(size)s, more than Telegram lets a "
                "bot send (50 MB). Export fewer units at a time, or ask Phòng Nội vụ to run "
                "“parbot export evidence” on the server.",
                what=esc(asked.label),
                size=size_text(ctx, sel.total_bytes),
            )
        )
        return
    await _send_pack(ctx, asked, sel)


async def _selection(ctx: Ctx, tokens: list[str]) -> Asked | None:
    """The period (the person's unit's, else the latest) and what the tokens name in it."""
    uow = ctx.uow
    own = await active_unit(ctx, ("officer", "leader"))
    own_unit = await uow.units.get(own) if own is not None else None
    period = (
        await uow.periods.get(own_unit.period_id)
        if own_unit is not None
        else await uow.periods.latest()
    )
    if period is None:
        ctx.say(ctx.tr("There is no assessment period yet."))
        return None
    if len(tokens) == 1 and tokens[0].lower() in ("all", "tatca"):
        return Asked(period, None, None, "all")
    if (
        len(tokens) == 1
        and await uow.units.get_by_code(period.id, tokens[0]) is None
        and parse_board(tokens[0]) is not None
    ):
        board = parse_board(tokens[0])
        return Asked(period, None, board, str(board))
    codes = tokens[:50]
    return Asked(period, codes, None, "-".join(codes[:3]) + ("-etc" if len(codes) > 3 else ""))


async def _allowed(
    ctx: Ctx, asked: Asked, units: list[UnitRow]
) -> list[tuple[UnitRow, Access]] | None:
    """The units whose files this person may see; None (said why) when a named unit is not
    one of them, or when none is."""
    allowed: list[tuple[UnitRow, Access]] = []
    for unit in units:
        access = await access_of(ctx, unit)
        if not access.can_view:
            if asked.codes is not None:
                ctx.say(
                    ctx.tr(
                        "You cannot export the files of %(unit)s.",
                        unit=esc(f"{unit.code} {unit.name}"),
                    )
                )
                return None
            continue
        allowed.append((unit, access))
    if not allowed:
        ctx.say(ctx.tr("You cannot export the files of these units."))
        return None
    return allowed


async def _send_pack(ctx: Ctx, asked: Asked, sel: pack.Selection) -> None:
    """Write the ZIP under data_dir/exports (older packs cleaned) and send it with a caption."""
    year = asked.period.year
    out_dir = ctx.config.data_dir / "exports"
    stamp = ctx.now.astimezone(ctx.config.tz).strftime("%Y%m%d-%H%M%S")
    slug = pack.safe_name(asked.label, suffix="", fallback="pack")
    out = out_dir / f"TLKC-{year}-{slug}-{stamp}-{secrets.token_hex(3)}.zip"
    await asyncio.to_thread(_clean_exports, out_dir)
    summary = await asyncio.to_thread(
        pack.write_zip,
        sel.entries,
        evidence_store(ctx),
        out,
        units=len(sel.units),
        tz=ctx.config.tz,
        sheets=ctx.config.need_formats().sheets,
    )
    caption = "📦 " + ctx.tr(
        "Evidence pack %(year)s for %(what)s: %(files)s file(s) in %(items)s criterion "
        "folder(s), with an index (xlsx, csv).",
        year=year,
        what=esc(asked.label),
        files=summary.files,
        items=summary.items,
    )
    if summary.missing:
        caption += "\n⚠️ " + ctx.tr(
            "%(n)s file(s) were missing on the server; they are marked in the index.",
            n=len(summary.missing),
        )
    if summary.failed:
        caption += "\n⚠️ " + ctx.tr(
            "%(n)s file(s) could not be read and were left out; they are marked in the index.",
            n=len(summary.failed),
        )
    ctx.say(
        caption,
        document=OutgoingFile(str(out), f"TLKC-{year}-{slug}.zip", "application/zip"),
    )


def _clean_exports(folder: Path) -> None:
    """Drop exported packs older than a day (they were sent long ago)."""
    if not folder.is_dir():
        return
    limit = time.time() - EXPORT_TTL
    for p in folder.glob("TLKC-*.zip"):
        try:
            if p.stat().st_mtime < limit:
                p.unlink()
        except OSError:
            continue
