"""Evidence files (tài liệu kiểm chứng) arriving in the chat, listed, sent back, removed, exported.

Which item a file belongs to: the code at the start of the caption ("1.2.3 Kế hoạch…") wherever
the officer is, else the item whose card is open; otherwise the officer is asked (the checked
file waits in the conversation state, its content already in the store). Size is checked from
the update before anything is downloaded (bots cannot download over 20 MB); the content is
checked as an appraiser would (:mod:`conversations.evidence_check`), then stored once by its
SHA-256 (:class:`storage.files.EvidenceStore`) and recorded per item.

Albums: Telegram sends each file of an album as its own update. The album is kept in the state
(``ev_album``) and its one confirmation is a message queued in the outbox a few seconds ahead;
every further file of the album rewrites that queued message, so the officer gets one reply
listing all of them. A file arriving after the reply went out gets its own reply: nothing is
lost even when downloads are slow.

Buttons carry only short ids (``ev:d:<evidence id>``); each press re-reads the row and checks the
person's roles in the database, so a forged button for another unit's file does nothing.
"""

from __future__ import annotations

import asyncio
import copy
import errno
import hashlib
import logging
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from conversations import evidence_pack as pack
from conversations import frozen, reply_json
from conversations.assessment import NotFound, parse_board
from conversations.context import Ctx
from conversations.evidence_check import (
    MAX_BOT_DOWNLOAD,
    FileVerdict,
    check_declared_size,
    inspect_file_async,
)
from conversations.evidence_check import messages as check_messages
from conversations.evidence_check.limits import too_large_verdict
from conversations.evidence_check.verdict import REASON_RISKY_PDF
from conversations.evidence_names import clean_file_name, escape_name, generated_name, shown_name
from conversations.markup import Html, bold, clip, esc, fmt, join_lines
from conversations.replies import Button, OutgoingFile, Reply
from conversations.unitview import UnitView, active_unit, load_view
from conversations.walk import CODE_RE
from scoring.answers import needs_explanation
from scoring.catalog import Item
from storage import models as m
from storage.files import EvidenceStore

log = logging.getLogger(__name__)

CARD_MODES = ("walk", "need", "evidence", "explain", "den", "ev_section")
SECTION_ASK_PAGES = 10  # longer PDFs: ask which section/page proves the item
ALBUM_DELAY = timedelta(seconds=3)
PAGE_SIZE = 8
MAX_PENDING = 20
MAX_SECTION = 200
MAX_CHAT_EXPORT = 48 * 1024 * 1024  # bots may send documents up to 50 MB
EXPORT_TTL = 24 * 3600  # seconds an exported ZIP is kept under data_dir/exports

_STATUS_ICON = {
    "signed_intact": "✅",
    "signed_modified": "❗",
    "unsigned": "⚠️",
    "photo": "📷",
}

# an item code at the start of a caption: "1.2.3 Kế hoạch…", "#1.2.3", "3.2: ảnh niêm yết"
CAPTION_RE = re.compile(
    r"^\s*#?([0-9]+(?:\.[0-9A-Za-z]+)*|[A-Za-z]\.[0-9]+(?:\.[0-9A-Za-z]+)*)(?=$|[\s:,;–—-])"
)


# ------------------------------------------------------------------ receiving


async def on_file(ctx: Ctx) -> None:
    """A document or photo arrived: check it, store it and file it under the right item."""
    f = ctx.event.file
    assert f is not None
    unit_id = await active_unit(ctx, ("officer",))
    if unit_id is None:
        ctx.say(
            ctx.tr(
                "Only a unit's focal officers can send evidence. Open the invite link from "
                "Phòng Nội vụ to join."
            )
        )
        return
    view = await load_view(ctx, unit_id)
    if view is None:
        ctx.say(ctx.tr("Your unit has no criteria set (bộ chỉ số) for this year yet."))
        return
    st = ctx.state
    album_id = f.media_group_id
    album = copy.deepcopy(st.get("ev_album")) if album_id else None
    if album is not None and (album.get("id") != album_id or album.get("unit") != unit_id):
        album = None
    if not album_id:
        st.pop("ev_album", None)

    proposed: Item | None = None
    if album is None:
        item, scope, note, proposed = _target(ctx, view, f.caption)
    else:
        code = album.get("item")
        item = _leaf(view, code) if code else None
        scope, note = None, None

    meta, problem = await _receive(ctx)

    if album_id is None:
        await _single(ctx, view, Target(item, scope, note, proposed), meta, problem)
    else:
        target = Target(item, scope, note, proposed)
        await _album(ctx, view, album_id, album, target, meta, problem)


@dataclass(frozen=True)
class Target:
    """Where an arriving file goes: ``item`` when the caption named it (filed at once);
    otherwise asked within ``scope``, with ``proposed`` (the open card) offered as one tap."""

    item: Item | None
    scope: Item | None
    note: str | None
    proposed: Item | None = None


async def _single(
    ctx: Ctx,
    view: UnitView,
    target: Target,
    meta: dict[str, Any] | None,
    problem: str | None,
) -> None:
    if meta is None:
        ctx.say(_refusal(ctx, problem) + "\n" + ctx.tr("Your answers are unchanged."))
        return
    if target.item is not None:
        await _attach_and_reply(
            ctx, view, target.item, [meta], by_card=_on_card(ctx, target.item), by_caption=True
        )
        return
    pending = _pending(ctx, view)
    if ctx.state.get("mode") != "ev_pick":
        pending = []
    pending.append(meta)
    _set_pending(ctx, view, pending[-MAX_PENDING:], target.scope, target.proposed)
    text = _file_block(ctx, meta) + "\n\n"
    if target.note:
        text += target.note + "\n"
    text += _pick_question(ctx, len(pending), target.proposed)
    ctx.say(text, buttons=_pick_buttons(ctx, view, target.scope, target.proposed))


