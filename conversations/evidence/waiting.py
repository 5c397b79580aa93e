"""Files waiting for their criterion: kept in the conversation state (their content is already in
the store) while the officer is asked which criterion they prove, with one tap for the open
card's item or a list of the field's criteria.
"""

from __future__ import annotations

import copy
from typing import Any

from conversations.callbacks import EvidenceDrop, EvidenceField, EvidencePick
from conversations.context import Ctx
from conversations.flow_state import CARD_MODES, Mode, WaitingFiles
from conversations.markup import clip
from conversations.replies import Button
from conversations.unitview import UnitView
from scoring.catalog import Item


def pending_files(ctx: Ctx, view: UnitView) -> list[dict[str, Any]]:
    pend = ctx.state.ev_pending
    if pend is None or pend.unit != view.unit.id:
        return []
    return copy.deepcopy(pend.files)


def set_pending(
    ctx: Ctx,
    view: UnitView,
    files: list[dict[str, Any]],
    scope: Item | None,
    proposed: Item | None = None,
) -> None:
    """Keep the checked files waiting for their criterion; ``back`` remembers the card mode
    the officer was in, restored when the proposed item is confirmed."""
    old = ctx.state.ev_pending
    mode = ctx.state.mode
    back = (old.back if old is not None else None) if mode == Mode.EV_PICK else mode
    ctx.state.ev_pending = WaitingFiles(
        view.unit.id,
        files,
        scope.code if scope is not None else None,
        proposed.code if proposed is not None else None,
        back if back in CARD_MODES else None,
    )
    ctx.state.mode = Mode.EV_PICK
    ctx.state.unit_id = view.unit.id


def pick_question(ctx: Ctx, n: int, proposed: Item | None = None) -> str:
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


def pick_buttons(
    ctx: Ctx, view: UnitView, scope: Item | None, proposed: Item | None = None
) -> tuple[tuple[Button, ...], ...]:
    u = view.unit.id
    if proposed is not None and proposed.code in view.items:
        field = view.catalog.field_of(proposed.code) or ""
        save = ctx.text("📥 Save to %(code)s", code=proposed.code)
        title = clip(proposed.title, max(12, 44 - len(save)))
        return (
            (Button(f"{save} · {title}", EvidencePick(u, view.item_id(proposed.code)).pack()),),
            (
                Button(ctx.tr("🔀 Change criterion"), EvidenceField(u, field).pack()),
                Button(ctx.tr("✖ Cancel"), EvidenceDrop(u).pack()),
            ),
        )
    rows: list[tuple[Button, ...]] = []
    if scope is not None:
        for leaf in [x for x in scope.leaves() if not x.is_survey][:30]:
            if leaf.code not in view.items:
                continue
            label = clip(f"{leaf.code} {leaf.title}", 48)
            rows.append((Button(label, EvidencePick(u, view.item_id(leaf.code)).pack()),))
    else:
        for f in view.catalog.fields:
            if not any(not x.is_survey for x in f.leaves()):
                continue
            rows.append(
                (Button(clip(f"{f.code}. {f.title}", 48), EvidenceField(u, f.code).pack()),)
            )
        for top in (*view.catalog.bonus, *view.catalog.penalty):
            rows.append(
                (Button(clip(f"{top.code}. {top.title}", 48), EvidenceField(u, top.code).pack()),)
            )
    bottom = [Button(ctx.tr("✖ Cancel"), EvidenceDrop(u).pack())]
    if scope is not None:
        bottom.insert(0, Button(ctx.tr("☰ Other field"), EvidenceField(u).pack()))
    rows.append(tuple(bottom))
    return tuple(rows)
