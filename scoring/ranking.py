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
    ordered = sorted(entries, key=_order)
    lows = sorted(map(_low, ordered))
    highs = sorted(map(_high, ordered))
    out: list[Ranked] = []
    n = len(ordered)
    rank, previous = 0, None
    for pos, e in enumerate(ordered):
        if pos == 0 or previous != e.index:
            rank, previous = pos + 1, e.index
        low, high = _low(e), _high(e)
        # best case: this unit at its high, all others at their low (and the converse for worst)
        best = 1 + n - bisect_right(lows, high)
        worst = 1 + n - bisect_right(highs, low) - (1 if high > low else 0)
        out.append(Ranked(e, rank, n, min(best, rank), max(worst, rank)))
    return out


def _order(e: Entry) -> tuple[Decimal, str]:
    return -e.index, e.unit


def _low(e: Entry) -> Decimal:
    return e.index_low if e.index_low is not None else e.index


def _high(e: Entry) -> Decimal:
    return e.index_high if e.index_high is not None else e.index


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
