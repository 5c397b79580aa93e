"""Reviewing and saving an imported plan: the same lines and the same save for the CLI
(``parbot plan import``) and the chat (``/plan``).

A reviewer checks each step on one line: when, what is done, who leads, who must act, and
the plan's own sentence, so a wrong lead or audience is seen before any reminder goes out.
Saving updates milestones by id and keeps their reminder settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from conversations import assessment as A
from conversations.i18n import fmt_date, t
from conversations.markup import Html, fmt, join_lines
from conversations.plan import Milestone, Plan
from conversations.plan.bridge import row_values
from scoring.i18n import N_
from storage.uow import UnitOfWork

SOURCE_CLIP = 240

# Who must act, in words (msgids; translated when shown).
AUDIENCE_WORDS: dict[str, str] = {
    "all": N_("all units"),
    "department": N_("the departments (board 1)"),
    "commune": N_("the communes (board 2)"),
    "admins": N_("Phòng Nội vụ (organisers)"),
}


def audience_words(locale: str, audience: str) -> str:
    return t(locale, AUDIENCE_WORDS[audience]) if audience in AUDIENCE_WORDS else audience


def when_words(locale: str, m: Milestone) -> str:
    """The step's date as a reviewer reads it: "16/3/2024", "3/2024", "5/1/2024–15/1/2024"."""
    if m.precision == "month":
        return f"{m.due.month}/{m.due.year}"
    if m.precision == "range" and m.start is not None:
        return f"{fmt_date(m.start, locale)}–{fmt_date(m.due, locale)}"
    return fmt_date(m.due, locale)


def clip_keeping_end(text: str, limit: int = SOURCE_CLIP) -> str:
    """``text`` on one line within ``limit``; a long sentence keeps its end, where the plan
    states the date ("… — Hoàn thành trước ngày 30/11/2021")."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    tail = min(70, limit // 3)
    return f"{text[: limit - tail - 3].rstrip()} … {text[-tail:].lstrip()}"


def review_line(locale: str, n: int, m: Milestone) -> str:
    """One step as one plain line: date, title, lead, who must act, the source sentence."""
    return (
        f"{n:>2}. {when_words(locale, m)} | {m.title} | "
        f"{t(locale, 'lead')}: {m.lead or '—'} | "
        f"{t(locale, 'must act')}: {audience_words(locale, m.audience)} | "
        f"{m.kind}, {m.id} | “{clip_keeping_end(m.source) or '—'}”"
    )


def review_html(locale: str, n: int, m: Milestone) -> Html:
    """The same step for the chat (HTML): bold date and title, then who, then the quote."""
    lines = [
        fmt("%(n)s. <b>%(when)s</b> · %(title)s", n=n, when=when_words(locale, m), title=m.title),
        fmt(
            "   %(lead_word)s: %(lead)s · %(act_word)s: %(act)s",
            lead_word=t(locale, "lead"),
            lead=m.lead or "—",
            act_word=t(locale, "must act"),
            act=audience_words(locale, m.audience),
        ),
    ]
    if m.coordinate:
        lines.append(
            fmt(
                "   %(word)s: %(who)s",
                word=t(locale, "coordinating"),
                who=clip_keeping_end(m.coordinate, 160),
            )
        )
    if m.source:
        lines.append(fmt("   “%(source)s”", source=clip_keeping_end(m.source, 200)))
    return join_lines(lines)


@dataclass
class SaveReport:
    created: int = 0
    updated: int = 0
    others: list[str] = field(default_factory=list)  # stored before, not in this plan
    pruned: bool = False


async def save_plan(uow: UnitOfWork, year: int, plan: Plan, *, prune: bool = False) -> SaveReport:
    """Create or update the plan's milestones (reminder settings kept); with ``prune`` the
    stored ones missing from ``plan`` are deleted, else they are kept and listed."""
    period = await A.ensure_period(uow, year)
    report = SaveReport(pruned=prune)
    for m in plan.milestones:
        existing = await uow.milestones.get(period.id, m.id)
        keep_days = existing.reminder_days if existing is not None else None
        await uow.milestones.upsert(period.id, **row_values(m), reminder_days=keep_days)
        if existing is None:
            report.created += 1
        else:
            report.updated += 1
    if plan.sections:  # a timeline-only YAML keeps the text stored from the document
        await uow.plan_text.replace_sections(
            period.id, [(x.number, x.heading, x.sentences) for x in plan.sections]
        )
    wanted = {m.id for m in plan.milestones}
    stored = await uow.milestones.list_for_period(period.id)
    report.others = [x.key for x in stored if x.key not in wanted]
    if prune:
        for key in report.others:
            await uow.milestones.delete(period.id, key)
    return report
