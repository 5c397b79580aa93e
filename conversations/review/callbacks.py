"""Appraisal buttons (``rv:…``): the queue, a unit, an item, skip, accept, set points, ask for
more evidence, send the files; the unit's reply button is answered in :mod:`unit_reply`.
"""

from __future__ import annotations

from decimal import Decimal

from conversations.callbacks import REVIEW, ReviewItem, ReviewQueue, ReviewUnit, first
from conversations.callbacks.review import ItemKind
from conversations.context import Ctx
from conversations.evidence_names import shown_name
from conversations.flow_state import Mode
from conversations.markup import esc, fmt
from conversations.replies import OutgoingFile
from conversations.review.card import MAX_FILES, show_card, signature_text
from conversations.review.queue import appraisable_unit, show_next, show_queue
from conversations.review.unit_reply import reply_start
from conversations.review.verdict import due_example, points_prompt, write_verdict
from conversations.unitview import UnitView
from scoring.catalog import Item
from storage.files import EvidenceStore


async def on_callback(ctx: Ctx, parts: list[str]) -> None:
    """The buttons of :mod:`conversations.callbacks.review`; the unit officer's reply is
    answered in :mod:`unit_reply`, everything else is the appraisers'."""
    pressed = first(":".join(parts), REVIEW)
    if isinstance(pressed, ReviewItem) and pressed.kind == "reply":
        await reply_start(ctx, pressed.unit, pressed.item)
        return
    if pressed is None:
        ctx.toast(ctx.tr("This button is out of date. Type /review again."))
        return
    if not (ctx.is_admin or ctx.has_role("appraiser")):
        ctx.toast(ctx.tr("Only appraisers can do this."), alert=True)
        return
    if isinstance(pressed, ReviewQueue):
        await show_queue(ctx)
        return
    uf = await appraisable_unit(ctx, pressed.unit)
    if uf is None:
        return
    if isinstance(pressed, ReviewUnit):
        await show_next(ctx, uf, None)
        return
    item = uf.appraisable_item(pressed.item)
    if item is None or not uf.in_scope(item):
        ctx.toast(ctx.tr("This button is out of date. Type /review again."))
        return
    await _item_button(ctx, uf, item, pressed.kind)


async def _item_button(ctx: Ctx, uf: UnitView, item: Item, action: ItemKind) -> None:
    """Open, skip, accept, set points, ask for more evidence, send the files."""
    if action == "g":
        show_card(ctx, uf, item)
    elif action == "n":
        await show_next(ctx, uf, item)
    elif action == "ok":
        await _accept(ctx, uf, item)
    elif action == "set":
        _typing(ctx, Mode.RV_POINTS, uf, item)
        ctx.say(points_prompt(ctx, item))
    elif action == "more":
        _typing(ctx, Mode.RV_DUE, uf, item)
        ctx.say(
            ctx.tr(
                "By when should %(unit)s send more evidence for %(code)s? Type the date, "
                "e.g. %(example)s.",
                unit=esc(uf.unit.name),
                code=item.code,
                example=due_example(ctx),
            )
        )
    elif action == "files":
        _send_files(ctx, uf, item)


def _typing(ctx: Ctx, mode: Mode, uf: UnitView, item: Item) -> None:
    """The appraiser is asked to type ``mode``'s value for ``item`` of ``uf``'s unit."""
    st = ctx.state
    st.mode, st.rv_unit, st.rv_item = mode, uf.unit.id, uf.item_id(item.code)


async def _accept(ctx: Ctx, uf: UnitView, item: Item) -> None:
    pts, applicable = uf.item_points(item)
    # a "not applicable" answer stays out of the max: accepted with no points of its own
    points = (pts or Decimal(0)) if applicable else None
    await write_verdict(ctx, uf, item, "accepted", points)
    shown = ctx.num(points) if points is not None else ctx.tr("not applicable")
    await show_next(
        ctx, uf, item, ctx.tr("✅ %(code)s accepted: %(points)s.", code=item.code, points=shown)
    )


def _send_files(ctx: Ctx, uf: UnitView, item: Item) -> None:
    store = EvidenceStore(ctx.config.data_dir / "evidence")
    files = uf.evidence.get(item.code, [])
    if not files:
        ctx.toast(ctx.tr("No evidence files."))
        return
    missing = []
    for e in files[:MAX_FILES]:
        caption = fmt(
            "%(code)s · %(name)s — %(status)s",
            code=item.code,
            name=shown_name(e.original_name),
            status=signature_text(ctx.tr, e.signature_status),
        )
        if e.signer:
            caption += "\n" + ctx.tr("Signed by %(signer)s", signer=esc(e.signer))
        try:
            path = store.path(e.sha256)
        except ValueError:
            path = None
        if path is None or not path.is_file():
            missing.append(shown_name(e.original_name))
            continue
        ctx.say(caption, document=OutgoingFile(str(path), shown_name(e.original_name), e.mime))
    if missing:
        ctx.say(
            ctx.tr(
                "These files are listed but not in the file store: %(names)s",
                names=esc(", ".join(missing)),
            )
        )
