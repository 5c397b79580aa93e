"""One answer to an officer's free-text question about the plan, for the chat and the CLI.

The answer knows its limits (issue 17). A deadline card comes only when the question is about
a milestone of the plan; otherwise the reply says plainly that the plan does not say and
offers the nearest milestones. A yes/no or where/which question is answered by quoting the
plan's sentence with its section number, or by saying the plan does not say. A question
about another year is answered for the plan's year, and the reply says so. Every text is
built for an explicit locale, so ``parbot ask`` says exactly what the chat says.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from conversations.deadline_text import NO_PLAN, detail_lines, short_list, title_in, when_in
from conversations.i18n import th
from conversations.markup import Html, fmt, join_lines
from conversations.plan.bridge import plan_from_rows
from conversations.plan.questions import QuestionAnswer, answer_question
from conversations.plan.rules import Quote, asks_who, find_rule, question_form
from conversations.plan.sections import Section
from conversations.plan.text import nfc
from scoring.values import fold_chars
from storage.repositories.rows_plan import MilestoneRow

LOW_CONFIDENCE = 0.5
QUOTE_LIMIT = 400

# What came of a question (``DeadlineAnswer.outcome``); the last two are recorded for Nội vụ.
MILESTONE, UNCLEAR, NO_PLAN_YET, RULE = "milestone", "unclear", "no_plan", "rule"
NOT_IN_PLAN, RULE_NOT_IN_PLAN = "not_in_plan", "rule_not_in_plan"
UNANSWERED = (NOT_IN_PLAN, RULE_NOT_IN_PLAN)

_YEAR = re.compile(r"\b(20\d\d)\b")


@dataclass
class DeadlineAnswer:
    """What the bot answers (``milestone`` None: the plan has no milestone for it)."""

    milestone: MilestoneRow | None
    text: Html
    confidence: float = 0.0
    alternatives: list[MilestoneRow] = field(default_factory=list)
    outcome: str = MILESTONE
    quote: Quote | None = None
    other_year: int | None = None


def asked_year(question: str, plan_year: int, due_year: int | None = None) -> int | None:
    """A year the question names that is not the plan's: "năm 2022" names an index year
    (compared with the plan's year only); a bare "2022" may be a date, so the year of the
    answered milestone's date is fine too."""
    folded = fold_chars(question)
    for found in _YEAR.finditer(folded):
        year = int(found.group(1))
        index_year = folded[: found.start()].rstrip().endswith("nam")
        if year != plan_year and (index_year or year != due_year):
            return year
    return None


def _year_note(locale: str, plan_year: int, asked: int) -> Html:
    return th(
        locale,
        "The plan on hand is for %(year)s; the answer below is from the %(year)s plan, "
        "not %(asked)s.",
        year=plan_year,
        asked=asked,
    )


def asked_words(question: str, folded_words: Sequence[str]) -> str:
    """The words of the question (as typed, diacritics kept) whose folded form is one of
    ``folded_words``: "quý IV" for ("quy", "iv"). Empty when none can be found."""
    text = nfc(question)
    folded = fold_chars(text)
    wanted = set(folded_words)
    spans = [mt.span() for mt in re.finditer(r"[a-z0-9]+", folded) if mt.group() in wanted]
    return " ".join(text[a:b] for a, b in spans)


def _bullet(locale: str, x: MilestoneRow) -> Html:
    return fmt("• %(title)s — %(when)s", title=title_in(locale, x), when=when_in(locale, x))


def _nearest(
    locale: str, rows: Sequence[MilestoneRow], near: list[MilestoneRow], today: date
) -> list[str]:
    lines: list[str] = [th(locale, "The nearest milestones in the plan:")]
    if near:
        lines += [_bullet(locale, x) for x in near[:3]]
    else:
        lines += short_list(locale, rows, today)
    lines.append(th(locale, "Type /deadlines for the whole plan."))
    return lines


def _quote_lines(locale: str, year: int, q: Quote) -> list[str]:
    where = (
        th(
            locale,
            "The %(year)s plan, section %(number)s (%(heading)s):",
            year=year,
            number=q.number,
            heading=q.heading,
        )
        if q.heading
        else th(locale, "The %(year)s plan, section %(number)s:", year=year, number=q.number)
    )
    sentence = " ".join(q.sentence.split())
    if len(sentence) > QUOTE_LIMIT:
        sentence = sentence[: QUOTE_LIMIT - 1].rstrip() + "…"
    return [fmt("📖 %(where)s", where=where), fmt("“%(sentence)s”", sentence=sentence)]


def _rule_answer(
    locale: str,
    year: int,
    rows: Sequence[MilestoneRow],
    question: str,
    today: date,
    sections: tuple[Section, ...],
    qa: QuestionAnswer | None,
) -> DeadlineAnswer:
    quote = find_rule(question, sections)
    if quote is not None:
        return DeadlineAnswer(
            None, join_lines(_quote_lines(locale, year, quote)), 1.0, [], RULE, quote
        )
    by_key = {x.key: x for x in rows}
    near: list[MilestoneRow] = []
    if qa is not None:
        picks = [qa.milestone] if qa.milestone is not None else []
        near = [by_key[x.id] for x in [*picks, *qa.alternatives] if x.id in by_key]
    lines: list[str] = [
        th(locale, "The %(year)s plan does not say this.", year=year),
        th(locale, "Ask Phòng Nội vụ to be sure."),
    ]
    if rows:
        lines += ["", *_nearest(locale, rows, near, today)]
    return DeadlineAnswer(None, join_lines(lines), 0.0, near, RULE_NOT_IN_PLAN)


def _not_in_plan(
    locale: str,
    year: int,
    rows: Sequence[MilestoneRow],
    question: str,
    today: date,
    qa: QuestionAnswer,
) -> DeadlineAnswer:
    by_key = {x.key: x for x in rows}
    near = [by_key[x.id] for x in qa.alternatives if x.id in by_key]
    topic = asked_words(question, qa.missing)
    first = (
        th(
            locale,
            "The %(year)s plan does not give a date for “%(topic)s”.",
            year=year,
            topic=topic,
        )
        if topic
        else th(locale, "The %(year)s plan does not give a date for this.", year=year)
    )
    lines = [first, "", *_nearest(locale, rows, near, today)]
    return DeadlineAnswer(None, join_lines(lines), 0.0, near, NOT_IN_PLAN)


def answer_for(
    locale: str,
    year: int,
    rows: Sequence[MilestoneRow],
    question: str,
    today: date,
    audience: str | None = None,
    sections: tuple[Section, ...] = (),
) -> DeadlineAnswer:
    """The answer to ``question`` from the milestones ``rows`` (already filtered for the
    asker, in date order) and the plan's text ``sections``; never empty."""
    if not rows and not sections:
        return DeadlineAnswer(None, th(locale, NO_PLAN), outcome=NO_PLAN_YET)
    plan = plan_from_rows(year, rows)
    qa = answer_question(question, plan, today, audience) if rows else None
    form = question_form(question)
    if form == "rule" and qa is not None and qa.milestone is not None and asks_who(question):
        ans = _milestone_answer(locale, rows, today, qa)  # its card names who leads
    elif form == "rule" or not rows:
        ans = _rule_answer(locale, year, rows, question, today, sections, qa)
    elif qa is None:
        lines: list[str] = [
            th(locale, "I could not tell which deadline you mean. The plan's next ones:")
        ]
        lines += short_list(locale, rows, today)
        lines.append(th(locale, "Type /deadlines for the whole plan."))
        ans = DeadlineAnswer(None, join_lines(lines), outcome=UNCLEAR)
    elif qa.milestone is None:
        ans = _not_in_plan(locale, year, rows, question, today, qa)
    else:
        ans = _milestone_answer(locale, rows, today, qa)
    other = asked_year(question, year, ans.milestone.due_end.year if ans.milestone else None)
    if other is not None and ans.outcome in (MILESTONE, NOT_IN_PLAN, UNCLEAR):
        ans.other_year = other
        ans.text = join_lines([_year_note(locale, year, other), ans.text])
    return ans


def _milestone_answer(
    locale: str, rows: Sequence[MilestoneRow], today: date, qa: QuestionAnswer
) -> DeadlineAnswer:
    assert qa.milestone is not None
    by_key = {x.key: x for x in rows}
    row = by_key[qa.milestone.id]
    lines = detail_lines(locale, row, today)
    alternatives = [by_key[a.id] for a in qa.alternatives if a.id in by_key]
    if qa.confidence < LOW_CONFIDENCE and alternatives:
        lines.append("")
        lines.append(th(locale, "Or did you mean:"))
        lines += [_bullet(locale, x) for x in alternatives[:2]]
    return DeadlineAnswer(row, join_lines(lines), qa.confidence, alternatives, MILESTONE)


def sections_of(rows: Sequence[tuple[str, str, Sequence[str]]]) -> tuple[Section, ...]:
    """Stored sections (number, heading, sentences) as the plan's Section values."""
    return tuple(Section(n, h, tuple(s)) for n, h, s in rows)