async def _album(
    ctx: Ctx,
    view: UnitView,
    album_id: str,
    album: dict[str, Any] | None,
    target: Target,
    meta: dict[str, Any] | None,
    problem: str | None,
) -> None:
    st = ctx.state
    item, scope, note = target.item, target.scope, target.note
    if album is None:
        album = {
            "id": album_id,
            "unit": view.unit.id,
            "item": item.code if item is not None else None,
            "scope": scope.code if scope is not None else None,
            "proposed": target.proposed.code if target.proposed is not None else None,
            "note": note,
            "key": f"ev-album:{ctx.person.id}:{album_id}"[:255],
            "blocks": [],
            "ok": 0,
            "bad": 0,
        }
        if item is None and ctx.state.get("mode") != "ev_pick":
            _set_pending(ctx, view, [], scope, target.proposed)  # files already waiting are kept
    scope = _node(view, album.get("scope"))
    proposed = _leaf(view, album.get("proposed"))
    if meta is None:
        block = _refusal(ctx, problem)
        album["bad"] += 1
    elif item is not None:
        block, new, _row = await _attach_one(ctx, view, item, meta)
        album["ok"] += int(new)
    else:
        pending = _pending(ctx, view)
        pending.append(meta)
        _set_pending(ctx, view, pending[-MAX_PENDING:], scope, proposed)
        block = _file_block(ctx, meta)
        album["ok"] += 1
    album["blocks"] = [*album["blocks"], block][-MAX_PENDING:]
    if item is not None:
        if _on_card(ctx, item) and ctx.state.get("mode") in ("need", "evidence", "ev_section"):
            ctx.state["mode"] = "walk"
        head = ctx.tr(
            "📎 Files for <b>%(code)s</b> · %(title)s: %(ok)s attached, %(bad)s refused.",
            code=esc(item.code),
            title=esc(clip(item.title, 80)),
            ok=album["ok"],
            bad=album["bad"],
        )
        buttons = _nav_buttons(ctx, view, item)
        late_text: str = head + "\n\n" + block
    else:
        waiting = len(_pending(ctx, view))
        # the note and blocks are this module's own markup, kept in the state as plain str
        head = Html(album.get("note") or "") + ("\n" if album.get("note") else "")
        head += _pick_question(ctx, waiting, proposed) if waiting else ""
        buttons = _pick_buttons(ctx, view, scope, proposed) if waiting else ()
        if not waiting and ctx.state.get("mode") == "ev_pick":
            ctx.state["mode"] = None  # every file was refused: nothing to ask about
        late_text = block + ("\n\n" + _pick_question(ctx, waiting, proposed) if waiting else "")
    text = _fit(head, album["blocks"])
    st["ev_album"] = album
    if not await _queue_album_reply(ctx, album["key"], text, buttons):
        ctx.say(late_text, buttons=buttons)


async def _queue_album_reply(
    ctx: Ctx, key: str, text: str, buttons: tuple[tuple[Button, ...], ...]
) -> bool:
    """Queue (or rewrite) the album's one reply a few seconds ahead; False if it was already
    sent, so this file must be answered on its own."""
    payload = reply_json.encode(Reply(text, buttons=buttons))
    not_before = ctx.now + ALBUM_DELAY
    if await ctx.uow.outbox.replace_pending(key, payload, not_before):
        return True
    if await ctx.uow.outbox.get_by_key(key) is not None:
        return False
    return await ctx.uow.outbox.enqueue(
        key, ctx.person.chat_id, payload, person=ctx.person, not_before=not_before
    )


async def _receive(ctx: Ctx) -> tuple[dict[str, Any] | None, str | None]:
    """Check the downloaded file and put accepted content in the store: ``(meta, None)``, or
    ``(None, what to tell the officer)``."""
    f = ctx.event.file
    assert f is not None
    too_large = check_declared_size(f.size)
    if too_large is None and ctx.file_error == "too_large":
        too_large = too_large_verdict(f.size or MAX_BOT_DOWNLOAD + 1)
    if too_large is not None:
        return None, _verdict_text(ctx, too_large.message, too_large.params)
    if ctx.file_error is not None or ctx.file_data is None:
        return None, ctx.tr(
            "I could not download this file from Telegram. Please send it again; nothing was saved."
        )
    verdict = await inspect_file_async(
        ctx.file_data,
        declared_name=f.name,
        declared_mime=f.mime_type,
        signatures=ctx.config.need_formats().signatures,
        trust_roots_dir=ctx.config.trust_roots_dir,
        risky_pdf=ctx.config.risky_pdf,
    )
    if verdict.reason == REASON_RISKY_PDF:
        return None, esc(ctx.tr(verdict.message, risks=_risk_names(ctx, verdict.risks)))
    if not verdict.accepted or verdict.pdf_bytes is None:
        return None, _verdict_text(ctx, verdict.message, verdict.params)
    data = verdict.pdf_bytes
    try:
        sha, _rel = await asyncio.to_thread(_store(ctx).put, data)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            log.error("evidence store is full: %s", exc)
            return None, ctx.tr(
                "The server's disk is full, so the file could not be saved and nothing was "
                "recorded. Please tell Phòng Nội vụ, then send the file again later."
            )
        raise
    return _meta(ctx, verdict, sha, data), None


def _meta(ctx: Ctx, verdict: FileVerdict, sha: str, data: bytes) -> dict[str, Any]:
    """What is kept about an accepted, stored file until it is attached (it may wait in the
    conversation state for the officer to pick its criterion)."""
    f = ctx.event.file
    assert f is not None and ctx.file_data is not None
    sigs = [
        {
            "signer": s.signer_name,
            "time": s.signing_time.isoformat() if s.signing_time else None,
            "intact": s.intact,
            "modified": s.modified_after_signing,
            "trusted": s.trusted,
            "coverage": s.coverage,
            "issuer": s.issuer_name,
            "field": s.field_name,
            "error": s.error,
        }
        for s in verdict.signatures
    ]
    signers = list(dict.fromkeys(s.signer_name for s in verdict.signatures if s.signer_name))
    first_time = next((s.signing_time for s in verdict.signatures if s.signing_time), None)
    raw_name = f.name or ""
    meta = {
        "sha": sha,
        "name": _incoming_name(ctx),
        "generated": bool(raw_name) and not clean_file_name(raw_name),
        "size": len(data),
        "pages": verdict.pages,
        "kind": verdict.kind,
        "status": verdict.status,
        "signer": ", ".join(signers) or None,
        "signed_at": first_time.isoformat() if first_time else None,
        "file_id": f.file_id,
        "message": verdict.message,
        "params": {k: v for k, v in verdict.params.items() if isinstance(v, str | int | float)},
        "warnings": list(verdict.warnings),
        "risks": list(verdict.risks),
        "detail": {
            "kind": verdict.kind,
            "warnings": list(verdict.warnings),
            "signatures": sigs,
            "source_mime": f.mime_type,
            "risks": list(verdict.risks),
            "source_size": len(ctx.file_data),
            "source_sha256": hashlib.sha256(ctx.file_data).hexdigest()
            if verdict.kind == "photo"
            else None,
            # the name as sent, only when cleaning changed it; escaped, never shown raw
            "original_name": escape_name(raw_name) if raw_name != _clean_incoming(ctx) else None,
        },
    }
    return meta


