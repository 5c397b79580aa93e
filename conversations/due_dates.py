"""A due date as an appraiser types it on a phone: "15/12", "15/12/2024", "thứ sáu tuần sau".

An appraiser setting a deadline thinks of a day of the month or of next week, not of a year;
refusing "15/12" because it lacks one was a dead end. A day and month without a year mean the
next such day from today.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from scoring.answers import AnswerError, fold, parse_date
from scoring.i18n import N_

EXAMPLE = "15/12"
# folded weekday words → Monday=0 … Sunday=6 ("thu 6" and "thu sau" are both Friday)
WEEKDAYS = {
    "thu hai": 0,
    "thu 2": 0,
    "thu ba": 1,
    "thu 3": 1,
    "thu tu": 2,
    "thu 4": 2,
    "thu nam": 3,
    "thu 5": 3,
    "thu sau": 4,
    "thu 6": 4,
    "thu bay": 5,
    "thu 7": 5,
    "chu nhat": 6,
    "cn": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
NEXT_WEEK = ("tuan sau", "tuan toi", "next week")
NOT_A_DATE = N_("'%(text)s' is not a date I can read")


def parse_due(text: str, today: date) -> date:
    """The date ``text`` names, counted from ``today``; AnswerError when it names none."""
    s = " ".join(fold(text).replace(",", " ").split())
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})", s)
    if m:
        return _day_month(int(m[1]), int(m[2]), today, text)
    if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{1,2}-\d{1,2}", s):
        return parse_date(s)
    words = {"hom nay": 0, "today": 0, "ngay mai": 1, "mai": 1, "tomorrow": 1}
    if s in words:
        return today + timedelta(days=words[s])
    return _weekday(s, today, text)


def _day_month(day: int, month: int, today: date, text: str) -> date:
    for year in (today.year, today.year + 1):
        try:
            when = date(year, month, day)
        except ValueError as exc:
            raise AnswerError(N_("'%(text)s' is not a real date"), text=text.strip()[:40]) from exc
        if when >= today:
            return when
    return when


def _weekday(s: str, today: date, text: str) -> date:
    """ "thứ sáu" (the coming Friday), "thứ sáu tuần sau"/"next friday" (Friday next week)."""
    nxt = any(s.endswith(w) for w in NEXT_WEEK) or s.startswith("next ")
    core = s
    for w in (*NEXT_WEEK, "next "):
        core = core.replace(w, "").strip()
    if core not in WEEKDAYS:
        raise AnswerError(NOT_A_DATE, text=text.strip()[:40])
    wanted = WEEKDAYS[core]
    if nxt:
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return monday + timedelta(days=wanted)
    ahead = (wanted - today.weekday()) % 7
    return today + timedelta(days=ahead or 7)
