"""Rules read as bands: percentages (ratio), a deadline (date) and counts (number).

Each reader returns None when the clauses are not its shape, so the next one can try; when
they are its shape but do not add up (the best band is not the item's maximum), the leaf
becomes manual with the reason, never a catalog that would score wrongly.
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal

from catalog_draft.clauses import Clause, zero_denominator
from catalog_draft.leaf import RuleContext, count_label, manual, ratio_labels
from catalog_draft.model import Guess, Note
from catalog_draft.numbers import plain, to_decimal
from scoring.i18n import N_

_PCT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")
_DATE = re.compile(
    r"(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?:\s*/\s*(?P<y>\d{4}))?"
    r"|ngay (?P<d2>\d{1,2}) thang (?P<m2>\d{1,2})(?: nam (?P<y2>\d{4}))?"
)
_LATE = re.compile(r"\bsau\b|\bcham\b|qua han|\bmuon\b|khong dung (?:thoi )?han|tre han")
_NONE = re.compile(r"khong co|khong (?:de )?(?:xay ra|phat hien|vi pham|bi)|\bkhong\b")
_COUNT_WORD = re.compile(
    r"(\d+)\s*(?:vu|van ban|lan|truong hop|sang kien|ho so|bao cao|y kien|don|phan anh|sai pham"
    r"|cong chuc|can bo|ket luan|quyet dinh)\b|tro len|\bco\s+0?\d+\b"
)

BEST_NOT_MAX = N_("the best points in the rule (%(best)s) are not the maximum %(max)s")
SAME_BAND = N_("two bands start at the same value (%(value)s)")
YEAR_ASSUMED = N_("the deadline has no year; %(year)s was assumed")
NO_YEAR = N_("the deadline has no year and the document names none")
EXTRA_CLAUSE = N_("a condition was not used: “%(text)s”")


def _best_check(best: Decimal, ctx: RuleContext, phrase: str, maxp: Decimal) -> Guess | None:
    if best != maxp:
        return manual(maxp, phrase, Note(BEST_NOT_MAX, {"best": best, "max": maxp}))
    return None


def _sorted_bands(
    found: list[tuple[Decimal, Decimal]], key: str, review: list[Note]
) -> list[dict[str, object]]:
    by_min: dict[Decimal, Decimal] = {}
    for lo, pts in found:
        if lo in by_min and by_min[lo] != pts:
            review.append(Note(SAME_BAND, {"value": lo}))
        by_min.setdefault(lo, pts)
    if Decimal(0) not in by_min:
        by_min[Decimal(0)] = Decimal(0)
    return [{key: plain(lo), "points": plain(by_min[lo])} for lo in sorted(by_min, reverse=True)]


def pct_min(folded: str) -> Decimal | None:
    m = _PCT.search(folded)
    if m is None:
        return None
    before = folded[: m.start()]
    if re.search(r"duoi|<|nho hon|thap hon|khong dat", before) and not re.search(
        r"\btu\b|\btren\b|>", before
    ):
        return Decimal(0)
    return to_decimal(m.group(1))


def ratio_guess(
    clauses: list[Clause], pairs: list[tuple[Clause, Decimal]], ctx: RuleContext
) -> Guess | None:
    pct = [(c, p) for c, p in pairs if _PCT.search(c.folded)]
    if not pct:
        return None
    review: list[Note] = []
    found = [(lo, p) for c, p in pct if (lo := pct_min(c.folded)) is not None]
    zero = zero_denominator(clauses, ctx.maxp)
    for c, p in pairs:
        if (c, p) not in pct and p > 0 and zero is None:
            review.append(Note(EXTRA_CLAUSE, {"text": c.text}))
    best = max(p for _, p in found)
    phrase = pct[0][0].text
    if (bad := _best_check(best, ctx, phrase, ctx.maxp)) is not None:
        return bad
    numerator, denominator = ratio_labels(ctx.title)
    answer: dict[str, object] = {
        "kind": "ratio",
        "numerator": numerator,
        "denominator": denominator,
        "bands": _sorted_bands(found, "min_pct", review),
    }
    if zero is not None:
        answer["zero_denominator"] = zero
    return Guess("ratio", answer, phrase, review=review)


def _date_in(folded: str, year: int | None) -> tuple[date | None, Note | None]:
    m = _DATE.search(folded)
    if m is None:
        return None, None
    day = int(m.group("d") or m.group("d2"))
    month = int(m.group("m") or m.group("m2"))
    y = m.group("y") or m.group("y2")
    note = None
    if y is None:
        if year is None:
            return None, Note(NO_YEAR)
        value = year - 1 if "nam truoc" in folded else year
        note = Note(YEAR_ASSUMED, {"year": value})
        y = str(value)
    try:
        return date(int(y), month, day), note
    except ValueError:
        return None, None


def date_guess(
    clauses: list[Clause], pairs: list[tuple[Clause, Decimal]], ctx: RuleContext
) -> Guess | None:
    dated = [(c, p) for c, p in pairs if _DATE.search(c.folded)]
    if not dated:
        return None
    on_time = next(((c, p) for c, p in pairs if p == ctx.maxp and not _LATE.search(c.folded)), None)
    source = on_time if on_time is not None and _DATE.search(on_time[0].folded) else dated[0]
    deadline, note = _date_in(source[0].folded, ctx.year)
    if deadline is None:
        return manual(ctx.maxp, source[0].text, *([note] if note else []))
    late = next((p for c, p in pairs if _LATE.search(c.folded) and p < ctx.maxp), Decimal(0))
    best = max(p for _, p in pairs)
    if (bad := _best_check(best, ctx, source[0].text, ctx.maxp)) is not None:
        return bad
    answer = {
        "kind": "date",
        "deadline": deadline,
        "on_time": plain(ctx.maxp),
        "late": plain(late),
    }
    return Guess("date", answer, source[0].text, review=[note] if note else [])


def count_min(folded: str) -> Decimal | None:
    m = re.search(r"\btu\s+0*(\d+)", folded) or re.search(
        r"(?<![\d/.,])0*(\d+)(?![\d/.,%])", folded
    )
    if m is not None:
        n = Decimal(m.group(1))
        if re.search(r"\btren\s+0*\d", folded):
            n += 1
        if re.search(r"duoi\s+0*\d", folded) and not re.search(r"\btu\b", folded):
            return Decimal(0)
        return n
    if _NONE.search(folded):
        return Decimal(0)
    return None


def count_guess(
    clauses: list[Clause], pairs: list[tuple[Clause, Decimal]], ctx: RuleContext
) -> Guess | None:
    if len(pairs) < 2 or not any(_COUNT_WORD.search(c.folded) for c, _ in pairs):
        return None
    found = [(lo, p) for c, p in pairs if (lo := count_min(c.folded)) is not None]
    if len(found) < 2:
        return None
    review: list[Note] = []
    phrase = "; ".join(c.text for c, _ in pairs[:3])
    if (bad := _best_check(max(p for _, p in found), ctx, phrase, ctx.maxp)) is not None:
        return bad
    answer = {
        "kind": "number",
        "label": count_label(ctx.title),
        "bands": _sorted_bands(found, "min", review),
    }
    return Guess("number", answer, phrase, review=review)


def per_occurrence_bands(
    per: Decimal, cap: Decimal | None, ctx: RuleContext, phrase: str, what: str
) -> Guess:
    """Bonus or penalty "mỗi … cộng/trừ x điểm, tối đa y": count bands whose points are what is
    added or subtracted (bonus and penalty leaves score the amount, the index adds or subtracts)."""
    # the item's max is the most that can be added or taken off; a cap that says otherwise is
    # shown to a person rather than trusted over the max column
    review = [] if cap in (None, ctx.maxp) else [Note(BEST_NOT_MAX, {"best": cap, "max": ctx.maxp})]
    top = ctx.maxp
    steps = max(1, math.ceil(top / per))
    found = [(Decimal(k), min(per * k, top)) for k in range(steps, 0, -1)]
    bands = _sorted_bands(found, "min", review)
    answer = {"kind": "number", "label": f"Số {what.strip()}"[:120], "bands": bands}
    return Guess("number", answer, phrase, review=review)