# ------------------------------------------------------------------ attaching


async def _attach_one(
    ctx: Ctx, view: UnitView, item: Item, meta: dict[str, Any]
) -> tuple[str, bool, m.Evidence | None]:
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
                when=_when(ctx, existing.uploaded_at),
            ),
            False,
            existing,
        )
    if not await asyncio.to_thread(_store(ctx).exists, sha):
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
        uploaded_by=ctx.person,
        at=ctx.now,
    )
    view.evidence_counts[item.code] = view.evidence_counts.get(item.code, 0) + 1
    block = _file_block(ctx, meta)
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


async def _attach_and_reply(
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
    new_rows: list[tuple[m.Evidence, dict[str, Any]]] = []
    for meta in metas:
        block, new, row = await _attach_one(ctx, view, item, meta)
        blocks.append(block)
        if new and row is not None:
            new_rows.append((row, meta))
    if by_card and ctx.state.get("mode") in ("need", "evidence", "ev_section"):
        ctx.state["mode"] = "walk"
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
    text = _fit(head, blocks) + "\n\n" + tail
    buttons = _nav_buttons(ctx, view, item)
    long_pdf = [
        (row, meta)
        for row, meta in new_rows
        if meta.get("kind") == "pdf" and (meta.get("pages") or 0) > SECTION_ASK_PAGES
    ]
    if len(new_rows) == 1 and long_pdf:
        row, meta = long_pdf[0]
        back = ctx.state.get("mode")
        ctx.state.update(mode="ev_section", ev_sec=row.id, ev_back=back)
        text += "\n\n" + ctx.tr(
            "This PDF has %(pages)s pages. If only part of it proves %(code)s, type the "
            "section or pages (e.g. “Mục II, trang 3”); otherwise tap “Whole document”.",
            pages=meta["pages"],
            code=esc(item.code),
        )
        buttons = ((Button(ctx.tr("📄 Whole document"), f"ev:sw:{row.id}"),), *buttons)
    ctx.say(text, buttons=buttons, edit=ctx.is_callback)


# ------------------------------------------------------------------ typed input


async def on_text(ctx: Ctx, text: str) -> bool:
    """Typed text while a file waits for its criterion or a section is asked for."""
    mode = ctx.state.get("mode")
    if mode == "ev_pick":
        return await _pick_text(ctx, text)
    if mode == "ev_section":
        return await _section_text(ctx, text)
    return False


async def _pick_text(ctx: Ctx, text: str) -> bool:
    pend = ctx.state.get("ev_pending") or {}
    unit_id = pend.get("unit")
    if not isinstance(unit_id, int) or not ctx.has_role("officer", unit_id):
        ctx.state["mode"] = None
        ctx.state.pop("ev_pending", None)
        return False
    view = await load_view(ctx, unit_id)
    if view is None:
        ctx.state["mode"] = None
        return False
    code = text.strip().lstrip("#").split(" ", 1)[0].rstrip(":,;")
    buttons = _pick_buttons(
        ctx, view, _node(view, pend.get("scope")), _leaf(view, pend.get("proposed"))
    )
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
            buttons=_pick_buttons(ctx, view, node),
        )
        return True
    await _finish_pick(ctx, view, leaves[0])
    return True


async def _finish_pick(ctx: Ctx, view: UnitView, item: Item) -> None:
    metas = _pending(ctx, view)
    pend = ctx.state.pop("ev_pending", None) or {}
    # the open card's item confirmed: the officer goes back to that card as it was
    back = pend.get("back") if pend.get("proposed") == item.code else None
    by_card = back in CARD_MODES
    ctx.state.update(mode=back if by_card else None, item=item.code, unit_id=view.unit.id)
    album = copy.deepcopy(ctx.state.get("ev_album"))
    if album and album.get("unit") == view.unit.id and not album.get("item"):
        album["item"] = item.code
        ctx.state["ev_album"] = album
    if not metas:
        ctx.say(ctx.tr("No files are waiting any more. Send the file again."))
        return
    await _attach_and_reply(ctx, view, item, metas, by_card=by_card)


async def _section_text(ctx: Ctx, text: str) -> bool:
    ev_id = ctx.state.get("ev_sec")
    row = await ctx.uow.evidence.get(ev_id) if isinstance(ev_id, int) else None
    _restore_mode(ctx)
    if row is None or row.removed_at is not None or not ctx.has_role("officer", row.unit_id):
        ctx.say(ctx.tr("This file is no longer attached; nothing was noted."))
        return True
    ref = " ".join(text.split())[:MAX_SECTION]
    row.section_ref = ref
    await ctx.uow.flush()
    view = await load_view(ctx, row.unit_id)
    item = _item_of_row(view, row) if view else None
    reply = "✅ " + ctx.tr(
        "Noted for %(name)s: %(ref)s.",
        name=_bold_name(row),
        ref=esc(ref),
    )
    ctx.say(reply, buttons=_nav_buttons(ctx, view, item) if view and item else ())
    return True


# ------------------------------------------------------------------ buttons


