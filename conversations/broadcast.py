"""/broadcast: a notice from Phòng Nội vụ to the units, with delivery and read receipts.

The admin writes the text, picks the audience with buttons (all units, board 1, board 2, the
units that have not submitted), sees how many people it reaches and confirms. The broadcast is
stored and fanned out in the same transaction: one outbox row per person
(key ``bc:{broadcast}:{person}``), delivered by the outbox dispatcher through the one paced
sender (429-aware; 403 marks the person unreachable without retrying). Each message has a
"✅ Đã nhận / Received" button (``ack:{broadcast}``) that records the acknowledgement.

The admin's report message counts delivered / acknowledged / waiting / unreachable, names the
unreachable people with their units so Nội vụ can phone them, and refreshes with 🔄.
Attaching a document is not supported yet (the outbox sends text messages only).
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections import defaultdict
from pathlib import Path

from conversations import reply_json
from conversations.callbacks import (
    BROADCAST,
    Ack,
    BroadcastAudience,
    BroadcastBack,
    BroadcastCancel,
    BroadcastReport,
    BroadcastSend,
    first,
)
from conversations.callbacks.broadcast import Audience
from conversations.context import Ctx
from conversations.flow_state import Mode, ModeFamily, NoticeDoc, NoticeDraft
from conversations.i18n import th
from conversations.markup import Html, clip, esc, fmt, italic, join_lines
from conversations.replies import Button, OutgoingFile, Reply
from scoring.i18n import N_
from storage.repositories.rows import PeriodRow, PersonRow, UnitRow
from storage.repositories.rows_plan import BroadcastRow

ACK_LABEL = "✅ Đã nhận / Received"  # both languages: recipients may not have chosen one
MAX_TEXT = 3500
DONE = frozenset({"submitted", "appraised", "published"})
AUDIENCES: dict[str, str] = {
    "all": N_("All units"),
    "department": N_("Board 1: departments"),
    "commune": N_("Board 2: communes"),
    "pending": N_("Units that have not submitted"),
}
UNREACHABLE_LIST = 30
REMINDER = N_("🔔 Reminder: please read and confirm.")


def notice_text(locale: str, text: str) -> str:
    """What a recipient reads: a header in their language, then the admin's words."""
    return th(locale, "📢 <b>Notice from Phòng Nội vụ</b>") + "\n\n" + esc(text)


# ------------------------------------------------------------------ recipients


async def audience_units(ctx: Ctx, period: PeriodRow | None, audience: str) -> list[UnitRow]:
    """The units an audience names, whether or not anyone of theirs has joined the bot."""
    if period is None or audience not in AUDIENCES:
        return []
    board = audience if audience in ("department", "commune") else None
    units = await ctx.uow.units.list_for_period(period.id, board)
    if audience == "pending":
        subs = await ctx.uow.submissions.list_for_period(period.id)
        units = [u for u in units if (subs[u.id].status if u.id in subs else "draft") not in DONE]
    return units


async def recipients(
    ctx: Ctx, period: PeriodRow | None, audience: str
) -> list[tuple[PersonRow, list[UnitRow]]]:
    """Officers and leaders of the audience's units (each person once, with their units)."""
    by_id = {u.id: u for u in await audience_units(ctx, period, audience)}
    if not by_id:
        return []
    rows = await ctx.uow.broadcasts.unit_people(list(by_id))
    people: dict[int, PersonRow] = {}
    their_units: dict[int, list[UnitRow]] = defaultdict(list)
    for unit_id, person in rows:
        if person.id == ctx.person.id:
            continue
        people[person.id] = person
        unit = by_id[unit_id]
        if unit not in their_units[person.id]:
            their_units[person.id].append(unit)
    return [(p, their_units[pid]) for pid, p in people.items()]


# ------------------------------------------------------------------ composing


async def start_cmd(ctx: Ctx, args: str = "") -> None:
    ctx.state.bc = NoticeDraft()
    if args.strip():
        await _take_text(ctx, args.strip())
        return
    ctx.state.mode = Mode.BC_TEXT
    ctx.say(
        ctx.tr(
            "📢 <b>New notice to the units</b>\nWrite the notice as one message. Next you "
            "choose who receives it and confirm; nothing is sent before that. /cancel stops."
        )
    )


async def on_text(ctx: Ctx, text: str) -> bool:
    """Typed text while composing: the notice's text (a new text replaces the draft)."""
    if not ctx.state.in_family(ModeFamily.BC):
        return False
    await _take_text(ctx, text.strip())
    return True


