"""Attaching checked files to an item and the one confirmation that reports them: each file's
verdict line, links to the same file under other items, and the section question for long PDFs.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from conversations.callbacks import EvidenceFile
from conversations.context import Ctx
from conversations.evidence.shared import evidence_store, nav_buttons, risk_names, when_text
from conversations.evidence_check import messages as check_messages
from conversations.evidence_names import generated_name
from conversations.flow_state import WAITING_ON_CARD, Mode
from conversations.markup import Html, bold, clip, esc, fmt, join_lines
from conversations.replies import Button
from conversations.unitview import UnitView
from scoring.catalog import Item
from storage.repositories.rows_evidence import EvidenceRow

SECTION_ASK_PAGES = 10  # longer PDFs: ask which section/page proves the item
_STATUS_ICON = {
    "signed_intact": "✅",
    "signed_modified": "❗",
    "unsigned": "⚠️",
    "photo": "📷",
}


async def attach_one(
    ctx: Ctx, view: UnitView, item: Item, meta: dict[str, Any]
) -> tuple[str, bool, EvidenceRow | None]:
    """Record one stored file for ``item``: ``(report, newly attached, row)``."""
    uow = ctx.uow
    item_id = view.item_id(item.code)
    sha = meta["sha"]
    if meta.get("generated"):  # the name sent was empty once cleaned: name it after the item
        stamp = ctx.now.astimezone(ctx.config.tz).strftime("%Y%m%d-%H%M%S")
        meta = {**meta, "name": generated_name(item.code, stamp), "generated": False}
    existing = await uow.evidence.get_by_sha(view.unit.id, item_id, sha)
    if existing is not None and existing.removed_at is None:
        who = await uow.people.get(existing.uploaded_by) if existing.uploaded_by else None
        return (
            "ℹ️ "
            + ctx.tr(
                "%(name)s is already attached to %(code)s (sent by %(who)s, %(when)s); it was "
                "not stored again.",
                name=bold(meta["name"]),
                code=esc(item.code),
                who=esc(who.full_name) if who else "—",
                when=when_text(ctx, existing.uploaded_at),
            ),
            False,
            existing,
        )
    if not await asyncio.to_thread(evidence_store(ctx).exists, sha):
        return (
            "❌ "
            + ctx.tr(
                "%(name)s is no longer available on the server; please send it again.",
                name=bold(meta["name"]),
            ),
            False,
            None,
        )
    signed_at = datetime.fromisoformat(meta["signed_at"]) if meta.get("signed_at") else None
    row, _created = await uow.evidence.add(
        view.unit.id,
        item_id,
        sha,
        original_name=meta["name"],
        size=int(meta["size"]),
        mime="application/pdf",
        signature_status=meta["status"],
        pages=meta.get("pages"),
        signer=meta.get("signer"),
        signed_at=signed_at,
        signature_detail=meta.get("detail"),
        telegram_file_id=meta.get("file_id"),
        uploaded_by=ctx.person.id,
        at=ctx.now,
    )
    view.evidence_counts[item.code] = view.evidence_counts.get(item.code, 0) + 1
    block = file_block(ctx, meta)
    others = [
        code
        for code, rows in (await uow.evidence.list_for_unit(view.unit.id)).items()
        if code != item.code and any(r.sha256 == sha for r in rows)
    ]
    if others:
        block += "\n🔗 " + ctx.tr(
            "The same file is also filed under %(codes)s (linked, not copied).",
            codes=esc(", ".join(others)),
        )
    return block, True, row


async def attach_and_reply(
    ctx: Ctx,
    view: UnitView,
    item: Item,
    metas: list[dict[str, Any]],
    *,
    by_card: bool,
    by_caption: bool = False,
) -> None:
    """Attach files to ``item`` and answer with one confirmation; the walk continues from it."""
    blocks: list[str] = []
    new_rows: list[tuple[EvidenceRow, dict[str, Any]]] = []
    for meta in metas:
        block, new, row = await attach_one(ctx, view, item, meta)
        blocks.append(block)
        if new and row is not None:
            new_rows.append((row, meta))
    if by_card and ctx.state.mode in WAITING_ON_CARD:
        ctx.state.mode = Mode.WALK
    head = (
        "✅ "
        + ctx.tr(
            "Attached to <b>%(code)s</b> · %(title)s",
            code=esc(item.code),
            title=esc(clip(item.title, 80)),
        )
        if new_rows
        else fmt("<b>%(code)s</b> · %(title)s", code=item.code, title=clip(item.title, 80))
    )
    if by_caption:
        head += "\n" + ctx.tr("Filed by the code at the start of the caption.")
    tail = ctx.tr(
        "Files attached to %(code)s: %(n)s (see /evidence %(code)s).",
        code=esc(item.code),
        n=view.evidence_counts.get(item.code, 0),
    )
    text = fit_blocks(head, blocks) + "\n\n" + tail
    buttons = nav_buttons(ctx, view, item)
    long_pdf = [
        (row, meta)
        for row, meta in new_rows
        if meta.get("kind") == "pdf" and (meta.get("pages") or 0) > SECTION_ASK_PAGES
    ]
    if len(new_rows) == 1 and long_pdf:
        row, meta = long_pdf[0]
        st = ctx.state
        st.mode, st.ev_sec, st.ev_back = Mode.EV_SECTION, row.id, st.mode
        text += "\n\n" + ctx.tr(
            "This PDF has %(pages)s pages. If only part of it proves %(code)s, type the "
            "section or pages (e.g. “Mục II, trang 3”); otherwise tap “Whole document”.",
            pages=meta["pages"],
            code=esc(item.code),
        )
        buttons = (
            (Button(ctx.tr("📄 Whole document"), EvidenceFile("sw", row.id).pack()),),
            *buttons,
        )
    ctx.say(text, buttons=buttons, edit=ctx.is_callback)


def file_block(ctx: Ctx, meta: dict[str, Any]) -> str:
    """The per-file report: the name, then one verdict line (what was received, its signature
    and signing time, and any warning the verdict does not already say), then risky content."""
    params = dict(meta.get("params") or {})
    status = meta.get("status", "")
    icon = _STATUS_ICON.get(status, "📄")
    one_line = check_messages.ONE_LINE.get(status, meta["message"])
    parts = [safe_tr(ctx, one_line, params)]
    if meta.get("signed_at"):
        parts.append(
            ctx.text(
                "Signed at %(time)s.",
                time=when_text(ctx, datetime.fromisoformat(meta["signed_at"])),
            )
        )
    said = check_messages.SAID_BY_STATUS.get(status, frozenset())
    parts.extend(safe_tr(ctx, w, params) for w in meta.get("warnings") or [] if w not in said)
    lines = [
        fmt("📄 <b>%(name)s</b>", name=meta["name"]),
        fmt("%(icon)s %(text)s", icon=icon, text=" ".join(parts)),
    ]
    if meta.get("risks"):
        lines.append(
            "🛡 " + esc(ctx.tr(check_messages.RISKY_FLAGGED, risks=risk_names(ctx, meta["risks"])))
        )
    return join_lines(lines)


def safe_tr(ctx: Ctx, message: str, params: dict[str, object]) -> str:
    fixed = {k: ctx.num(v) if isinstance(v, float) else v for k, v in params.items()}
    try:
        return ctx.tr(message, **fixed) if fixed else ctx.tr(message)
    except (KeyError, ValueError, TypeError):
        return ctx.tr(message)


def fit_blocks(head: Html, blocks: list[str], limit: int = 3800) -> Html:
    """The head and as many blocks as fit in one Telegram message (the rest counted). The
    blocks are markup this module wrote (an album's come back from the state as plain str)."""
    text = head
    for n, block in enumerate(blocks):
        if len(text) + len(block) + 2 > limit:
            return text + fmt("\n\n… (+%(n)s)", n=len(blocks) - n)
        text += "\n\n" + Html(block)
    return text
