"""One item's appraisal card: self-score, declared value, explanation, evidence files and the
verdict so far, with the three verdict buttons.
"""

from __future__ import annotations

from conversations.callbacks import ReviewItem, ReviewQueue
from conversations.context import Ctx
from conversations.evidence_names import shown_name
from conversations.markup import clip, esc, fmt, join_lines
from conversations.replies import Button
from conversations.unitview import DONE, UnitView
from conversations.walk import describe, rule_text
from scoring.catalog import Item
from scoring.i18n import N_

MAX_FILES = 10
SIGNATURES = {
    "signed_intact": N_("✅ signed, intact"),
    "signed_modified": N_("⚠️ signed, but changed after signing"),
    "unsigned": N_("✖ not signed"),
    "unreadable": N_("⚠️ unreadable"),
    "photo": N_("📷 photo"),
}


def signature_text(tr, status: str) -> str:  # type: ignore[no-untyped-def]
    """A file's signature check in words, for the card, the files sent and the unit's sheet."""
    return tr(SIGNATURES[status]) if status in SIGNATURES else status


def show_card(ctx: Ctx, uf: UnitView, item: Item, prefix: str | None = None) -> None:
    ctx.state.mode = None
    text = card_text(ctx, uf, item)
    if prefix:
        text = prefix + "\n\n" + text
    ctx.say(text, buttons=card_buttons(ctx, uf, item))


def card_text(ctx: Ctx, uf: UnitView, item: Item) -> str:
    queue = uf.queue()
    lines: list[str] = [
        fmt("<b>%(name)s</b> (%(code)s) · ", name=uf.unit.name, code=uf.unit.code)
        + ctx.tr("%(n)s left to appraise here", n=len(queue))
    ]
    fcode = uf.catalog.field_of(item.code)
    fitem = uf.catalog.item(fcode) if fcode else None
    if fitem is not None:
        lines.append(fmt("<i>%(code)s. %(title)s</i>", code=fitem.code, title=ctx.title(fitem)))
    lines.append(fmt("<b>%(code)s · %(title)s</b>", code=item.code, title=ctx.title(item)))
    pts, applicable = uf.item_points(item)
    answer = uf.answer(item.code)
    if answer is None:
        self_text: str = ctx.tr("not answered (counts 0)")
    elif not applicable:
        self_text = ctx.tr("not applicable (left out of the max)")
    else:
        self_text = ctx.num(pts)
    lines.append(
        ctx.tr("Max points: %(max)s · self-score: %(self)s", max=ctx.num(item.max), self=self_text)
    )
    if item.rule or item.answer is not None:
        rule = item.rule or rule_text(ctx, item)
        lines.append(ctx.tr("📏 Rule: %(rule)s", rule=esc(clip(rule, 500))))
    if answer is not None:
        lines.append(ctx.tr("Declared: %(value)s", value=esc(describe(ctx, item, answer))))
    if item.evidence:
        lines.append(ctx.tr("📎 Evidence expected: %(evidence)s", evidence=esc(item.evidence)))
    ex = uf.explanations.get(item.code)
    if ex is not None:
        lines.append(ctx.tr("✍️ Explanation: “%(text)s”", text=esc(clip(ex.text, 700))))
    files = uf.evidence.get(item.code, [])
    if files:
        lines.append(ctx.tr("📄 Files (%(n)s):", n=len(files)))
        for e in files[:MAX_FILES]:
            lines.append(
                fmt(
                    "  • %(name)s — %(status)s",
                    name=shown_name(e.original_name),
                    status=signature_text(ctx.tr, e.signature_status),
                )
            )
    else:
        lines.append(ctx.tr("📄 No evidence files."))
    lines.append(_verdict_line(ctx, uf, item))
    return join_lines(lines)


def _verdict_line(ctx: Ctx, uf: UnitView, item: Item) -> str:
    ap = uf.appraisals.get(item.code)
    state = uf.state(item.code)
    if ap is None or state == "todo":
        return ctx.tr("Appraisal: not yet.")
    if ap.status in DONE:
        if ap.status == "adjusted":
            text = ctx.tr("Appraisal: ✏️ set to %(points)s.", points=ctx.points(ap.points))
            if ap.comment:
                text += " " + ctx.tr("Reason: %(reason)s", reason=esc(clip(ap.comment, 300)))
        elif ap.points is None:
            text = ctx.tr("Appraisal: ✅ accepted (not applicable).")
        else:
            text = ctx.tr("Appraisal: ✅ accepted, %(points)s.", points=ctx.points(ap.points))
        if state == "returned":
            text += "\n" + ctx.tr(
                "🔄 The unit changed its answer after this verdict; please look again."
            )
        return text
    text = ctx.tr(
        "Appraisal: 📎 more evidence asked by %(date)s: “%(comment)s”",
        date=ctx.date(ap.due_date) if ap.due_date else "—",
        comment=esc(ap.comment or ""),
    )
    if state == "returned":
        text += "\n" + ctx.tr("🔄 The unit has replied since; please look again.")
    elif ap.due_date is not None and ap.due_date < ctx.today:
        text += "\n" + ctx.tr("⏰ The due date has passed without a reply.")
    return text


def card_buttons(ctx: Ctx, uf: UnitView, item: Item) -> tuple[tuple[Button, ...], ...]:
    u, i = uf.unit.id, uf.item_id(item.code)
    pts, applicable = uf.item_points(item)
    accept = (
        ctx.tr("✅ Accept (%(points)s)", points=ctx.num(pts or 0))
        if applicable
        else ctx.tr("✅ Accept (not applicable)")
    )
    rows: list[tuple[Button, ...]] = [
        (
            Button(accept, ReviewItem("ok", u, i).pack()),
            Button(ctx.tr("✏️ Set points"), ReviewItem("set", u, i).pack()),
        ),
        (Button(ctx.tr("📎 Ask for more evidence"), ReviewItem("more", u, i).pack()),),
    ]
    n = len(uf.evidence.get(item.code, []))
    if n:
        rows.append(
            (Button(ctx.tr("📄 Send the files (%(n)s)", n=n), ReviewItem("files", u, i).pack()),)
        )
    rows.append(
        (
            Button(ctx.tr("Skip ▶"), ReviewItem("n", u, i).pack()),
            Button(ctx.tr("☰ Queue"), ReviewQueue().pack()),
        )
    )
    return tuple(rows)