async def _take_text(ctx: Ctx, text: str) -> None:
    if len(text) > MAX_TEXT:
        ctx.state.mode = Mode.BC_TEXT
        ctx.say(
            ctx.tr(
                "The notice is %(n)s characters long; a Telegram message can carry about "
                "%(max)s. Please shorten it and send it again.",
                n=len(text),
                max=MAX_TEXT,
            )
        )
        return
    draft = ctx.state.bc
    ctx.state.bc = NoticeDraft(text, draft.doc if draft is not None else None)
    ctx.state.mode = Mode.BC_AUD
    await _ask_audience(ctx, edit=False)


async def on_file(ctx: Ctx) -> bool:
    """A document sent while composing is attached to the notice (its caption may be the text).

    The file is kept under data_dir/broadcasts by content hash; each recipient gets the notice
    text (with the Received button) and then the document, both through the outbox."""
    if not ctx.state.in_family(ModeFamily.BC) or not ctx.is_admin:
        return False
    f = ctx.event.file
    if f is None or ctx.file_data is None:
        ctx.say(
            ctx.tr(
                "I could not download this file from Telegram. Please send it again; "
                "nothing was saved."
            )
        )
        return True
    digest = hashlib.sha256(ctx.file_data).hexdigest()
    name = _safe_name(f.name or "thong-bao.pdf")
    folder = ctx.config.data_dir / "broadcasts"
    path = folder / f"{digest[:16]}-{name}"
    await asyncio.to_thread(_write, path, ctx.file_data)
    draft = ctx.state.bc or NoticeDraft()
    draft.doc = NoticeDoc(str(path), name, f.mime_type or "application/octet-stream")
    ctx.state.bc = draft
    ctx.say(ctx.tr("📎 Attached to the notice: %(name)s", name=esc(name)))
    caption = (f.caption or "").strip()
    if caption:
        await _take_text(ctx, caption)
    elif draft.text:
        ctx.state.mode = Mode.BC_AUD
        await _ask_audience(ctx, edit=False)
    else:
        ctx.state.mode = Mode.BC_TEXT
        ctx.say(ctx.tr("Now write the text of the notice as one message."))
    return True


def _safe_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().strip(".") or "thong-bao.pdf"
    return "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in base)[:100]


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def audience_label(ctx: Ctx, audience: str) -> str:
    return ctx.tr(AUDIENCES[audience]) if audience in AUDIENCES else audience


def _audience_button(ctx: Ctx, audience: Audience) -> Button:
    return Button(audience_label(ctx, audience), BroadcastAudience(audience).pack())


async def _ask_audience(ctx: Ctx, *, edit: bool) -> None:
    draft = ctx.state.bc or NoticeDraft()
    preview = italic(clip(draft.text or "", 300))
    ctx.say(
        ctx.tr("Who should receive this notice?") + "\n\n" + preview,
        buttons=(
            (_audience_button(ctx, "all"),),
            (_audience_button(ctx, "department"), _audience_button(ctx, "commune")),
            (_audience_button(ctx, "pending"),),
            (Button(ctx.tr("✖ Cancel"), BroadcastCancel().pack()),),
        ),
        edit=edit,
    )


async def _confirm(ctx: Ctx, audience: str) -> None:
    draft = ctx.state.bc or NoticeDraft()
    period = await ctx.uow.periods.latest()
    people = await recipients(ctx, period, audience)
    units = {u.id for _, us in people for u in us}
    nobody = [u for u in await audience_units(ctx, period, audience) if u.id not in units]
    back = (
        Button(ctx.tr("◀ Change audience"), BroadcastBack().pack()),
        Button(ctx.tr("✖ Cancel"), BroadcastCancel().pack()),
    )
    head = ctx.tr("Audience: %(audience)s", audience=audience_label(ctx, audience))
    if not people:
        ctx.state.mode = Mode.BC_AUD
        ctx.say(
            join_lines(
                [
                    head,
                    ctx.tr(
                        "Nobody to send to: no officer or leader of these units has joined the "
                        "bot yet."
                    ),
                    esc(_names(nobody)),
                ]
            ),
            buttons=(back,),
            edit=True,
        )
        return
    nonce = secrets.token_hex(4)
    draft.aud, draft.nonce = audience, nonce
    ctx.state.bc = draft
    ctx.state.mode = Mode.BC_CONFIRM
    lines: list[str] = [
        head,
        ctx.tr(
            "Recipients: %(people)s people in %(units)s units.",
            people=len(people),
            units=len(units),
        ),
    ]
    if nobody:
        lines.append(
            ctx.trn(
                "⚠️ %(n)s unit has nobody registered yet and will not receive it: %(units)s",
                "⚠️ %(n)s units have nobody registered yet and will not receive it: %(units)s",
                len(nobody),
                units=_names(nobody),
            )
        )
    lines += ["", notice_text(ctx.locale, draft.text or "")]
    ctx.say(
        join_lines(lines),
        buttons=(
            (
                Button(
                    ctx.tr("✅ Send to %(n)s people", n=len(people)), BroadcastSend(nonce).pack()
                ),
            ),
            back,
        ),
        edit=True,
    )


