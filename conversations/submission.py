"""Progress, submission (nộp) and withdrawal (rút lại) of a unit's self-assessment.

Submitting locks the unit's answers so the council appraises exactly what was declared; the
leaders are told through the outbox, in the same transaction as the status change.
"""

from __future__ import annotations

from decimal import Decimal

from conversations import frozen, walk
from conversations.callbacks import Decision, ProgressPage
from conversations.class_reason import class_shown
from conversations.context import Ctx, Notice
from conversations.figures import field_out_of, na_note, out_of
from conversations.flow_state import Mode
from conversations.i18n import th
from conversations.listing import criteria_list
from conversations.markup import clip, fmt, join_lines
from conversations.replies import Button
from conversations.unitview import (
    UnitView,
    active_unit,
    figures,
    load_view,
    load_view_or_explain,
)
from scoring.results import UnitResult
from storage.repositories.rows import PersonRow

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
    result = await figures(ctx, view)
    lines: list[str] = [ctx.tr("<b>%(unit)s</b> — self-assessment progress", unit=view.unit.name)]
    lines += _field_lines(ctx, view, result)
    walk = view.walk
    missing = view.unanswered(result)
    lines.append("")
    lines.append(
        ctx.tr(
            "Answered %(done)s/%(total)s · points %(points)s",
            done=len(walk) - len(missing),
            total=len(walk),
            points=out_of(ctx.locale, result.points, result.applicable_max),
        )
    )
    note = na_note(ctx.locale, result)
    if note:
        lines.append("ℹ️ " + note)
    lines.append(
        ctx.tr(
            "Preliminary index: %(index)s (%(cls)s)",
            index=ctx.num(result.index),
            cls=class_shown(ctx.locale, view.catalog, result),
        )
    )
    risk = view.at_risk()
    if risk:
        pts = sum((ls.points for x in risk if (ls := result.leaves.get(x.code))), Decimal(0))
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
            nav.append(Button(ctx.tr("◀ Previous"), ProgressPage(view.unit.id, page - 1).pack()))
        if (page + 1) * PAGE < len(missing):
            nav.append(Button(ctx.tr("More ▶"), ProgressPage(view.unit.id, page + 1).pack()))
        if nav:
            buttons.append(tuple(nav))
    status = view.submission.status if view.submission else "draft"
    lines.append(ctx.tr("Status: %(status)s", status=status_text(ctx, status)))
    if view.deadline is not None:
        lines.append(ctx.tr("Deadline: %(date)s", date=ctx.date(view.deadline)))
    ctx.say(join_lines(lines), buttons=tuple(buttons), edit=ctx.is_callback)


def _field_lines(ctx: Ctx, view: UnitView, result: UnitResult) -> list[str]:
    """Per field: items answered, and points over the applicable max (as /rank shows them)."""
    lines: list[str] = []
    for f in view.catalog.fields:
        leaves = view.answerable(f)
        score = result.field(f.code)
        if score is None or not any(not x.is_survey for x in f.leaves()):
            lines.append(
                ctx.tr("%(code)s. %(title)s: survey only", code=f.code, title=ctx.title(f))
            )
            continue
        done = len(leaves) - len(view.unanswered(result, leaves))
        mark = "✅" if done == len(leaves) else "▫️"
        lines.append(
            fmt(
                "%(mark)s %(code)s. %(title)s: %(done)s/%(of)s · %(points)s",
                mark=mark,
                code=f.code,
                title=clip(ctx.title(f), 38),
                done=done,
                of=len(leaves),
                points=field_out_of(ctx.locale, score),
            )
        )
    return lines


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
    missing = view.unanswered(result)
    risk = view.at_risk()
    lines = [
        ctx.tr("<b>Submit the self-assessment of %(unit)s?</b>", unit=view.unit.name),
        ctx.tr(
            "Preliminary index: %(index)s (%(cls)s)",
            index=ctx.num(result.index),
            cls=class_shown(ctx.locale, view.catalog, result),
        ),
    ]
    note = na_note(ctx.locale, result)
    if note:
        lines.append("ℹ️ " + note)
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
    ctx.state.mode = Mode.SUBMIT
    u = view.unit.id
    ctx.say(
        join_lines(lines),
        buttons=(
            (Button(ctx.tr("✅ Confirm and submit"), Decision("s", True, u).pack()),),
            (Button(ctx.tr("✖ Not yet"), Decision("s", False, u).pack()),),
        ),
    )


async def on_page(ctx: Ctx, pressed: ProgressPage) -> None:
    """Another page of /progress, for the unit's officers and leaders."""
    if not (ctx.has_role("officer", pressed.unit) or ctx.has_role("leader", pressed.unit)):
        ctx.toast(ctx.tr("You cannot see this unit."), alert=True)
        return
    ctx.state.unit_id = pressed.unit
    await progress(ctx, pressed.page)


async def on_decision(ctx: Ctx, pressed: Decision) -> None:
    """Confirm or cancel the submission (s) or withdrawal (w) asked about."""
    if not ctx.has_role("officer", pressed.unit):
        ctx.toast(ctx.tr("You cannot submit for this unit."), alert=True)
        return
    ctx.state.unit_id = pressed.unit
    ctx.state.mode = None
    if pressed.kind == "s" and pressed.ok:
        await _do_submit(ctx, pressed.unit)
    elif pressed.kind == "w" and pressed.ok:
        await _do_withdraw(ctx, pressed.unit)
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
        unit_id, "submitted", ctx.person.id, index_at_submit=result.index, at=ctx.now
    )
    ctx.say(
        ctx.tr(
            "📤 Submitted. Preliminary index %(index)s. The unit's answers are now locked; "
            "your leaders have been told.",
            index=ctx.num(result.index),
        ),
        edit=True,
    )
    view.submission = sub
    walk.refresh_cards(ctx, view)  # the live cards stop offering answer buttons
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
    appraisers: dict[int, PersonRow] = {}
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
            (Button(ctx.tr("↩️ Withdraw"), Decision("w", True, view.unit.id).pack()),),
            (Button(ctx.tr("✖ Keep it submitted"), Decision("w", False, view.unit.id).pack()),),
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
    view.submission = await ctx.uow.submissions.set_status(
        unit_id, "draft", ctx.person.id, note="withdrawn", at=ctx.now
    )
    ctx.say(
        ctx.tr(
            "↩️ Withdrawn. The answers can be edited again; remember to /submit before the deadline."
        ),
        edit=True,
    )
    walk.refresh_cards(ctx, view)  # the live cards answer again
