"""A file arriving in the chat: checked before and after download, stored once by its SHA-256,
and filed under the caption's item, or held while the officer is asked (one reply per album).
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from conversations import reply_json
from conversations.context import Ctx
from conversations.evidence.attach import (
    attach_and_reply,
    attach_one,
    file_block,
    fit_blocks,
    safe_tr,
)
from conversations.evidence.shared import (
    evidence_store,
    leaf_of,
    nav_buttons,
    node_of,
    risk_names,
)
from conversations.evidence.waiting import pending_files, pick_buttons, pick_question, set_pending
from conversations.evidence_check import (
    MAX_BOT_DOWNLOAD,
    FileVerdict,
    check_declared_size,
    inspect_file_async,
)
from conversations.evidence_check.limits import too_large_verdict
from conversations.evidence_check.verdict import REASON_RISKY_PDF
from conversations.evidence_names import clean_file_name, escape_name
from conversations.flow_state import CARD_MODES, WAITING_ON_CARD, Album, Mode
from conversations.markup import Html, clip, esc, fmt
from conversations.replies import Button, Reply
from conversations.unitview import UnitView, active_unit, load_view
from scoring.catalog import Item

log = logging.getLogger(__name__)
ALBUM_DELAY = timedelta(seconds=3)
MAX_PENDING = 20
# an item code at the start of a caption: "1.2.3 Kế hoạch…", "#1.2.3", "3.2: ảnh niêm yết"
CAPTION_RE = re.compile(
    r"^\s*#?([0-9]+(?:\.[0-9A-Za-z]+)*|[A-Za-z]\.[0-9]+(?:\.[0-9A-Za-z]+)*)(?=$|[\s:,;–—-])"
)


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
    album = st.ev_album if album_id else None
    if album is not None and (album.id != album_id or album.unit != unit_id):
        album = None
    if not album_id:
        st.ev_album = None

    proposed: Item | None = None
    if album is None:
        item, scope, note, proposed = _target(ctx, view, f.caption)
    else:
        item = leaf_of(view, album.item) if album.item else None
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
        ctx.say(_refusal(ctx, problem))  # two lines: the file, then why and what to send
        return
    if target.item is not None:
        await attach_and_reply(
            ctx, view, target.item, [meta], by_card=_on_card(ctx, target.item), by_caption=True
        )
        return
    pending = pending_files(ctx, view)
    if ctx.state.mode != Mode.EV_PICK:
        pending = []
    pending.append(meta)
    set_pending(ctx, view, pending[-MAX_PENDING:], target.scope, target.proposed)
    text = file_block(ctx, meta) + "\n\n"
    if target.note:
        text += target.note + "\n"
    text += pick_question(ctx, len(pending), target.proposed)
    ctx.say(text, buttons=pick_buttons(ctx, view, target.scope, target.proposed))


async def _album(
    ctx: Ctx,
    view: UnitView,
    album_id: str,
    album: Album | None,
    target: Target,
    meta: dict[str, Any] | None,
    problem: str | None,
) -> None:
    item, scope, note = target.item, target.scope, target.note
    if album is None:
        album = Album(
            album_id,
            view.unit.id,
            f"ev-album:{ctx.person.id}:{album_id}"[:255],
            item.code if item is not None else None,
            scope.code if scope is not None else None,
            target.proposed.code if target.proposed is not None else None,
            note,
        )
        if item is None and ctx.state.mode != Mode.EV_PICK:
            set_pending(ctx, view, [], scope, target.proposed)  # files already waiting are kept
    scope = node_of(view, album.scope)
    proposed = leaf_of(view, album.proposed)
    if meta is None:
        block = _refusal(ctx, problem)
        album.bad += 1
    elif item is not None:
        block, new, _row = await attach_one(ctx, view, item, meta)
        album.ok += int(new)
    else:
        pending = pending_files(ctx, view)
        pending.append(meta)
        set_pending(ctx, view, pending[-MAX_PENDING:], scope, proposed)
        block = file_block(ctx, meta)
        album.ok += 1
    album.blocks = [*album.blocks, block][-MAX_PENDING:]
    if item is not None:
        if _on_card(ctx, item) and ctx.state.mode in WAITING_ON_CARD:
            ctx.state.mode = Mode.WALK
        head = ctx.tr(
            "📎 Files for <b>%(code)s</b> · %(title)s: %(ok)s attached, %(bad)s refused.",
            code=esc(item.code),
            title=esc(clip(item.title, 80)),
            ok=album.ok,
            bad=album.bad,
        )
        buttons = nav_buttons(ctx, view, item)
        late_text: str = head + "\n\n" + block
    else:
        waiting = len(pending_files(ctx, view))
        # the note and blocks are this module's own markup, kept in the state as plain str
        head = Html(album.note or "") + ("\n" if album.note else "")
        head += pick_question(ctx, waiting, proposed) if waiting else ""
        buttons = pick_buttons(ctx, view, scope, proposed) if waiting else ()
        if not waiting and ctx.state.mode == Mode.EV_PICK:
            ctx.state.mode = None  # every file was refused: nothing to ask about
        late_text = block + ("\n\n" + pick_question(ctx, waiting, proposed) if waiting else "")
    text = fit_blocks(head, album.blocks)
    ctx.state.ev_album = album
    if not await _queue_album_reply(ctx, album.key, text, buttons):
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
        key, ctx.person.chat_id, payload, person=ctx.person.id, not_before=not_before
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
        return None, esc(ctx.tr(verdict.message, risks=risk_names(ctx, verdict.risks)))
    if not verdict.accepted or verdict.pdf_bytes is None:
        return None, _verdict_text(ctx, verdict.message, verdict.params)
    data = verdict.pdf_bytes
    try:
        sha, _rel = await asyncio.to_thread(evidence_store(ctx).put, data)
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
    current = leaf_of(view, ctx.state.item)
    proposed = None
    if ctx.state.mode in CARD_MODES and current is not None:
        proposed = current
    elif ctx.state.mode == Mode.EV_PICK:
        pending = ctx.state.ev_pending
        proposed = leaf_of(view, pending.proposed if pending is not None else None)
    scope = None
    if current is not None:
        field_code = view.catalog.field_of(current.code)
        scope = view.catalog.item(field_code) if field_code else None
    return None, scope, None, proposed


def _on_card(ctx: Ctx, item: Item) -> bool:
    """The item's card is the one open (the file was sent while looking at it)."""
    return ctx.state.mode in CARD_MODES and ctx.state.item == item.code


def _verdict_text(ctx: Ctx, message: str, params: dict[str, object]) -> str:
    return esc(safe_tr(ctx, message, params))


def _refusal(ctx: Ctx, problem: str | None) -> str:
    """A refused file: its name, then why and what to send instead."""
    return fmt("❌ <b>%(name)s</b>\n", name=_incoming_name(ctx)) + (problem or "")


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