async def on_callback(ctx: Ctx, parts: list[str]) -> None:
    """ev:d/r/rc/rx/sw:<evidence id> · ev:ls:<unit>:<node id>:<page> · ev:pk:<unit>:<item id>
    · ev:pf:<unit>[:<field>] · ev:px:<unit>."""
    action = parts[1] if len(parts) > 1 else ""
    try:
        ids = [int(p) for p in parts[2:] if p != ""] if action != "pf" else [int(parts[2])]
    except (ValueError, IndexError):
        return _stale(ctx)
    if action in ("d", "r", "rc", "rx", "sw") and len(ids) == 1:
        row = await ctx.uow.evidence.get(ids[0])
        if row is None:
            return _stale(ctx)
        unit = await ctx.uow.units.get(row.unit_id)
        if unit is None:
            return _stale(ctx)
        access = await _access(ctx, unit)
        view = await load_view(ctx, unit.id)
        item = _item_of_row(view, row) if view else None
        if view is None or item is None:
            return _stale(ctx)
        if not access.sees(view, item.code):
            ctx.toast(ctx.tr("You cannot see the files of this unit."), alert=True)
            return
        if action == "d":
            return await _send_file(ctx, view, item, row)
        if not access.can_edit:
            ctx.toast(ctx.tr("Only the unit's focal officers can change its files."), alert=True)
            return
        if row.removed_at is not None:
            ctx.toast(ctx.tr("This file was already removed."))
            return
        if action == "r":
            return _ask_remove(ctx, item, row)
        if action == "rc":
            return await _remove(ctx, view, item, row)
        if action == "rx":
            ctx.say(
                ctx.tr("Kept: %(name)s.", name=_bold_name(row)),
                edit=True,
            )
            return
        return await _whole_document(ctx, view, item, row)
    if action in ("ls", "pk", "pf", "px") and ids:
        unit = await ctx.uow.units.get(ids[0])
        if unit is None:
            return _stale(ctx)
        if action == "ls":
            if len(ids) != 3:
                return _stale(ctx)
            access = await _access(ctx, unit)
            if not access.can_view:
                ctx.toast(ctx.tr("You cannot see the files of this unit."), alert=True)
                return
            view = await load_view(ctx, unit.id)
            if view is None:
                return _stale(ctx)
            node = view.item_by_id(ids[1]) if ids[1] else None
            text, buttons = await _render_list(ctx, view, access, node, ids[2])
            ctx.say(text, buttons=buttons, edit=True)
            return
        if not ctx.has_role("officer", unit.id):
            ctx.toast(ctx.tr("Only the unit's focal officers can change its files."), alert=True)
            return
        view = await load_view(ctx, unit.id)
        if view is None:
            return _stale(ctx)
        pend = ctx.state.get("ev_pending") or {}
        if action == "px":
            n = len(pend.get("files") or [])
            ctx.state.pop("ev_pending", None)
            if ctx.state.get("mode") == "ev_pick":
                ctx.state["mode"] = None
            ctx.say(ctx.tr("Dropped %(n)s waiting file(s); nothing was attached.", n=n), edit=True)
            return
        if pend.get("unit") != unit.id or not pend.get("files"):
            ctx.toast(ctx.tr("No files are waiting any more. Send the file again."))
            return
        if action == "pf":
            field = view.catalog.item(parts[3]) if len(parts) > 3 and parts[3] else None
            ctx.state["mode"] = "ev_pick"
            ctx.say(
                _pick_question(ctx, len(pend["files"])),
                buttons=_pick_buttons(ctx, view, field),
                edit=True,
            )
            return
        if len(ids) != 2:
            return _stale(ctx)
        target = view.item_by_id(ids[1])
        if target is None or not target.is_leaf or target.is_survey:
            return _stale(ctx)
        await _finish_pick(ctx, view, target)
        return
    _stale(ctx)


async def _send_file(ctx: Ctx, view: UnitView, item: Item, row: m.Evidence) -> None:
    if row.removed_at is not None:
        ctx.toast(ctx.tr("This file was removed; it is kept only in the history."))
        return
    path = _store(ctx).path(row.sha256)
    if not await asyncio.to_thread(path.is_file):
        ctx.say(
            ctx.tr(
                "The content of %(name)s is missing on the server. Please ask the unit to send "
                "it again.",
                name=_bold_name(row),
            )
        )
        return
    caption = fmt("📄 <b>%(code)s</b> · %(name)s\n", code=item.code, name=_name(row))
    caption += _status_label(ctx, row)
    if row.section_ref:
        caption += "\n§ " + esc(row.section_ref)
    ctx.say(
        caption[:1000],
        document=OutgoingFile(str(path), download_name(_name(row)), "application/pdf"),
    )


def _ask_remove(ctx: Ctx, item: Item, row: m.Evidence) -> None:
    ctx.say(
        ctx.tr(
            "Remove %(name)s from %(code)s? It stays in the history, but no longer counts as "
            "evidence.",
            name=_bold_name(row),
            code=esc(item.code),
        ),
        buttons=(
            (
                Button(ctx.tr("🗑 Yes, remove"), f"ev:rc:{row.id}"),
                Button(ctx.tr("Cancel"), f"ev:rx:{row.id}"),
            ),
        ),
    )


async def _remove(ctx: Ctx, view: UnitView, item: Item, row: m.Evidence) -> None:
    if view.period.published_at is not None:
        frozen.say_published(ctx, view.period.year, edit=True)
        return
    if view.locked:
        ctx.say(
            ctx.tr(
                "The unit has already submitted its self-assessment, so its files cannot be "
                "removed. Use /withdraw to reopen it first."
            ),
            edit=True,
        )
        return
    await ctx.uow.evidence.remove(row, by=ctx.person, at=ctx.now)
    left = len(await ctx.uow.evidence.list_for_item(view.unit.id, row.item_id))
    view.evidence_counts[item.code] = left
    text = "🗑 " + ctx.tr(
        "Removed %(name)s from %(code)s (kept in the history). Files left: %(n)s.",
        name=_bold_name(row),
        code=esc(item.code),
        n=left,
    )
    answer = view.answer(item.code)
    risky = False
    if answer is not None and item.code not in view.explanations:
        try:
            risky = needs_explanation(item, answer, left > 0)
        except ValueError:
            risky = False
    if risky:
        text += "\n⚠️ " + ctx.tr(
            "%(code)s now claims points without evidence: send another file or write an "
            "explanation.",
            code=esc(item.code),
        )
    ctx.say(text, buttons=_nav_buttons(ctx, view, item), edit=True)


