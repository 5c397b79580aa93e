"""Typed text for evidence: the criterion code for waiting files, and the section or pages of a
long PDF that prove its item.
"""

from __future__ import annotations

from conversations.context import Ctx
from conversations.evidence.attach import attach_and_reply
from conversations.evidence.shared import (
    bold_row_name,
    item_of_row,
    leaf_of,
    nav_buttons,
    node_of,
    restore_mode,
)
from conversations.evidence.waiting import pending_files, pick_buttons
from conversations.flow_state import CARD_MODES, Mode
from conversations.markup import clip, esc, join_lines
from conversations.unitview import UnitView, load_view
from conversations.walk import CODE_RE
from scoring.catalog import Item

MAX_SECTION = 200


async def on_text(ctx: Ctx, text: str) -> bool:
    """Typed text while a file waits for its criterion or a section is asked for."""
    mode = ctx.state.mode
    if mode == Mode.EV_PICK:
        return await _pick_text(ctx, text)
    if mode == Mode.EV_SECTION:
        return await _section_text(ctx, text)
    return False


async def _pick_text(ctx: Ctx, text: str) -> bool:
    pend = ctx.state.ev_pending
    if pend is None or not ctx.has_role("officer", pend.unit):
        ctx.state.mode = None
        ctx.state.ev_pending = None
        return False
    view = await load_view(ctx, pend.unit)
    if view is None:
        ctx.state.mode = None
        return False
    code = text.strip().lstrip("#").split(" ", 1)[0].rstrip(":,;")
    buttons = pick_buttons(ctx, view, node_of(view, pend.scope), leaf_of(view, pend.proposed))
    if not CODE_RE.match(code):
        wrong = ctx.tr("“%(text)s” is not a criterion code.", text=clip(text, 20))
        todo = ctx.tr(
            "Tap a criterion below, type its code (e.g. 1.2.3), or /cancel to drop the "
            "waiting files."
        )
        ctx.say(join_lines(["⚠️ " + wrong, todo]), buttons=buttons)
        return True
    node = view.catalog.item(code)
    if node is None:
        wrong = ctx.tr("There is no criterion %(code)s.", code=code[:20])
        todo = ctx.tr("Tap one below or type another code.")
        ctx.say(join_lines(["⚠️ " + wrong, todo]), buttons=buttons)
        return True
    leaves = [x for x in node.leaves() if not x.is_survey]
    if len(leaves) != 1:
        ctx.say(
            ctx.tr("Which part of %(code)s?", code=esc(node.code)),
            buttons=pick_buttons(ctx, view, node),
        )
        return True
    await finish_pick(ctx, view, leaves[0])
    return True


async def finish_pick(ctx: Ctx, view: UnitView, item: Item) -> None:
    metas = pending_files(ctx, view)
    pend, ctx.state.ev_pending = ctx.state.ev_pending, None
    # the open card's item confirmed: the officer goes back to that card as it was
    back = pend.back if pend is not None and pend.proposed == item.code else None
    by_card = back in CARD_MODES
    st = ctx.state
    st.mode, st.item, st.unit_id = back if by_card else None, item.code, view.unit.id
    album = st.ev_album
    if album is not None and album.unit == view.unit.id and not album.item:
        album.item = item.code
    if not metas:
        ctx.say(ctx.tr("No files are waiting any more. Send the file again."))
        return
    await attach_and_reply(ctx, view, item, metas, by_card=by_card)


async def _section_text(ctx: Ctx, text: str) -> bool:
    ev_id = ctx.state.ev_sec
    row = await ctx.uow.evidence.get(ev_id) if ev_id is not None else None
    restore_mode(ctx)
    if row is None or row.removed_at is not None or not ctx.has_role("officer", row.unit_id):
        ctx.say(ctx.tr("This file is no longer attached; nothing was noted."))
        return True
    ref = " ".join(text.split())[:MAX_SECTION]
    await ctx.uow.evidence.set_section(row.id, ref)
    view = await load_view(ctx, row.unit_id)
    item = item_of_row(view, row) if view else None
    reply = "✅ " + ctx.tr(
        "Noted for %(name)s: %(ref)s.",
        name=bold_row_name(row),
        ref=esc(ref),
    )
    ctx.say(reply, buttons=nav_buttons(ctx, view, item) if view and item else ())
    return True
