"""The figures of a unit's result as every screen words them: /progress, /rank, /submit, the
walk card, the charts and both Excel sheets.

Each screen used to add up its own numbers (stored answer points over the catalog's max, the
field max with survey items in it, the walk's unanswered items or only the fields'), so at one
moment /progress, /rank and the ranking sheet disagreed.  Now every figure comes from the one
:class:`~scoring.results.ResultSummary` and is worded here, once: points over the applicable
max, the unanswered count, and how "không áp dụng" answers count.
"""

from __future__ import annotations

from decimal import Decimal

from conversations.i18n import fmt_num, thn
from conversations.markup import Html, join_lines
from scoring.results import FieldScore, ResultSummary


def out_of(locale: str, points: Decimal, applicable: Decimal) -> str:
    """ "7,75/8,5": points over the max that counts (not-applicable and pending survey items
    left out) — the base of the field's percentage and of the index."""
    return f"{fmt_num(points, locale)}/{fmt_num(applicable, locale)}"


def field_out_of(locale: str, f: FieldScore) -> str:
    return out_of(locale, f.points, f.applicable_max)


def field_chart_text(locale: str, f: FieldScore) -> str:
    """A field bar's value on the chart: "91,18% (7,75/8,5)"."""
    if f.pct is None:
        return ""
    return f"{fmt_num(f.pct, locale)}% ({field_out_of(locale, f)})"


def na_note(locale: str, res: ResultSummary) -> Html | None:
    """How the unit's "không áp dụng" answers count, in one line; None when it has none.

    "2 tiêu chí không áp dụng: không tính vào điểm tối đa (68 thay vì 70) · 1 tiêu chí không
    áp dụng được tính đủ điểm"."""
    parts: list[str] = []
    left_out, na_max = res.not_applicable, res.na_max
    if left_out and na_max is not None:
        parts.append(
            thn(
                locale,
                "%(n)s criterion not applicable: left out of the max (%(max)s instead of %(all)s)",
                "%(n)s criteria not applicable: left out of the max (%(max)s instead of %(all)s)",
                left_out,
                max=fmt_num(res.applicable_max, locale),
                all=fmt_num(res.applicable_max + na_max, locale),
            )
        )
    elif left_out:  # a summary stored before the max they leave out was kept
        parts.append(
            thn(
                locale,
                "%(n)s criterion not applicable: left out of the max",
                "%(n)s criteria not applicable: left out of the max",
                left_out,
            )
        )
    if res.na_full:
        parts.append(
            thn(
                locale,
                "%(n)s criterion not applicable counts its full points",
                "%(n)s criteria not applicable count their full points",
                res.na_full,
            )
        )
    return join_lines(parts, " · ") if parts else None
