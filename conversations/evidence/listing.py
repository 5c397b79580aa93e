"""/evidence: one unit's files, per criterion, a page at a time, with buttons to fetch or remove
each (appraisers see only the fields assigned to them).
"""

from __future__ import annotations

from dataclasses import replace

from conversations.callbacks import EvidenceFile, EvidenceList
from conversations.context import Ctx
from conversations.evidence.export import export_cmd
from conversations.evidence.shared import (
    Access,
    access_of,
    risk_names,
    row_name,
    size_text,
    status_label,
    when_text,
)
from conversations.markup import clip, esc, fmt, join_lines
from conversations.replies import Button
from conversations.unitview import UnitView, active_unit, load_view
from conversations.walk import CODE_RE
from scoring.catalog import Item
from storage.repositories.rows import UnitRow
from storage.repositories.rows_evidence import EvidenceRow

PAGE_SIZE = 8


async def list_cmd(ctx: Ctx, args: str) -> None:
    """/evidence [UNIT] [CODE | all] — list files; /evidence export UNIT|BOARD|all — the pack."""
    tokens = args.split()
    if tokens and tokens[0].lower() in ("export", "xuat", "xuất"):
        await export_cmd(ctx, tokens[1:])
        return
    own = await active_unit(ctx, ("officer", "leader"))
    unit: UnitRow | None = None
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
    access = await access_of(ctx, unit)
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
    elif not tokens and unit.id == own and ctx.state.item is not None:
        node = view.catalog.item(ctx.state.item)
    text, buttons = await render_list(ctx, view, access, node, 0)
    ctx.say(text, buttons=buttons)


async def render_list(
    ctx: Ctx, view: UnitView, access: Access, node: Item | None, page: int
) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    files = await ctx.uow.evidence.list_for_unit(view.unit.id)
    scope = {x.code for x in node.leaves()} if node is not None else None
    order = [leaf.code for leaf in view.catalog.leaves()]
    order += sorted(c for c in files if c not in set(order))
    flat: list[tuple[str, EvidenceRow]] = []
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
    return join_lines(lines), _list_buttons(access, chunk, pages, EvidenceList(u, node_id, page))


def _list_buttons(
    access: Access,
    chunk: list[tuple[int, tuple[str, EvidenceRow]]],
    pages: int,
    here: EvidenceList,
) -> tuple[tuple[Button, ...], ...]:
    """Fetch (and, for the unit's officers, remove) buttons per file, four to a row, then the
    page arrows; ``here`` is the page shown."""
    rows: list[tuple[Button, ...]] = []
    pair: list[Button] = []
    for n, (_code, row) in chunk:
        pair.append(Button(f"⬇️ {n + 1}", EvidenceFile("d", row.id).pack()))
        if access.can_edit:
            pair.append(Button(f"🗑 {n + 1}", EvidenceFile("r", row.id).pack()))
        if len(pair) >= 4:
            rows.append(tuple(pair))
            pair = []
    if pair:
        rows.append(tuple(pair))
    if pages > 1:
        nav = []
        if here.page > 0:
            nav.append(Button("◀", replace(here, page=here.page - 1).pack()))
        if here.page < pages - 1:
            nav.append(Button("▶", replace(here, page=here.page + 1).pack()))
        rows.append(tuple(nav))
    return tuple(rows)


def _listed_file(ctx: Ctx, n: int, row: EvidenceRow, sender: str) -> list[str]:
    """One file in /evidence: its number and name, its check, risks, sender and section."""
    detail = [status_label(ctx, row)]
    if row.pages:
        detail.append(ctx.tr("%(n)s page(s)", n=row.pages))
    detail.append(size_text(ctx, row.size))
    lines: list[str] = [
        fmt("%(n)s. 📄 %(name)s", n=n + 1, name=row_name(row)),
        "    " + join_lines(detail, " · "),
    ]
    if risks := _row_risks(row):
        risky = ctx.tr("Risky content: %(risks)s", risks=risk_names(ctx, risks))
        lines.append("    🛡 " + esc(risky))
    sent = ctx.tr(
        "sent by %(who)s, %(when)s", who=esc(sender), when=when_text(ctx, row.uploaded_at)
    )
    if row.section_ref:
        sent += " · § " + esc(row.section_ref)
    lines.append("    " + sent)
    return lines


async def _unit_by_code(ctx: Ctx, code: str, own: int | None) -> UnitRow | None:
    uow = ctx.uow
    period = None
    if own is not None:
        own_unit = await uow.units.get(own)
        period = await uow.periods.get(own_unit.period_id) if own_unit else None
    period = period or await uow.periods.latest()
    if period is None:
        return None
    return await uow.units.get_by_code(period.id, code)


def _row_risks(row: EvidenceRow) -> list[str]:
    detail = row.signature_detail if isinstance(row.signature_detail, dict) else {}
    risks = detail.get("risks")
    return [str(r) for r in risks] if isinstance(risks, list) else []