async def _whole_document(ctx: Ctx, view: UnitView, item: Item, row: m.Evidence) -> None:
    row.section_ref = None
    await ctx.uow.flush()
    if ctx.state.get("mode") == "ev_section" and ctx.state.get("ev_sec") == row.id:
        _restore_mode(ctx)
    ctx.say(
        "✅ "
        + ctx.tr(
            "The whole of %(name)s counts as evidence for %(code)s.",
            name=_bold_name(row),
            code=esc(item.code),
        ),
        buttons=_nav_buttons(ctx, view, item),
        edit=True,
    )


# ------------------------------------------------------------------ /evidence


async def list_cmd(ctx: Ctx, args: str) -> None:
    """/evidence [UNIT] [CODE | all] — list files; /evidence export UNIT|BOARD|all — the pack."""
    tokens = args.split()
    if tokens and tokens[0].lower() in ("export", "xuat", "xuất"):
        await export_cmd(ctx, tokens[1:])
        return
    own = await active_unit(ctx, ("officer", "leader"))
    unit: m.Unit | None = None
    if tokens and not CODE_RE.match(tokens[0]) and tokens[0].lower() not in ("all", "tatca"):
        unit = await _unit_by_code(ctx, tokens[0], own)
        if unit is None:
            ctx.say(ctx.tr("There is no unit %(code)s.", code=esc(tokens[0][:32])))
            return
        tokens = tokens[1:]
    elif own is not None:
        unit = await ctx.uow.units.get(own)
    if unit is None:
        ctx.say(
            ctx.tr(
                "Type /evidence followed by a unit code to see its files, e.g. /evidence X01 "
                "or /evidence X01 1.2.3; /evidence export X01 sends the unit's evidence pack."
            )
        )
        return
    access = await _access(ctx, unit)
    if not access.can_view:
        ctx.say(ctx.tr("You cannot see the files of this unit."))
        return
    view = await load_view(ctx, unit.id)
    if view is None:
        ctx.say(ctx.tr("Your unit has no criteria set (bộ chỉ số) for this year yet."))
        return
    node: Item | None = None
    if tokens and tokens[0].lower() not in ("all", "tatca"):
        node = view.catalog.item(tokens[0].lstrip("#"))
        if node is None:
            wrong = ctx.tr("There is no criterion %(code)s.", code=tokens[0][:20])
            todo = ctx.tr("Type /evidence followed by a criterion code, e.g. /evidence 1.2.3.")
            ctx.say(join_lines(["⚠️ " + wrong, todo]))
            return
    elif not tokens and unit.id == own and isinstance(ctx.state.get("item"), str):
        node = view.catalog.item(ctx.state["item"])
    text, buttons = await _render_list(ctx, view, access, node, 0)
    ctx.say(text, buttons=buttons)


