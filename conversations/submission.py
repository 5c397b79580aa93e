"""Progress, submission (nộp) and withdrawal (rút lại) of a unit's self-assessment.

Submitting locks the unit's answers so the council appraises exactly what was declared; the
leaders are told through the outbox, in the same transaction as the status change.
"""

from __future__ import annotations

from conversations import frozen
from conversations.class_reason import class_shown
from conversations.context import Ctx, Notice
from conversations.i18n import th
from conversations.listing import criteria_list
from conversations.markup import clip, fmt, join_lines
from conversations.replies import Button
from conversations.unitview import UnitView, active_unit, load_view, load_view_or_explain
from storage import models as m

PAGE = 15


async def _view(ctx: Ctx, roles: tuple[str, ...]) -> UnitView | None:
    unit_id = await active_unit(ctx, roles)
    if unit_id is None:
        ctx.say(
            ctx.tr(
                "You are not registered with a unit. Open the invite link from Phòng Nội vụ "
                "to join."
            )
        )
        return None
    return await load_view_or_explain(ctx, unit_id)


async def progress(ctx: Ctx, page: int = 0) -> None:
    view = await _view(ctx, ("officer", "leader"))
    if view is None:
        return
    lines: list[str] = [ctx.tr("<b>%(unit)s</b> — self-assessment progress", unit=view.unit.name)]
    for f in view.catalog.fields:
        leaves = view.answerable(f)
        if not any(not x.is_survey for x in f.leaves()):
            lines.append(
                ctx.tr("%(code)s. %(title)s: survey only", code=f.code, title=ctx.title(f))
            )
            continue
        done = sum(1 for x in leaves if x.code in view.answers)
        pts = sum((view.answers[x.code].points or 0 for x in leaves if x.code in view.answers), 0)
        mx = sum((x.max for x in leaves), 0)
        mark = "✅" if done == len(leaves) else "▫️"
        lines.append(
            fmt(
                "%(mark)s %(code)s. %(title)s: %(done)s/%(of)s · %(points)s/%(max)s",
                mark=mark,
                code=f.code,
                title=clip(ctx.title(f), 38),
                done=done,
                of=len(leaves),
                points=ctx.num(pts),
                max=ctx.num(mx),
            )
        )
    walk = view.walk
    missing = [x for x in walk if x.code not in view.answers]
    got, total = view.self_points()
    lines.append("")
    lines.append(
        ctx.tr(
            "Answered %(done)s/%(total)s · declared %(got)s/%(max)s points",
            done=len(walk) - len(missing),
            total=len(walk),
            got=ctx.num(got),
            max=ctx.num(total),
        )
    )
    result = view.result()
    lines.append(
        ctx.tr(
            "Preliminary index: %(index)s (%(cls)s)",
            index=ctx.num(result.index),
            cls=class_shown(ctx.locale, view.catalog, result),
        )
    )
    risk = view.at_risk()
    if risk:
        pts = sum((view.answers[x.code].points or 0 for x in risk), 0)
        lines.append(
            ctx.tr(
                "⚠️ Points at risk: %(points)s on %(n)s criteria without evidence or "
                "explanation: %(codes)s",
                points=ctx.num(pts),
                n=len(risk),
                codes=criteria_list(ctx, [x.code for x in risk], 20),
            )
        )
    buttons: list[tuple[Button, ...]] = []
    if missing:
        chunk = missing[page * PAGE : (page + 1) * PAGE]
        lines.append(ctx.tr("Not answered yet (%(n)s):", n=len(missing)))
        lines.append(", ".join(x.code for x in chunk))
        nav = []
        if page > 0:
            nav.append(Button(ctx.tr("◀ Previous"), f"pg:{view.unit.id}:{page - 1}"))
        if (page + 1) * PAGE < len(missing):
            nav.append(Button(ctx.tr("More ▶"), f"pg:{view.unit.id}:{page + 1}"))
        if nav:
            buttons.append(tuple(nav))
    status = view.submission.status if view.submission else "draft"
    lines.append(ctx.tr("Status: %(status)s", status=status_text(ctx, status)))
    if view.deadline is not None:
        lines.append(ctx.tr("Deadline: %(date)s", date=ctx.date(view.deadline)))
    ctx.say(join_lines(lines), buttons=tuple(buttons), edit=ctx.is_callback)