def _names(units: list[UnitRow], limit: int = 20) -> str:
    shown = ", ".join(f"{u.code} {u.name}" for u in units[:limit])
    return shown + (" …" if len(units) > limit else "")


async def _send(ctx: Ctx, nonce: str) -> None:
    draft = ctx.state.bc
    if ctx.state.mode != Mode.BC_CONFIRM or draft is None or draft.nonce != nonce:
        ctx.toast(ctx.tr("This notice was already sent or cancelled."))
        return
    audience = str(draft.aud)
    text = draft.text or ""
    doc = draft.doc
    period = await ctx.uow.periods.latest()
    people = await recipients(ctx, period, audience)
    ctx.state.mode = None
    ctx.state.bc = None
    if not people:
        ctx.say(ctx.tr("Nobody to send to any more; nothing was sent."), edit=True)
        return
    b = await ctx.uow.broadcasts.create(
        ctx.person.id, text, audience, period_id=period.id if period else None
    )
    await ctx.uow.broadcasts.confirm(b.id, ctx.now)
    for person, _units in people:
        loc = person.language or ctx.config.default_locale
        await ctx.uow.outbox.enqueue(
            f"bc:{b.id}:{person.id}",
            person.chat_id,
            reply_json.encode(Reply(notice_text(loc, text), buttons=_ack_button(b))),
            person=person,
            not_before=ctx.now,
            broadcast_id=b.id,
        )
        if doc is not None:
            await ctx.uow.outbox.enqueue(
                f"bc:{b.id}:{person.id}:doc",
                person.chat_id,
                reply_json.encode(
                    Reply("", document=OutgoingFile(doc.path, doc.name, doc.mime_type))
                ),
                kind="document",
                person=person,
                not_before=ctx.now,
            )
    await report(ctx, b, edit=True)


# ------------------------------------------------------------------ the live report


async def report(ctx: Ctx, b: BroadcastRow, *, edit: bool) -> None:
    rows = await ctx.uow.outbox.list_for_broadcast(b.id)
    by_status: dict[str, int] = defaultdict(int)
    for r in rows:
        by_status[r.status] += 1
    acked = [r for r in rows if r.acknowledged_at is not None]
    waiting = by_status["pending"] + by_status["sending"]
    person_ids = [r.person_id for r in rows if r.person_id is not None]
    names = {p.id: p.full_name for p in await ctx.uow.people.list_by_ids(person_ids)}
    units = await ctx.uow.broadcasts.unit_names(person_ids, b.period_id)
    audience = audience_label(ctx, b.audience)
    lines: list[str] = [
        ctx.tr("📢 <b>Notice #%(id)s</b> — %(audience)s", id=b.id, audience=audience),
        italic(clip(b.text, 80)),
        ctx.tr("Recipients: %(n)s", n=len(rows)),
        ctx.tr(
            "✅ Delivered: %(sent)s · 👍 Acknowledged: %(acked)s · ⏳ Waiting: %(waiting)s",
            sent=by_status["sent"],
            acked=len(acked),
            waiting=waiting,
        ),
    ]
    unreachable = [r for r in rows if r.status == "unreachable"]
    if unreachable:
        lines.append(
            ctx.tr(
                "⛔ Unreachable: %(n)s (blocked the bot or never started it) — please phone them:",
                n=len(unreachable),
            )
        )
        for r in unreachable[:UNREACHABLE_LIST]:
            who = names.get(r.person_id or 0, str(r.chat_id))
            where = ", ".join(units.get(r.person_id or 0, [])) or "—"
            lines.append(fmt("• %(who)s — %(where)s", who=who, where=where))
        if len(unreachable) > UNREACHABLE_LIST:
            lines.append("…")
    if by_status["failed"]:
        lines.append(ctx.tr("❌ Failed: %(n)s", n=by_status["failed"]))
    acked_units = {u for r in acked for u in units.get(r.person_id or 0, [])}
    all_units = sorted({u for r in rows for u in units.get(r.person_id or 0, [])})
    silent_units = [u for u in all_units if u not in acked_units]
    if silent_units and not waiting:
        lines.append(
            ctx.tr(
                "Units with no acknowledgement yet (%(n)s): %(units)s",
                n=len(silent_units),
                units=esc(", ".join(silent_units[:20]) + (" …" if len(silent_units) > 20 else "")),
            )
        )
    silent = [r for r in rows if r.acknowledged_at is None and r.status != "unreachable"]
    if silent:
        lines.append(ctx.tr("⏳ Not acknowledged yet (%(n)s):", n=len(silent)))
        for r in silent[:UNREACHABLE_LIST]:
            who = names.get(r.person_id or 0, str(r.chat_id))
            where = ", ".join(units.get(r.person_id or 0, [])) or "—"
            lines.append(fmt("• %(who)s — %(where)s", who=who, where=where))
        if len(silent) > UNREACHABLE_LIST:
            lines.append("…")
    lines.append(
        ctx.tr("Updated %(time)s", time=ctx.now.astimezone(ctx.config.tz).strftime("%H:%M:%S"))
    )
    buttons = [(Button(ctx.tr("🔄 Refresh"), BroadcastReport("report", b.id).pack()),)]
    behind = len(silent) + len(unreachable)
    if behind:
        label = ctx.trn("🔔 Remind this person", "🔔 Remind these %(n)s people", behind)
        buttons.append((Button(label, BroadcastReport("remind", b.id).pack()),))
    ctx.say(join_lines(lines), buttons=tuple(buttons), edit=edit)


