"""Deadlines from the plan (kế hoạch): the list, and answers to officers' free-text questions.

The texts are built by locale-explicit functions (``deadline_text``: ``when_in``,
``detail_lines`` …; the answer to a question in ``deadline_answers.answer_for``) so the CLI
(``parbot ask``) and the reminder job say exactly what the chat says, without a Ctx.

Who sees what: a unit's people see the milestones of everyone (``all``), of their own board,
and the organisers' steps (``admins``: officers do ask when the appraisal is or when results
are published); the other board's milestones are hidden. Admins and people without a unit see
the whole plan, admins with their own steps set apart as their to-do list ("Việc của Phòng
Nội vụ").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from conversations.context import Ctx
from conversations.deadline_answers import UNANSWERED, answer_for, sections_of
from conversations.deadline_text import NO_PLAN, left_in, list_line, title_in, when_in
from conversations.markup import clip, esc, fmt, join_lines
from conversations.plan.questions import is_question
from storage.repositories.rows import PeriodRow
from storage.repositories.rows_plan import MilestoneRow

LIST_LIMIT = 12


def visible(ms: MilestoneRow, boards: set[str], is_admin: bool) -> bool:
    """Whether a person of units on ``boards`` sees ``ms`` (see the module doc)."""
    if is_admin or not boards or ms.audience in ("all", "admins"):
        return True
    return ms.audience in boards


def audience_of(boards: set[str], is_admin: bool) -> str | None:
    """The audience hint for the question matcher (it only breaks near-ties)."""
    if is_admin:
        return "admins"
    return next(iter(boards)) if len(boards) == 1 else None


# ------------------------------------------------------------------ the chat


async def _milestones(ctx: Ctx) -> tuple[PeriodRow | None, list[MilestoneRow], set[str]]:
    boards: set[str] = set()
    period = None
    for uid in ctx.unit_ids("officer", "leader", "appraiser"):
        unit = await ctx.uow.units.get(uid)
        if unit is not None:
            boards.add(unit.board)
            period = period or await ctx.uow.periods.get(unit.period_id)
    if period is None:
        period = await ctx.uow.periods.latest()
    if period is None:
        return None, [], boards
    ms = await ctx.uow.milestones.list_for_period(period.id)
    return period, [x for x in ms if visible(x, boards, ctx.is_admin)], boards


# Kept for other modules that format milestones with a Ctx.
def when_text(ctx: Ctx, ms: MilestoneRow) -> str:
    return when_in(ctx.locale, ms)


def left_text(ctx: Ctx, due: date, today: date) -> str:
    return left_in(ctx.locale, due, today)


def title_of(ctx: Ctx, ms: MilestoneRow) -> str:
    return title_in(ctx.locale, ms)


async def list_deadlines(ctx: Ctx) -> None:
    period, ms, _ = await _milestones(ctx)
    if period is None or not ms:
        ctx.say(ctx.tr(NO_PLAN))
        return
    today = ctx.today
    upcoming = [x for x in ms if x.due_end >= today]
    past = [x for x in ms if x.due_end < today]
    lines: list[str] = [ctx.tr("<b>Deadlines — %(title)s</b>", title=esc(period.title))]
    own = [x for x in upcoming if x.audience == "admins"] if ctx.is_admin else []
    units = [x for x in upcoming if x not in own]
    lines += [list_line(ctx.locale, x, today) for x in units[:LIST_LIMIT]]
    if own:  # the admins' own steps, apart: their to-do list
        lines += ["", ctx.tr("📋 <b>Phòng Nội vụ's to-do</b>")]
        lines += [list_line(ctx.locale, x, today) for x in own[:LIST_LIMIT]]
    if past:
        lines.append(ctx.tr("Already passed: %(n)s milestones.", n=len(past)))
    if ctx.is_admin:
        lines += await asked_lines(ctx, period)
    ctx.say(join_lines(lines))


async def list_deadlines_cmd(ctx: Ctx, _args: str = "") -> None:
    await list_deadlines(ctx)


async def maybe_answer(ctx: Ctx, text: str, *, then: str | None = None) -> bool:
    """Answer a free-text question about the plan; False when the text is not such a question.
    ``then``: a last line for the same message (what the walk still waits for).

    A question the plan does not answer is recorded (unless an admin asked it), so Phòng Nội
    vụ sees what officers need to know.
    """
    if not is_question(text):
        return False
    tail = [then] if then else []
    period, ms, boards = await _milestones(ctx)
    stored = await ctx.uow.plan_text.sections(period.id) if period is not None else []
    sections = sections_of([(x.number, x.heading, x.sentences) for x in stored])
    if period is None or (not ms and not sections):
        ctx.say(join_lines([ctx.tr(NO_PLAN), *tail]))
        return True
    audience = audience_of(boards, ctx.is_admin)
    ans = answer_for(ctx.locale, period.year, ms, text, ctx.today, audience, sections)
    lines: list[str] = [ans.text]
    if ans.outcome in UNANSWERED and not ctx.is_admin:
        await ctx.uow.plan_text.record_question(period.id, ctx.person.id, text, ans.outcome)
        lines.append(ctx.tr("Your question has been passed on to Phòng Nội vụ."))
    ctx.say(join_lines([*lines, *tail]))
    return True


ASKED_SHOWN = 5


async def asked_lines(ctx: Ctx, period: PeriodRow) -> list[str]:
    """For admins: the latest questions the plan did not answer (empty when there are none)."""
    total = await ctx.uow.plan_text.count_questions(period.id)
    if not total:
        return []
    lines: list[str] = ["", ctx.tr("❓ <b>Questions the plan did not answer: %(n)s</b>", n=total)]
    for q in await ctx.uow.plan_text.questions(period.id, limit=ASKED_SHOWN):
        day = ctx.date(q.asked_at.astimezone(ctx.config.tz).date())
        who = fmt(" — %(who)s", who=q.asker) if q.asker else ""
        lines.append(fmt("• “%(text)s”%(who)s, %(day)s", text=clip(q.text, 120), who=who, day=day))
    if total > ASKED_SHOWN:
        lines.append(ctx.tr("All of them: parbot ask log --period %(year)s", year=period.year))
    return lines


def milestones_json(rows: Iterable[MilestoneRow]) -> list[dict[str, object]]:
    """Stored milestones as JSON (CLI)."""
    return [
        {
            "id": x.key,
            "title": x.title,
            "title_en": x.title_en,
            "kind": x.kind,
            "start": x.due_start.isoformat() if x.due_start else None,
            "due": x.due_end.isoformat(),
            "precision": x.precision,
            "lead": x.lead,
            "coordinate": x.coordinate,
            "audience": x.audience,
            "source": x.source,
            "reminder_days": x.reminder_days,
        }
        for x in rows
    ]