def status_text(ctx: Ctx, status: str) -> str:
    return {
        "draft": ctx.tr("in progress"),
        "submitted": ctx.tr("submitted"),
        "reopened": ctx.tr("reopened by Phòng Nội vụ"),
        "appraised": ctx.tr("appraised"),
        "published": ctx.tr("results published"),
    }.get(status, status)


async def submit(ctx: Ctx) -> None:
    view = await _view(ctx, ("officer",))
    if view is None:
        return
    if view.period.published_at is not None:
        frozen.say_published(ctx, view.period.year)
        return
    if view.locked:
        ctx.say(
            ctx.tr(
                "The unit has already submitted. Use /withdraw to reopen it before the deadline."
            )
        )
        return
    today = ctx.today
    if view.past_deadline(today):
        assert view.deadline is not None
        ctx.say(
            ctx.tr(
                "The self-assessment deadline (%(date)s) has passed. Ask Phòng Nội vụ to "
                "reopen the unit.",
                date=ctx.date(view.deadline),
            )
        )
        return
    result = view.result()
    missing = [x for x in view.walk if x.code not in view.answers]
    risk = view.at_risk()
    lines = [
        ctx.tr("<b>Submit the self-assessment of %(unit)s?</b>", unit=view.unit.name),
        ctx.tr(
            "Preliminary index: %(index)s (%(cls)s)",
            index=ctx.num(result.index),
            cls=class_shown(ctx.locale, view.catalog, result),
        ),
    ]
    if result.pending:
        lines.append(ctx.tr("Survey points are not included yet."))
    if missing:
        lines.append(
            ctx.tr(
                "⚠️ %(n)s criteria are not answered and will count 0: %(codes)s",
                n=len(missing),
                codes=criteria_list(ctx, [x.code for x in missing]),
            )
        )
    if risk:
        lines.append(
            ctx.tr(
                "⚠️ %(n)s criteria claim points without evidence or explanation: %(codes)s",
                n=len(risk),
                codes=criteria_list(ctx, [x.code for x in risk]),
            )
        )
    lines.append(ctx.tr("After submitting, answers are locked until the unit withdraws."))
    ctx.state["mode"] = "submit"
    u = view.unit.id
    ctx.say(
        join_lines(lines),
        buttons=(
            (Button(ctx.tr("✅ Confirm and submit"), f"s:ok:{u}"),),
            (Button(ctx.tr("✖ Not yet"), f"s:no:{u}"),),
        ),
    )


async def on_callback(ctx: Ctx, parts: list[str]) -> None:
    kind = parts[0]
    if kind == "pg" and len(parts) == 3:  # pg:<unit>:<page>; s|w:<ok|no>:<unit>
        parts = [kind, parts[2], parts[1]]
    action = parts[1] if len(parts) > 1 else ""
    try:
        unit_id = int(parts[2])
    except (IndexError, ValueError):
        ctx.toast(ctx.tr("This button is out of date."))
        return
    if kind == "pg":
        if not (ctx.has_role("officer", unit_id) or ctx.has_role("leader", unit_id)):
            ctx.toast(ctx.tr("You cannot see this unit."), alert=True)
            return
        ctx.state["unit_id"] = unit_id
        try:
            page = max(0, int(action))
        except ValueError:
            page = 0
        await progress(ctx, page)
        return
    if not ctx.has_role("officer", unit_id):
        ctx.toast(ctx.tr("You cannot submit for this unit."), alert=True)
        return
    ctx.state["unit_id"] = unit_id
    ctx.state["mode"] = None
    if kind == "s" and action == "ok":
        await _do_submit(ctx, unit_id)
    elif kind == "w" and action == "ok":
        await _do_withdraw(ctx, unit_id)
    else:
        ctx.say(ctx.tr("Not submitted. Your answers stay as they are."), edit=True)