async def _render_list(
    ctx: Ctx, view: UnitView, access: Access, node: Item | None, page: int
) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    files = await ctx.uow.evidence.list_for_unit(view.unit.id)
    scope = {x.code for x in node.leaves()} if node is not None else None
    order = [leaf.code for leaf in view.catalog.leaves()]
    order += sorted(c for c in files if c not in set(order))
    flat: list[tuple[str, m.Evidence]] = []
    for code in order:
        if scope is not None and code not in scope:
            continue
        if not access.sees(view, code):
            continue
        flat.extend((code, row) for row in files.get(code, []))
    u = view.unit.id
    node_id = view.items[node.code].id if node is not None and node.code in view.items else 0
    title = ctx.tr(
        "📂 <b>Evidence files</b> — %(unit)s", unit=esc(f"{view.unit.code} {view.unit.name}")
    )
    where = (
        ctx.tr("Criterion %(code)s · %(title)s", code=esc(node.code), title=esc(node.title))
        if node is not None
        else ctx.tr("All criteria")
    )
    if not flat:
        empty = (
            ctx.tr("No evidence files yet for %(code)s.", code=esc(node.code))
            if node is not None
            else ctx.tr("No evidence files yet.")
        )
        if access.can_edit:
            empty += "\n" + ctx.tr(
                "Open the criterion with /score and send the file (PDF) there, or put the "
                "code at the start of the caption."
            )
        return join_lines([title, where, "", empty]), ()
    pages = (len(flat) + PAGE_SIZE - 1) // PAGE_SIZE
    page = max(0, min(page, pages - 1))
    chunk = list(enumerate(flat))[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    people = {
        p.id: p.full_name
        for p in await ctx.uow.people.list_by_ids(
            sorted({r.uploaded_by for _, (_, r) in chunk if r.uploaded_by})
        )
    }
    lines: list[str] = [title, where, ctx.tr("%(n)s file(s)", n=len(flat))]
    if pages > 1:
        lines[-1] += " · " + ctx.tr("page %(page)s/%(pages)s", page=page + 1, pages=pages)
    current = None
    for n, (code, row) in chunk:
        if code != current:
            current = code
            it = view.catalog.item(code)
            lines.append("")
            lines.append(
                fmt(
                    "<b>%(code)s</b> · %(title)s",
                    code=code,
                    title=clip(it.title if it else "", 70),
                )
            )
        lines.extend(_listed_file(ctx, n, row, people.get(row.uploaded_by or 0, "—")))
    rows: list[tuple[Button, ...]] = []
    pair: list[Button] = []
    for n, (_code, row) in chunk:
        pair.append(Button(f"⬇️ {n + 1}", f"ev:d:{row.id}"))
        if access.can_edit:
            pair.append(Button(f"🗑 {n + 1}", f"ev:r:{row.id}"))
        if len(pair) >= 4:
            rows.append(tuple(pair))
            pair = []
    if pair:
        rows.append(tuple(pair))
    if pages > 1:
        nav = []
        if page > 0:
            nav.append(Button("◀", f"ev:ls:{u}:{node_id}:{page - 1}"))
        if page < pages - 1:
            nav.append(Button("▶", f"ev:ls:{u}:{node_id}:{page + 1}"))
        rows.append(tuple(nav))
    return join_lines(lines), tuple(rows)


def _listed_file(ctx: Ctx, n: int, row: m.Evidence, sender: str) -> list[str]:
    """One file in /evidence: its number and name, its check, risks, sender and section."""
    detail = [_status_label(ctx, row)]
    if row.pages:
        detail.append(ctx.tr("%(n)s page(s)", n=row.pages))
    detail.append(_size(ctx, row.size))
    lines: list[str] = [
        fmt("%(n)s. 📄 %(name)s", n=n + 1, name=_name(row)),
        "    " + join_lines(detail, " · "),
    ]
    if risks := _row_risks(row):
        risky = ctx.tr("Risky content: %(risks)s", risks=_risk_names(ctx, risks))
        lines.append("    🛡 " + esc(risky))
    sent = ctx.tr("sent by %(who)s, %(when)s", who=esc(sender), when=_when(ctx, row.uploaded_at))
    if row.section_ref:
        sent += " · § " + esc(row.section_ref)
    lines.append("    " + sent)
    return lines


# ------------------------------------------------------------------ export in chat


async def export_cmd(ctx: Ctx, tokens: list[str]) -> None:
    """/evidence export UNIT [UNIT…] | BOARD | all: the council's ZIP, sent as a document."""
    uow = ctx.uow
    if not tokens:
        ctx.say(
            ctx.tr(
                "Type /evidence export followed by a unit code (e.g. /evidence export X01), a "
                "board (commune, department) or all."
            )
        )
        return
    own = await active_unit(ctx, ("officer", "leader"))
    own_unit = await uow.units.get(own) if own is not None else None
    period = (
        await uow.periods.get(own_unit.period_id)
        if own_unit is not None
        else await uow.periods.latest()
    )
    if period is None:
        ctx.say(ctx.tr("There is no assessment period yet."))
        return
    codes: list[str] | None = None
    board: str | None = None
    if len(tokens) == 1 and tokens[0].lower() in ("all", "tatca"):
        label = "all"
    elif (
        len(tokens) == 1
        and await uow.units.get_by_code(period.id, tokens[0]) is None
        and parse_board(tokens[0]) is not None
    ):
        board = parse_board(tokens[0])
        label = str(board)
    else:
        codes = tokens[:50]
        label = "-".join(codes[:3]) + ("-etc" if len(codes) > 3 else "")
    try:
        _period, units = await pack.select_units(uow, period.year, codes, board)
    except NotFound as err:
        ctx.say(ctx.problem(err.message, err.params))
        return
    allowed: list[m.Unit] = []
    fields_by_unit: dict[str, frozenset[str] | None] = {}
    for unit in units:
        access = await _access(ctx, unit)
        if not access.can_view:
            if codes is not None:
                ctx.say(
                    ctx.tr(
                        "You cannot export the files of %(unit)s.",
                        unit=esc(f"{unit.code} {unit.name}"),
                    )
                )
                return
            continue
        allowed.append(unit)
        fields_by_unit[unit.code] = access.fields
    if not allowed:
        ctx.say(ctx.tr("You cannot export the files of these units."))
        return
    everything = codes is None and len(allowed) == len(units)
    sel = await pack.collect(
        uow,
        period.year,
        None if everything else [u.code for u in allowed],
        board if everything else None,
        fields_by_unit=None if all(v is None for v in fields_by_unit.values()) else fields_by_unit,
    )
    if not sel.entries:
        ctx.say(ctx.tr("There are no evidence files to export for %(what)s.", what=esc(label)))
        return
    if sel.total_bytes > MAX_CHAT_EXPORT:
        ctx.say(
            ctx.tr(
                "The evidence pack for %(what)s would be %(size)s, more than Telegram lets a "
                "bot send (50 MB). Export fewer units at a time, or ask Phòng Nội vụ to run "
                "“parbot export evidence” on the server.",
                what=esc(label),
                size=_size(ctx, sel.total_bytes),
            )
        )
        return
    out_dir = ctx.config.data_dir / "exports"
    stamp = ctx.now.astimezone(ctx.config.tz).strftime("%Y%m%d-%H%M%S")
    slug = pack.safe_name(label, suffix="", fallback="pack")
    out = out_dir / f"TLKC-{period.year}-{slug}-{stamp}-{secrets.token_hex(3)}.zip"
    await asyncio.to_thread(_clean_exports, out_dir)
    summary = await asyncio.to_thread(
        pack.write_zip,
        sel.entries,
        _store(ctx),
        out,
        units=len(sel.units),
        tz=ctx.config.tz,
        sheets=ctx.config.need_formats().sheets,
    )
    caption = "📦 " + ctx.tr(
        "Evidence pack %(year)s for %(what)s: %(files)s file(s) in %(items)s criterion "
        "folder(s), with an index (xlsx, csv).",
        year=period.year,
        what=esc(label),
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
        document=OutgoingFile(str(out), f"TLKC-{period.year}-{slug}.zip", "application/zip"),
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


# ------------------------------------------------------------------ access


@dataclass(frozen=True)
class Access:
    """What a person may do with one unit's files. ``fields`` None = every field."""

    can_view: bool
    can_edit: bool
    fields: frozenset[str] | None

    def sees(self, view: UnitView, code: str) -> bool:
        if not self.can_view:
            return False
        return self.fields is None or view.catalog.field_of(code) in self.fields


async def _access(ctx: Ctx, unit: m.Unit) -> Access:
    """Read fresh from the database for every update: officers attach and remove their unit's
    files; leaders and admins see them; appraisers see the fields assigned to them."""
    if ctx.has_role("officer", unit.id):
        return Access(True, True, None)
    if ctx.is_admin or ctx.has_role("leader", unit.id):
        return Access(True, False, None)
    if ctx.has_role("appraiser"):
        fields = {
            a.field_code
            for a in await ctx.uow.appraisals.assignments(ctx.person, unit.period_id)
            if a.board in (None, unit.board)
        }
        if fields:
            return Access(True, False, frozenset(fields))
    return Access(False, False, frozenset())


async def _unit_by_code(ctx: Ctx, code: str, own: int | None) -> m.Unit | None:
    uow = ctx.uow
    period = None
    if own is not None:
        own_unit = await uow.units.get(own)
        period = await uow.periods.get(own_unit.period_id) if own_unit else None
    period = period or await uow.periods.latest()
    if period is None:
        return None
    return await uow.units.get_by_code(period.id, code)


# ------------------------------------------------------------------ helpers


def _store(ctx: Ctx) -> EvidenceStore:
    return EvidenceStore(ctx.config.data_dir / "evidence")


def _caption_code(ctx: Ctx) -> str | None:
    f = ctx.event.file
    mt = CAPTION_RE.match((f.caption if f else None) or "")
    return mt.group(1) if mt else None


def _target(
    ctx: Ctx, view: UnitView, caption: str | None
) -> tuple[Item | None, Item | None, str | None, Item | None]:
    """``(item, scope to ask within, note, proposed)``: the caption's code files at once; the
    open card (or the one already proposed for waiting files) is only proposed, so the officer
    sees where the file will go before it is filed."""
    code = _caption_code(ctx)
    if code is not None:
        node = view.catalog.item(code)
        if node is None:
            return (
                None,
                None,
                "⚠️ " + ctx.tr("There is no criterion %(code)s.", code=code[:20]),
                None,
            )
        leaves = [x for x in node.leaves() if not x.is_survey]
        if len(leaves) == 1:
            return leaves[0], None, None, None
        if not leaves:
            return (
                None,
                None,
                ctx.tr(
                    "%(code)s is filled from the survey results; it takes no evidence.",
                    code=esc(node.code),
                ),
                None,
            )
        return None, node, None, None
    current = _leaf(view, ctx.state.get("item"))
    proposed = None
    if ctx.state.get("mode") in CARD_MODES and current is not None:
        proposed = current
    elif ctx.state.get("mode") == "ev_pick":
        proposed = _leaf(view, (ctx.state.get("ev_pending") or {}).get("proposed"))
    scope = None
    if current is not None:
        field_code = view.catalog.field_of(current.code)
        scope = view.catalog.item(field_code) if field_code else None
    return None, scope, None, proposed


def _restore_mode(ctx: Ctx) -> None:
    """Leave the section question: back to what the officer was doing before the file."""
    back = ctx.state.pop("ev_back", None)
    ctx.state.pop("ev_sec", None)
    ctx.state["mode"] = back if back not in ("ev_section", "ev_pick") else None


def _on_card(ctx: Ctx, item: Item) -> bool:
    """The item's card is the one open (the file was sent while looking at it)."""
    return ctx.state.get("mode") in CARD_MODES and ctx.state.get("item") == item.code


def _leaf(view: UnitView, code: object) -> Item | None:
    if not isinstance(code, str):
        return None
    item = view.catalog.item(code)
    if item is None or not item.is_leaf or item.is_survey or code not in view.items:
        return None
    return item


def _node(view: UnitView, code: object) -> Item | None:
    return view.catalog.item(code) if isinstance(code, str) else None


def _item_of_row(view: UnitView | None, row: m.Evidence) -> Item | None:
    if view is None:
        return None
    return view.item_by_id(row.item_id)


def _pending(ctx: Ctx, view: UnitView) -> list[dict[str, Any]]:
    pend = ctx.state.get("ev_pending") or {}
    if pend.get("unit") != view.unit.id:
        return []
    return copy.deepcopy(list(pend.get("files") or []))


def _set_pending(
    ctx: Ctx,
    view: UnitView,
    files: list[dict[str, Any]],
    scope: Item | None,
    proposed: Item | None = None,
) -> None:
    """Keep the checked files waiting for their criterion; ``back`` remembers the card mode
    the officer was in, restored when the proposed item is confirmed."""
    old = ctx.state.get("ev_pending") or {}
    mode = ctx.state.get("mode")
    back = old.get("back") if mode == "ev_pick" else mode
    ctx.state["ev_pending"] = {
        "unit": view.unit.id,
        "files": files,
        "scope": scope.code if scope is not None else None,
        "proposed": proposed.code if proposed is not None else None,
        "back": back if back in CARD_MODES else None,
    }
    ctx.state["mode"] = "ev_pick"
    ctx.state["unit_id"] = view.unit.id


def _pick_question(ctx: Ctx, n: int, proposed: Item | None = None) -> str:
    if proposed is not None:
        return ctx.tr(
            "Save to <b>%(code)s</b> · %(title)s? Tap “Save to %(code)s”, or “Change "
            "criterion” to pick another.",
            code=proposed.code,
            title=clip(proposed.title, 60),
        )
    if n <= 1:
        return ctx.tr(
            "Which criterion is this file for? Tap it below or type its code (e.g. 1.2.3)."
        )
    return ctx.tr(
        "Which criterion are these %(n)s files for? Tap it below or type its code (e.g. 1.2.3).",
        n=n,
    )


def _pick_buttons(
    ctx: Ctx, view: UnitView, scope: Item | None, proposed: Item | None = None
) -> tuple[tuple[Button, ...], ...]:
    u = view.unit.id
    if proposed is not None and proposed.code in view.items:
        field = view.catalog.field_of(proposed.code) or ""
        save = ctx.text("📥 Save to %(code)s", code=proposed.code)
        title = clip(proposed.title, max(12, 44 - len(save)))
        return (
            (Button(f"{save} · {title}", f"ev:pk:{u}:{view.item_id(proposed.code)}"),),
            (
                Button(ctx.tr("🔀 Change criterion"), f"ev:pf:{u}:{field}"),
                Button(ctx.tr("✖ Cancel"), f"ev:px:{u}"),
            ),
        )
    rows: list[tuple[Button, ...]] = []
    if scope is not None:
        for leaf in [x for x in scope.leaves() if not x.is_survey][:30]:
            if leaf.code not in view.items:
                continue
            label = clip(f"{leaf.code} {leaf.title}", 48)
            rows.append((Button(label, f"ev:pk:{u}:{view.item_id(leaf.code)}"),))
    else:
        for f in view.catalog.fields:
            if not any(not x.is_survey for x in f.leaves()):
                continue
            rows.append((Button(clip(f"{f.code}. {f.title}", 48), f"ev:pf:{u}:{f.code}"),))
        for top in (*view.catalog.bonus, *view.catalog.penalty):
            rows.append((Button(clip(f"{top.code}. {top.title}", 48), f"ev:pf:{u}:{top.code}"),))
    bottom = [Button(ctx.tr("✖ Cancel"), f"ev:px:{u}")]
    if scope is not None:
        bottom.insert(0, Button(ctx.tr("☰ Other field"), f"ev:pf:{u}:"))
    rows.append(tuple(bottom))
    return tuple(rows)


def _nav_buttons(ctx: Ctx, view: UnitView, item: Item) -> tuple[tuple[Button, ...], ...]:
    u, i = view.unit.id, view.item_id(item.code)
    return (
        (
            Button(ctx.tr("📋 Open %(code)s", code=item.code), f"g:{u}:{i}"),
            Button(ctx.tr("Next ▶"), f"n:{u}:{i}"),
        ),
        (Button(ctx.tr("📂 Files of %(code)s", code=item.code), f"ev:ls:{u}:{i}:0"),),
    )


def _file_block(ctx: Ctx, meta: dict[str, Any]) -> str:
    """The per-file report: the name, then one verdict line (what was received, its signature
    and signing time, and any warning the verdict does not already say), then risky content."""
    params = dict(meta.get("params") or {})
    status = meta.get("status", "")
    icon = _STATUS_ICON.get(status, "📄")
    one_line = check_messages.ONE_LINE.get(status, meta["message"])
    parts = [_safe_tr(ctx, one_line, params)]
    if meta.get("signed_at"):
        parts.append(
            ctx.text(
                "Signed at %(time)s.",
                time=_when(ctx, datetime.fromisoformat(meta["signed_at"])),
            )
        )
    said = check_messages.SAID_BY_STATUS.get(status, frozenset())
    parts.extend(_safe_tr(ctx, w, params) for w in meta.get("warnings") or [] if w not in said)
    lines = [
        fmt("📄 <b>%(name)s</b>", name=meta["name"]),
        fmt("%(icon)s %(text)s", icon=icon, text=" ".join(parts)),
    ]
    if meta.get("risks"):
        lines.append(
            "🛡 " + esc(ctx.tr(check_messages.RISKY_FLAGGED, risks=_risk_names(ctx, meta["risks"])))
        )
    return join_lines(lines)


def _risk_names(ctx: Ctx, codes: object) -> str:
    """What was found in a risky PDF, in the reader's language."""
    labels = check_messages.RISK_LABELS
    found = [ctx.tr(labels[c]) for c in codes if c in labels] if isinstance(codes, list) else []
    return join_lines(found, ", ")


def _row_risks(row: m.Evidence) -> list[str]:
    detail = row.signature_detail if isinstance(row.signature_detail, dict) else {}
    risks = detail.get("risks")
    return [str(r) for r in risks] if isinstance(risks, list) else []


def _status_label(ctx: Ctx, row: m.Evidence) -> str:
    who = esc(row.signer or "?")
    when = _when(ctx, row.signed_at) if row.signed_at else "—"
    status = row.signature_status
    if status == "signed_intact":
        return ctx.tr("✅ signed, intact (%(signer)s, %(time)s)", signer=who, time=when)
    if status == "signed_modified":
        return ctx.tr(
            "❗ signed, but modified after signing (%(signer)s, %(time)s)", signer=who, time=when
        )
    if status == "unsigned":
        return ctx.tr("⚠️ unsigned")
    if status == "photo":
        return ctx.tr("📷 photo converted to PDF (unsigned)")
    return ctx.tr("❌ unreadable")


def _verdict_text(ctx: Ctx, message: str, params: dict[str, object]) -> str:
    return esc(_safe_tr(ctx, message, params))


def _refusal(ctx: Ctx, problem: str | None) -> str:
    """A refused file: its name, then why and what to send instead."""
    return fmt("❌ <b>%(name)s</b>\n", name=_incoming_name(ctx)) + (problem or "")


def _safe_tr(ctx: Ctx, message: str, params: dict[str, object]) -> str:
    fixed = {k: ctx.num(v) if isinstance(v, float) else v for k, v in params.items()}
    try:
        return ctx.tr(message, **fixed) if fixed else ctx.tr(message)
    except (KeyError, ValueError, TypeError):
        return ctx.tr(message)


def _incoming_name(ctx: Ctx) -> str:
    """The name the file is stored and shown under: the sender's name cleaned
    (:mod:`conversations.evidence_names`), or a dated one when there is none."""
    name = _clean_incoming(ctx)
    if name:
        return name
    stamp = ctx.now.astimezone(ctx.config.tz).strftime("%Y%m%d-%H%M%S")
    return f"photo-{stamp}.jpg" if ctx.event.kind == "photo" else f"document-{stamp}.pdf"


def _clean_incoming(ctx: Ctx) -> str:
    """The sender's file name, cleaned; "" when none was sent or nothing usable is left."""
    f = ctx.event.file
    return clean_file_name(f.name) if f is not None and f.name else ""


_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
_IMAGE_OR_PDF_EXT = re.compile(r"\.(pdf|jpe?g|png|webp|gif|bmp|tiff?|heic|heif)$", re.IGNORECASE)


def download_name(original: str) -> str:
    """The name a file is sent back under: the officer's own name (Vietnamese kept), without
    characters a file system refuses, always ending in .pdf (photos were converted)."""
    stem = _IMAGE_OR_PDF_EXT.sub("", " ".join(original.split()))
    stem = _UNSAFE_IN_NAME.sub("-", stem).strip(" .-")[:120]
    return (stem or "tai-lieu") + ".pdf"


def _name(row: m.Evidence) -> str:
    """A stored file's name as shown (rows from before upload cleaning are cleaned here)."""
    return shown_name(row.original_name)


def _bold_name(row: m.Evidence) -> Html:
    return bold(_name(row))


def _when(ctx: Ctx, value: datetime | None) -> str:
    if value is None:
        return "—"
    return value.astimezone(ctx.config.tz).strftime("%d/%m/%Y %H:%M")


def _size(ctx: Ctx, size: int) -> str:
    if size < 1024 * 1024:
        return ctx.tr("%(n)s KB", n=ctx.num(max(1, round(size / 1024))))
    return ctx.tr("%(n)s MB", n=ctx.num(round(size / (1024 * 1024), 1)))


def _fit(head: Html, blocks: list[str], limit: int = 3800) -> Html:
    """The head and as many blocks as fit in one Telegram message (the rest counted). The
    blocks are markup this module wrote (an album's come back from the state as plain str)."""
    text = head
    for n, block in enumerate(blocks):
        if len(text) + len(block) + 2 > limit:
            return text + fmt("\n\n… (+%(n)s)", n=len(blocks) - n)
        text += "\n\n" + Html(block)
    return text


def _stale(ctx: Ctx) -> None:
    ctx.toast(ctx.tr("This button is out of date. Type /evidence to see the files."))