async def remind(ctx: Ctx, b: BroadcastRow) -> None:
    """Send the notice again to those who have not acknowledged it or could not be reached;
    their ✅ button acknowledges the original, so the report counts each person once."""
    rows = await ctx.uow.outbox.list_for_broadcast(b.id)
    behind = [r for r in rows if r.acknowledged_at is None and r.person_id is not None]
    people = await ctx.uow.people.list_by_ids([r.person_id for r in behind if r.person_id])
    for person in people:
        loc = person.language or ctx.config.default_locale
        text = th(loc, REMINDER) + "\n" + notice_text(loc, b.text)
        await ctx.uow.outbox.enqueue(
            f"bc:{b.id}:{person.id}:remind:{ctx.now.isoformat()}",
            person.chat_id,
            reply_json.encode(Reply(text, buttons=_ack_button(b))),
            person=person.id,
            not_before=ctx.now,
        )
    said = ctx.trn(
        "🔔 Reminded %(n)s person of notice #%(id)s.",
        "🔔 Reminded %(n)s people of notice #%(id)s.",
        len(people),
        id=b.id,
    )
    ctx.toast(said)
    ctx.say(said)


# ------------------------------------------------------------------ buttons


def _ack_button(b: BroadcastRow) -> tuple[tuple[Button, ...], ...]:
    """The notice's one button: "received" (the recipient's language is not known here, so the
    label is the bilingual ACK_LABEL)."""
    return ((Button(ACK_LABEL, Ack(b.id).pack()),),)


async def on_callback(ctx: Ctx, parts: list[str]) -> None:
    pressed = first(":".join(parts), BROADCAST)
    composing = ctx.state.mode in (Mode.BC_AUD, Mode.BC_CONFIRM)
    if isinstance(pressed, BroadcastReport):
        b = await ctx.uow.broadcasts.get(pressed.broadcast)
        if b is None:
            ctx.toast(ctx.tr("This button is out of date."))
        elif pressed.kind == "remind":
            await remind(ctx, b)
        else:
            await report(ctx, b, edit=True)
        return
    if isinstance(pressed, BroadcastCancel):
        if composing:
            ctx.state.mode = None
            ctx.state.bc = None
            ctx.say(ctx.tr("Cancelled; nothing was sent."), edit=True)
        else:
            ctx.toast(ctx.tr("This notice was already sent or cancelled."))
        return
    if pressed is None:
        ctx.toast(ctx.tr("This button is out of date."))
    elif not composing or ctx.state.bc is None or not ctx.state.bc.text:
        ctx.toast(ctx.tr("This notice was already sent or cancelled."))
    elif isinstance(pressed, BroadcastAudience):
        await _confirm(ctx, pressed.audience)
    elif isinstance(pressed, BroadcastBack):
        ctx.state.mode = Mode.BC_AUD
        await _ask_audience(ctx, edit=True)
    else:
        await _send(ctx, pressed.nonce)


async def on_ack(ctx: Ctx, parts: list[str]) -> None:
    """ "Đã nhận / Received": record that this person read the broadcast (:class:`Ack`)."""
    pressed = Ack.unpack(":".join(parts))
    key = f"bc:{pressed.broadcast}:{ctx.person.id}" if pressed is not None else None
    row = await ctx.uow.outbox.get_by_key(key) if key is not None else None
    if row is None:
        ctx.toast(ctx.tr("This button is out of date."))
        return
    if row.acknowledged_at is not None:
        ctx.toast(ctx.tr("Already confirmed. Thank you!"))
        return
    await ctx.uow.outbox.acknowledge(row.id, ctx.now)
    ctx.toast(ctx.tr("Thank you! Phòng Nội vụ can see that you received it."))
    stamp = ctx.now.astimezone(ctx.config.tz)
    received = ctx.tr(
        "✅ Received %(date)s %(time)s", date=ctx.date(stamp.date()), time=stamp.strftime("%H:%M")
    )
    sent = Html(row.payload.get("text", ""))  # the notice as it was sent: already markup
    ctx.say(sent + "\n\n" + received, edit=True)