async def _do_submit(ctx: Ctx, unit_id: int) -> None:
    view = await load_view(ctx, unit_id)
    if view is None:
        return
    if view.period.published_at is not None:
        frozen.say_published(ctx, view.period.year, edit=True)
        return
    if view.locked:
        ctx.say(ctx.tr("The unit has already submitted."), edit=True)
        return
    today = ctx.today
    if view.past_deadline(today):
        ctx.say(
            ctx.tr("The self-assessment deadline has passed. Ask Phòng Nội vụ to reopen the unit."),
            edit=True,
        )
        return
    result = view.result()
    sub = await ctx.uow.submissions.set_status(
        unit_id, "submitted", ctx.person, index_at_submit=result.index, at=ctx.now
    )
    ctx.say(
        ctx.tr(
            "📤 Submitted. Preliminary index %(index)s. The unit's answers are now locked; "
            "your leaders have been told.",
            index=ctx.num(result.index),
        ),
        edit=True,
    )
    for leader in await ctx.uow.people.with_role("leader", unit_id, include_all_units=False):
        loc = leader.language or ctx.config.default_locale
        text = th(
            loc,
            "📤 %(officer)s submitted the self-assessment of %(unit)s. Preliminary "
            "index: %(index)s. Type /rank for details.",
            officer=ctx.person.full_name,
            unit=view.unit.name,
            index=ctx.num(result.index),
        )
        stamp = int(sub.updated_at.timestamp())
        ctx.notices.append(Notice(f"submitted:{unit_id}:{stamp}:{leader.id}", leader, text))
    appraisers: dict[int, m.Person] = {}
    for field in (*view.catalog.fields, *view.catalog.bonus, *view.catalog.penalty):
        code = field.code if field.section == "field" else field.section
        for person in await ctx.uow.appraisals.appraisers_for(
            view.period.id, code, view.unit.board
        ):
            appraisers[person.id] = person
    stamp = int(sub.updated_at.timestamp())
    for person in appraisers.values():
        loc = person.language or ctx.config.default_locale
        text = th(
            loc,
            "🔍 %(unit)s submitted its self-assessment; its items in your fields are in /review.",
            unit=view.unit.name,
        )
        ctx.notices.append(Notice(f"review:{unit_id}:{stamp}:{person.id}", person, text))


async def withdraw(ctx: Ctx) -> None:
    view = await _view(ctx, ("officer",))
    if view is None:
        return
    if view.period.published_at is not None:
        frozen.say_published(ctx, view.period.year)
        return
    if not view.locked or view.submission is None or view.submission.status != "submitted":
        ctx.say(ctx.tr("The unit has not submitted, so there is nothing to withdraw."))
        return
    today = ctx.today
    if view.past_deadline(today):
        ctx.say(ctx.tr("The deadline has passed; only Phòng Nội vụ can reopen the unit now."))
        return
    ctx.say(
        ctx.tr(
            "Withdraw the submission of %(unit)s to edit it again? You will need to submit "
            "again before the deadline.",
            unit=view.unit.name,
        ),
        buttons=(
            (Button(ctx.tr("↩️ Withdraw"), f"w:ok:{view.unit.id}"),),
            (Button(ctx.tr("✖ Keep it submitted"), f"w:no:{view.unit.id}"),),
        ),
    )


async def _do_withdraw(ctx: Ctx, unit_id: int) -> None:
    view = await load_view(ctx, unit_id)
    if view is not None and view.period.published_at is not None:
        frozen.say_published(ctx, view.period.year, edit=True)
        return
    if view is None or view.submission is None or view.submission.status != "submitted":
        ctx.say(ctx.tr("The unit has not submitted, so there is nothing to withdraw."), edit=True)
        return
    today = ctx.today
    if view.past_deadline(today):
        ctx.say(
            ctx.tr("The deadline has passed; only Phòng Nội vụ can reopen the unit now."), edit=True
        )
        return
    await ctx.uow.submissions.set_status(unit_id, "draft", ctx.person, note="withdrawn", at=ctx.now)
    ctx.say(
        ctx.tr(
            "↩️ Withdrawn. The answers can be edited again; remember to /submit before the deadline."
        ),
        edit=True,
    )
