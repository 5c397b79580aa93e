"""Evidence buttons (``ev:…``): send a file back, remove it (asked first), count a whole PDF, and
the criterion picker for waiting files. Each press re-reads the row and the person's roles.
"""

from __future__ import annotations

import asyncio

from conversations import frozen
from conversations.callbacks import (
    EVIDENCE,
    EvidenceDrop,
    EvidenceField,
    EvidenceFile,
    EvidenceList,
    EvidencePick,
    first,
)
from conversations.callbacks.evidence import FileKind
from conversations.context import Ctx
from conversations.evidence.listing import render_list
from conversations.evidence.shared import (
    access_of,
    bold_row_name,
    evidence_store,
    item_of_row,
    nav_buttons,
    restore_mode,
    row_name,
    status_label,
)
from conversations.evidence.typed import finish_pick
from conversations.evidence.waiting import pick_buttons, pick_question
from conversations.evidence_names import download_name
from conversations.flow_state import Mode
from conversations.markup import esc, fmt
from conversations.replies import Button, OutgoingFile
from conversations.unitview import UnitView, load_view
from scoring.answers import needs_explanation
from scoring.catalog import Item
from storage.repositories.rows_evidence import EvidenceRow


async def on_callback(ctx: Ctx, parts: list[str]) -> None:
    """ev:d/r/rc/rx/sw:<evidence id> · ev:ls:<unit>:<node id>:<page> · ev:pk:<unit>:<item id>
    · ev:pf:<unit>:[<field>] · ev:px:<unit> (:mod:`conversations.callbacks.evidence`)."""
    pressed = first(":".join(parts), EVIDENCE)
    if pressed is None:
        return _stale(ctx)
    if isinstance(pressed, EvidenceFile):
        return await _file_button(ctx, pressed.kind, pressed.evidence)
    await _unit_button(ctx, pressed)


async def _file_button(ctx: Ctx, action: FileKind, evidence_id: int) -> None:
    """d: send the file back · r/rc/rx: remove it (asked first) · sw: the whole PDF counts."""
    row = await ctx.uow.evidence.get(evidence_id)
    if row is None:
        return _stale(ctx)
    unit = await ctx.uow.units.get(row.unit_id)
    if unit is None:
        return _stale(ctx)
    access = await access_of(ctx, unit)
    view = await load_view(ctx, unit.id)
    item = item_of_row(view, row) if view else None
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
            ctx.tr("Kept: %(name)s.", name=bold_row_name(row)),
            edit=True,
        )
        return
    return await _whole_document(ctx, view, item, row)


async def _unit_button(
    ctx: Ctx, pressed: EvidenceList | EvidencePick | EvidenceField | EvidenceDrop
) -> None:
    """ls: a page of the unit's files · pk/pf/px: the criterion picker for waiting files."""
    unit = await ctx.uow.units.get(pressed.unit)
    if unit is None:
        return _stale(ctx)
    if isinstance(pressed, EvidenceList):
        access = await access_of(ctx, unit)
        if not access.can_view:
            ctx.toast(ctx.tr("You cannot see the files of this unit."), alert=True)
            return
        view = await load_view(ctx, unit.id)
        if view is None:
            return _stale(ctx)
        node = view.item_by_id(pressed.node) if pressed.node else None
        text, buttons = await render_list(ctx, view, access, node, pressed.page)
        ctx.say(text, buttons=buttons, edit=True)
        return
    if not ctx.has_role("officer", unit.id):
        ctx.toast(ctx.tr("Only the unit's focal officers can change its files."), alert=True)
        return
    view = await load_view(ctx, unit.id)
    if view is None:
        return _stale(ctx)
    pend = ctx.state.ev_pending
    if isinstance(pressed, EvidenceDrop):
        n = len(pend.files) if pend is not None else 0
        ctx.state.ev_pending = None
        if ctx.state.mode == Mode.EV_PICK:
            ctx.state.mode = None
        ctx.say(ctx.tr("Dropped %(n)s waiting file(s); nothing was attached.", n=n), edit=True)
        return
    if pend is None or pend.unit != unit.id or not pend.files:
        ctx.toast(ctx.tr("No files are waiting any more. Send the file again."))
        return
    if isinstance(pressed, EvidenceField):
        field = view.catalog.item(pressed.field) if pressed.field else None
        ctx.state.mode = Mode.EV_PICK
        ctx.say(
            pick_question(ctx, len(pend.files)),
            buttons=pick_buttons(ctx, view, field),
            edit=True,
        )
        return
    target = view.item_by_id(pressed.item)
    if target is None or not target.is_leaf or target.is_survey:
        return _stale(ctx)
    await finish_pick(ctx, view, target)
    return


async def _send_file(ctx: Ctx, view: UnitView, item: Item, row: EvidenceRow) -> None:
    if row.removed_at is not None:
        ctx.toast(ctx.tr("This file was removed; it is kept only in the history."))
        return
    path = evidence_store(ctx).path(row.sha256)
    if not await asyncio.to_thread(path.is_file):
        ctx.say(
            ctx.tr(
                "The content of %(name)s is missing on the server. Please ask the unit to send "
                "it again.",
                name=bold_row_name(row),
            )
        )
        return
    caption = fmt("📄 <b>%(code)s</b> · %(name)s\n", code=item.code, name=row_name(row))
    caption += status_label(ctx, row)
    if row.section_ref:
        caption += "\n§ " + esc(row.section_ref)
    ctx.say(
        caption[:1000],
        document=OutgoingFile(str(path), download_name(row_name(row)), "application/pdf"),
    )


def _ask_remove(ctx: Ctx, item: Item, row: EvidenceRow) -> None:
    ctx.say(
        ctx.tr(
            "Remove %(name)s from %(code)s? It stays in the history, but no longer counts as "
            "evidence.",
            name=bold_row_name(row),
            code=esc(item.code),
        ),
        buttons=(
            (
                Button(ctx.tr("🗑 Yes, remove"), EvidenceFile("rc", row.id).pack()),
                Button(ctx.tr("Cancel"), EvidenceFile("rx", row.id).pack()),
            ),
        ),
    )


async def _remove(ctx: Ctx, view: UnitView, item: Item, row: EvidenceRow) -> None:
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
    await ctx.uow.evidence.remove(row.id, by=ctx.person.id, at=ctx.now)
    left = len(await ctx.uow.evidence.list_for_item(view.unit.id, row.item_id))
    view.evidence_counts[item.code] = left
    text = "🗑 " + ctx.tr(
        "Removed %(name)s from %(code)s (kept in the history). Files left: %(n)s.",
        name=bold_row_name(row),
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
    ctx.say(text, buttons=nav_buttons(ctx, view, item), edit=True)


async def _whole_document(ctx: Ctx, view: UnitView, item: Item, row: EvidenceRow) -> None:
    await ctx.uow.evidence.set_section(row.id, None)
    if ctx.state.mode == Mode.EV_SECTION and ctx.state.ev_sec == row.id:
        restore_mode(ctx)
    ctx.say(
        "✅ "
        + ctx.tr(
            "The whole of %(name)s counts as evidence for %(code)s.",
            name=bold_row_name(row),
            code=esc(item.code),
        ),
        buttons=nav_buttons(ctx, view, item),
        edit=True,
    )


def _stale(ctx: Ctx) -> None:
    ctx.toast(ctx.tr("This button is out of date. Type /evidence to see the files."))
