"""The plan's milestones as text, for an explicit locale (no Ctx): the chat's /deadlines and
its answers (``deadline_answers``), the reminder job and the CLI (``parbot ask``) all say the
same words.

Apart from ``deadlines`` (the chat) so that both it and ``deadline_answers`` (which the chat
calls to answer a question) build on these helpers without importing each other in a cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from conversations.i18n import fmt_date, th
from conversations.markup import Html, clip, esc, fmt
from scoring.i18n import N_
from storage.repositories.rows_plan import MilestoneRow

SHORT_LIST = 5
NO_PLAN = N_("No plan (kế hoạch) with deadlines has been loaded yet. Phòng Nội vụ will publish it.")


def when_in(locale: str, ms: MilestoneRow) -> str:
    """ "by 16/3/2024", "in 3/2024", "from 5/1/2024 to 15/1/2024" in the locale."""
    if ms.precision == "month":
        return th(locale, "in %(month)s/%(year)s", month=ms.due_end.month, year=ms.due_end.year)
    if ms.precision == "range" and ms.due_start is not None:
        return th(
            locale,
            "from %(start)s to %(end)s",
            start=fmt_date(ms.due_start, locale),
            end=fmt_date(ms.due_end, locale),
        )
    return th(locale, "by %(date)s", date=fmt_date(ms.due_end, locale))


def left_in(locale: str, due: date, today: date) -> str:
    days = (due - today).days
    if days < 0:
        return th(locale, "passed")
    if days == 0:
        return th(locale, "today")
    if days == 1:
        return th(locale, "tomorrow")
    return th(locale, "%(n)s days left", n=days)


def title_in(locale: str, ms: MilestoneRow) -> str:
    return ms.title_en if locale == "en" and ms.title_en else ms.title


def list_line(locale: str, ms: MilestoneRow, today: date) -> Html:
    return fmt(
        "📅 <b>%(when)s</b> (%(left)s) — %(title)s",
        when=when_in(locale, ms),
        left=left_in(locale, ms.due_end, today),
        title=title_in(locale, ms),
    )


def detail_lines(locale: str, ms: MilestoneRow, today: date, *, quote: bool = True) -> list[str]:
    """A milestone as an answer: title, date and days left, who is responsible, the clause."""
    lines: list[str] = [
        fmt("📅 <b>%(title)s</b>", title=title_in(locale, ms)),
        fmt(
            "%(when)s — %(left)s", when=when_in(locale, ms), left=left_in(locale, ms.due_end, today)
        ),
    ]
    if ms.lead:
        lines.append(th(locale, "Responsible: %(lead)s", lead=esc(ms.lead)))
    if ms.coordinate:
        lines.append(th(locale, "Coordinating: %(who)s", who=esc(ms.coordinate)))
    if quote and ms.source:
        lines.append(th(locale, "Plan: “%(source)s”", source=esc(clip(ms.source, 300))))
    return lines


def short_list(locale: str, rows: Sequence[MilestoneRow], today: date) -> list[str]:
    """The next few milestones; when all have passed, the last few."""
    upcoming = [x for x in rows if x.due_end >= today]
    if upcoming:
        return [list_line(locale, x, today) for x in upcoming[:SHORT_LIST]]
    lines: list[str] = [th(locale, "All the plan's milestones have passed. The last ones:")]
    lines += [list_line(locale, x, today) for x in rows[-3:]]
    return lines


def plain(text: str) -> str:
    """The chat's HTML as plain text (for the CLI)."""
    return Html(text).plain
