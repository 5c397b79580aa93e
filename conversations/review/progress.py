"""/review status: who appraises which fields and how far they are, the fields nobody
appraises, and (for Phòng Nội vụ) each unit's progress.
"""

from __future__ import annotations

from conversations.context import Ctx
from conversations.listing import say_long
from conversations.markup import esc
from conversations.review.assign_chat import field_title
from conversations.review.assignment import fields_of_period, scope_by_board, scope_for
from conversations.unitview import REVIEWABLE, UnitView, load_for_appraisal
from scoring.catalog import Catalog
from storage.repositories.rows import PersonRow


async def status(ctx: Ctx) -> None:
    """/review status: appraisers see their own progress; Phòng Nội vụ sees everyone's and
    every unit's, with the fields nobody has been assigned."""
    if not (ctx.is_admin or ctx.has_role("appraiser")):
        ctx.say(ctx.tr("Only Phòng Nội vụ and appraisers can see the appraisal progress."))
        return
    period = await ctx.uow.periods.latest()
    if period is None:
        ctx.say(ctx.tr("No assessment period has been set up yet."))
        return
    units = await ctx.uow.units.list_for_period(period.id)
    files: dict[int, UnitView] = {}
    for u in units:
        uf = await load_for_appraisal(ctx.uow, u.id)
        if uf is not None:
            files[u.id] = uf
    lines: list[str] = [ctx.tr("<b>Appraisal progress %(year)s</b>", year=period.year)]
    cats = list({id(uf.catalog): uf.catalog for uf in files.values()}.values())
    if period.published_at is not None:
        lines.append(ctx.tr("Results published; appraisals are closed."))
    people = await ctx.uow.people.with_role("appraiser") if ctx.is_admin else [ctx.person]
    lines.append("")
    lines.append(ctx.tr("<b>Appraisers</b>"))
    covered: dict[str, set[str]] = {"department": set(), "commune": set()}
    any_appraiser = False
    for p in people:
        scopes = await scope_by_board(ctx.uow, p, period.id)
        for b in covered:
            covered[b] |= scope_for(scopes, b)
        if not scopes:
            lines.append(ctx.tr("• %(name)s: no field assigned", name=esc(p.full_name)))
            continue
        any_appraiser = True
        lines.append(_appraiser_line(ctx, p, scopes, files, cats))
    if ctx.is_admin:
        lines += _admin_lines(ctx, files, covered, any_appraiser)
    say_long(ctx, lines)


def _appraiser_line(
    ctx: Ctx,
    p: PersonRow,
    scopes: dict[str | None, set[str]],
    files: dict[int, UnitView],
    cats: list[Catalog],
) -> str:
    """One appraiser: their fields per board and how far they are in the units they appraise."""
    c = {"todo": 0, "done": 0, "waiting": 0, "returned": 0}
    for uf in files.values():
        if uf.status not in (*REVIEWABLE, "published"):
            continue
        uf.scope = scope_for(scopes, uf.unit.board)
        if not uf.scope:
            continue
        for k, v in uf.counts().items():
            c[k] += v
        uf.scope = None
    what = "; ".join(
        f"{', '.join(field_title(cats, f, ctx.locale) for f in sorted(fs))} "
        f"({_board_short(ctx, b)})"
        for b, fs in sorted(scopes.items(), key=lambda kv: str(kv[0]))
    )
    total = sum(c.values())
    return ctx.tr(
        "• %(name)s — fields %(fields)s: %(done)s/%(total)s appraised · %(waiting)s "
        "waiting for evidence · %(returned)s replied",
        name=esc(p.full_name),
        fields=esc(what),
        done=c["done"],
        total=total,
        waiting=c["waiting"],
        returned=c["returned"],
    )


def _admin_lines(
    ctx: Ctx, files: dict[int, UnitView], covered: dict[str, set[str]], any_appraiser: bool
) -> list[str]:
    """For Phòng Nội vụ: the fields nobody appraises, then each unit's progress."""
    lines: list[str] = []
    if not any_appraiser:
        lines.append(ctx.tr("No appraiser has been assigned a field yet."))
    gaps = []
    for b, have in covered.items():
        on_board = {id(uf.catalog): uf.catalog for uf in files.values() if uf.unit.board == b}
        wanted = fields_of_period(on_board.values(), None)
        missing = [f for f in wanted if f not in have]
        if missing:
            named = ", ".join(field_title(on_board.values(), f, ctx.locale) for f in missing)
            gaps.append(f"{_board_short(ctx, b)}: {named}")
    if gaps:
        lines.append(ctx.tr("⚠️ Fields nobody appraises: %(gaps)s", gaps=esc("; ".join(gaps))))
    lines.append("")
    lines.append(ctx.tr("<b>Units</b>"))
    from conversations.submission import status_text

    for uf in files.values():
        c = uf.counts(scoped=False)
        total = sum(c.values())
        lines.append(
            ctx.tr(
                "• %(code)s %(unit)s (%(status)s): %(done)s/%(total)s appraised · "
                "%(waiting)s waiting for evidence · %(returned)s replied",
                code=esc(uf.unit.code),
                unit=esc(uf.unit.name),
                status=status_text(ctx, uf.status),
                done=c["done"],
                total=total,
                waiting=c["waiting"],
                returned=c["returned"],
            )
        )
    return lines


def _board_short(ctx: Ctx, board: str | None) -> str:
    if board is None:
        return ctx.tr("all boards")
    return {"department": ctx.tr("departments"), "commune": ctx.tr("communes")}.get(board, board)
