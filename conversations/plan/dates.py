"""Vietnamese date phrases of plans → (start, due, precision).

Accepted forms (matched with or without diacritics, any case):

* a day: ``15/12/2021``, ``ngày 15/12/2021``, ``15-12-2021``, ``ngày 15 tháng 12 năm 2021``,
  ``trước ngày 16/3/2024``, ``Hoàn thành trước ngày 30/11/2021``, ``dự kiến xong trước ngày
  28/02/2022``, ``trước 20/12`` (year from context) → precision ``"day"``;
* a month: ``Tháng 10/2021``, ``Tháng 12 năm 2021``, ``Trong tháng 4/2024``, ``Dự kiến trong
  tháng 01/2022`` → ``"month"``, start = 1st, due = last day of the month;
* a range: ``từ ngày 05/01/2022 - 15/01/2022``, ``từ 05/01 đến 15/01/2022``, ``tháng 10 - 12/2021``,
  ``Quý I/2022`` (1 Jan – 31 Mar), ``6 tháng đầu năm 2022``, ``Năm 2022`` → ``"range"``;
* ``Thường xuyên``, ``hằng tháng`` and other phrases without a date → ``None``.

"trước ngày X": legally the work must be done by the end of the day before X, but officers
read the written date as *the* deadline and that is what the plan shows, so ``due`` is X
itself. Replies quote the plan's words (``Milestone.source``) so nobody is misled.

When a phrase holds several dates the most specific deadline wins: a day range, then a day
marked as a deadline (trước / chậm nhất / hạn / hoàn thành / xong), then a month range,
quarter or half-year, then the latest plain day, then a month, then a year.

A day or month written without a year takes it from ``after`` (the first such date not more
than 31 days before ``after``; plans run forward in time) or else ``context_year``; with
neither it cannot be dated and is ignored.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from conversations.plan.model import Precision
from conversations.plan.text import nfc
from scoring.values import fold_chars


class DateSpan(NamedTuple):
    """When a milestone happens: ``due`` is the last day, ``start`` the first of a month/range."""

    start: date | None
    due: date
    precision: Precision


@dataclass(frozen=True)
class DateMatch:
    """A parsed date and where its words are in the NFC form of the input."""

    span: DateSpan
    begin: int
    end: int


_D = r"(\d{1,2})"
_Y = r"(\d{4}|\d{2})"
_SEP_RANGE = r"\s*(?:-|–|—|den(?:\s+het)?|toi)\s*"
_DAY_RANGE = re.compile(
    rf"(?:tu\s+)?(?:ngay\s+)?(?<![\d/]){_D}/{_D}(?:/{_Y})?(?![\d/]){_SEP_RANGE}"
    rf"(?:ngay\s+)?(?<![\d/]){_D}/{_D}(?:/{_Y})?(?![\d/])"
)
_MONTH_RANGE = re.compile(
    rf"(?:tu\s+)?thang\s+{_D}(?:\s*(?:/|nam)\s*(\d{{4}}))?{_SEP_RANGE}"
    rf"(?:thang\s+)?{_D}(?:\s*(?:/|nam)\s*(\d{{4}}))?(?![\d/])"
)
_DAY_WORDS = re.compile(rf"(?<!\d){_D}\s+thang\s+{_D}(?:\s*(?:,\s*)?(?:nam|/)\s*(\d{{4}}))?")
_DAY_OTHER = re.compile(rf"(?<![\d.\-]){_D}([.\-]){_D}\2(\d{{4}})(?!\d)")
_DAY_SLASH = re.compile(rf"(?<![\d/.]){_D}/{_D}(?:/{_Y})?(?![\d/])")
_QUARTER = re.compile(r"quy\s+(iv|i{1,3}|[1-4])\b(?:\s*(?:/|-|nam)\s*(\d{4}))?")
_HALF = re.compile(r"6\s+thang\s+(dau|cuoi)\s+nam(?:\s*/?\s*(\d{4}))?")
_MONTH = re.compile(rf"(?:\bt|thang\s*){_D}(?:\s*(?:/|-|nam)\s*(\d{{4}}))?(?![\d/])")
_YEAR = re.compile(r"\bnam\s+(\d{4})\b")
_DEADLINE_CUE = re.compile(r"(truoc|cham nhat|han|hoan thanh|xong|ket thuc)\b[^\d]{0,20}$")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _year(text: str | None) -> int | None:
    if not text:
        return None
    y = int(text)
    return y + 2000 if y < 100 else y


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


class _Resolver:
    """Supplies years for dates written without one."""

    def __init__(self, context_year: int | None, after: date | None) -> None:
        self.context_year = context_year
        self.after = after

    def day(self, d: int, m: int, y: int | None) -> date | None:
        if y is not None:
            return _safe_date(y, m, d)
        if self.after is not None:
            found = _safe_date(self.after.year, m, d)
            if found is not None and found < self.after - timedelta(days=31):
                found = _safe_date(self.after.year + 1, m, d)
            return found
        if self.context_year is not None:
            return _safe_date(self.context_year, m, d)
        return None

    def month_year(self, m: int, y: int | None) -> int | None:
        if y is not None:
            return y
        if self.after is not None:
            year = self.after.year
            if _month_end(year, m) < self.after - timedelta(days=31):
                year += 1
            return year
        return self.context_year


# Priority: lower is preferred.
_P_DAY_RANGE, _P_DEADLINE, _P_PERIOD, _P_DAY, _P_MONTH, _P_YEAR = range(6)


def find_dates(
    text: str, context_year: int | None = None, *, after: date | None = None
) -> list[tuple[int, DateMatch]]:
    """All dates in ``text`` as (priority, match), in the order of the document."""
    original = nfc(text)
    work = fold_chars(original)
    res = _Resolver(context_year, after)
    found: list[tuple[int, DateMatch]] = []

    def take(m: re.Match[str], priority: int, span: DateSpan | None) -> None:
        nonlocal work
        work = work[: m.start()] + " " * (m.end() - m.start()) + work[m.end() :]
        if span is not None:
            found.append((priority, DateMatch(span, m.start(), m.end())))

    for m in list(_DAY_RANGE.finditer(work)):
        d1, m1, y1, d2, m2, y2 = m.groups()
        end = res.day(int(d2), int(m2), _year(y2))
        begin = None
        if end is not None:
            begin = _safe_date(_year(y1) or end.year, int(m1), int(d1))
            if begin is not None and begin > end and y1 is None:
                begin = _safe_date(end.year - 1, int(m1), int(d1))
        ok = end is not None and begin is not None and begin <= end
        take(m, _P_DAY_RANGE, DateSpan(begin, end, "range") if ok and end else None)
    for m in list(_MONTH_RANGE.finditer(work)):
        mo1, y1, mo2, y2 = int(m[1]), _year(m[2]), int(m[3]), _year(m[4])
        if not (1 <= mo1 <= 12 and 1 <= mo2 <= 12):
            continue
        year2 = res.month_year(mo2, y2)
        if year2 is None:
            continue
        year1 = y1 if y1 is not None else (year2 if mo1 <= mo2 else year2 - 1)
        span = DateSpan(date(year1, mo1, 1), _month_end(year2, mo2), "range")
        take(m, _P_PERIOD, span if span.start and span.start <= span.due else None)
    for pattern in (_DAY_WORDS, _DAY_OTHER, _DAY_SLASH):
        for m in list(pattern.finditer(work)):
            if pattern is _DAY_OTHER:
                d, mo, y = int(m[1]), int(m[3]), _year(m[4])
            else:
                d, mo, y = int(m[1]), int(m[2]), _year(m[3])
            day = res.day(d, mo, y) if 1 <= mo <= 12 else None
            cue = _DEADLINE_CUE.search(work[max(0, m.start() - 40) : m.start()])
            priority = _P_DEADLINE if cue else _P_DAY
            take(m, priority, DateSpan(None, day, "day") if day else None)
    for m in list(_QUARTER.finditer(work)):
        q = _ROMAN.get(m[1]) or int(m[1])
        year = res.month_year(3 * q, _year(m[2]))
        if year is not None:
            span = DateSpan(date(year, 3 * q - 2, 1), _month_end(year, 3 * q), "range")
            take(m, _P_PERIOD, span)
    for m in list(_HALF.finditer(work)):
        first = m[1] == "dau"
        year = res.month_year(6 if first else 12, _year(m[2]))
        if year is not None:
            start = date(year, 1 if first else 7, 1)
            take(m, _P_PERIOD, DateSpan(start, _month_end(year, 6 if first else 12), "range"))
    for m in list(_MONTH.finditer(work)):
        mo = int(m[1])
        year = res.month_year(mo, _year(m[2])) if 1 <= mo <= 12 else None
        if year is not None:
            take(m, _P_MONTH, DateSpan(date(year, mo, 1), _month_end(year, mo), "month"))
    for m in list(_YEAR.finditer(work)):
        y = int(m[1])
        take(m, _P_YEAR, DateSpan(date(y, 1, 1), date(y, 12, 31), "range"))
    found.sort(key=lambda pm: pm[1].begin)
    return found


def best_date(
    text: str, context_year: int | None = None, *, after: date | None = None
) -> DateMatch | None:
    """The date that best says when the step is due (see the module doc), with its position."""
    found = find_dates(text, context_year, after=after)
    if not found:
        return None
    top = min(p for p, _ in found)
    candidates = [m for p, m in found if p == top]
    return max(candidates, key=lambda m: (m.span.due, m.begin))


def parse_date_phrase(
    text: str, context_year: int | None = None, *, after: date | None = None
) -> DateSpan | None:
    """Parse a plan's time clause; None when it holds no date ("Thường xuyên")."""
    match = best_date(text, context_year, after=after)
    return match.span if match else None
