"""Ranking units on a board (bảng xếp hạng).

Ties share a rank ("1, 2, 2, 4", standard competition ranking) and the order among tied units is
by unit code, so the same data always prints the same table. Pending survey points give every unit
a range of indexes, hence a best and worst rank it can still reach.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter


@dataclass(frozen=True)
class Entry:
    board: str
    unit: str
    name: str
    index: Decimal
    index_low: Decimal | None = None
    index_high: Decimal | None = None


@dataclass(frozen=True)
class Ranked:
    entry: Entry
    rank: int
    of: int
    best_rank: int
    worst_rank: int


def rank_board(entries: Iterable[Entry]) -> list[Ranked]:
    """Rank the entries of one board, highest index first."""
    # by unit, then (stable, also in reverse) by index, highest first: ordered by (-index,
    # unit) with the keys read in C (thousands of entries: a third of the time of a Python key)
    ordered = sorted(entries, key=_UNIT)
    ordered.sort(key=_INDEX, reverse=True)
    low_of = [e.index if e.index_low is None else e.index_low for e in ordered]
    high_of = [e.index if e.index_high is None else e.index_high for e in ordered]
    lows = sorted(low_of)
    highs = sorted(high_of)
    out: list[Ranked] = []
    n = len(ordered)
    rank, previous = 0, None
    for pos, (e, low, high) in enumerate(zip(ordered, low_of, high_of, strict=True)):
        if pos == 0 or previous != e.index:
            rank, previous = pos + 1, e.index
        # best case: this unit at its high, all others at their low (and the converse for worst)
        best = 1 + n - bisect_right(lows, high)
        worst = 1 + n - bisect_right(highs, low) - (1 if high > low else 0)
        out.append(Ranked(e, rank, n, min(best, rank), max(worst, rank)))
    return out


_UNIT = attrgetter("unit")
_INDEX = attrgetter("index")


def rank_boards(entries: Iterable[Entry]) -> dict[str, list[Ranked]]:
    """Rank every board separately; boards in a stable order (department before commune)."""
    by_board: dict[str, list[Entry]] = {}
    for e in entries:
        by_board.setdefault(e.board, []).append(e)
    order = {"department": 0, "commune": 1}
    return {
        b: rank_board(es)
        for b, es in sorted(by_board.items(), key=lambda kv: (order.get(kv[0], 9), kv[0]))
    }
