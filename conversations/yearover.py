"""Year over year: a unit's index, rank and criteria against the previous year.

Where last year's figures come from is decided in one place, :func:`_last_year`: the previous
period's standings and unit results as ``conversations.assessment`` gives them — read from the
period's publication snapshot once it is published (what was announced, immune to later
imports), computed from its live answers otherwise.  Units are matched by code; criteria
through the catalog mapping (``conversations.newyear.mapping_for``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from conversations import assessment as A
from conversations.i18n import fmt_num, t
from conversations.newyear import mapping_for, previous_period
from scoring.answers import Answer
from scoring.catalog import Catalog, Item
from scoring.catalog_diff import Link
from scoring.results import UnitResult
from storage.repositories.rows import PeriodRow, UnitRow
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Previous:
    """A unit's published (or computed) figures of the previous year."""

    year: int
    index: Decimal
    rank: int
    of: int
    classification: str
    class_rank: int
    board: str


@dataclass(frozen=True)
class CriterionChange:
    link: Link
    before: Decimal
    now: Decimal

    @property
    def delta(self) -> Decimal:
        return self.now - self.before


@dataclass(frozen=True)
class LastYearAnswer:
    """Last year's answer to the criterion a card shows (read only; never copied)."""

    year: int
    item: Item
    answer: Answer | None
    points: Decimal | None
    explanation: str | None


async def _last_year(
    uow: UnitOfWork, period: PeriodRow
) -> tuple[PeriodRow, list[A.Standing]] | None:
    """The previous period and its standings: the one function that chooses the source (the
    publication snapshot when published, else live results — ``A.standings`` does both)."""
    prev = await previous_period(uow, period)
    if prev is None:
        return None
    return prev, await A.standings(uow, prev.year)


async def previous_figures(uow: UnitOfWork, period: PeriodRow) -> dict[str, Previous]:
    """``{unit code: last year's figures}`` for every unit ranked in the previous period."""
    got = await _last_year(uow, period)
    if got is None:
        return {}
    prev, rows = got
    return {
        r.unit.code: Previous(
            prev.year,
            r.result.index,
            r.ranked.rank,
            r.ranked.of,
            r.result.classification,
            r.result.class_rank,
            r.unit.board,
        )
        for r in rows
    }


def _answer(value: Any) -> Answer | None:
    try:
        return Answer.from_json(value)
    except (ValueError, KeyError, TypeError):
        return None


def previous_json(p: Previous | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "year": p.year,
        "index": float(p.index),
        "rank": p.rank,
        "of": p.of,
        "classification": p.classification,
    }


async def _unit_results(
    uow: UnitOfWork, unit: UnitRow
) -> (
    tuple[PeriodRow, PeriodRow, UnitRow, tuple[Catalog, UnitResult], tuple[Catalog, UnitResult]]
    | None
):
    period = await uow.periods.get(unit.period_id)
    prev = await previous_period(uow, period) if period is not None else None
    if period is None or prev is None:
        return None
    old_unit = await uow.units.get_by_code(prev.id, unit.code)
    if old_unit is None:
        return None
    now = await A.unit_result(uow, unit)
    before = await A.unit_result(uow, old_unit)  # snapshot when published, as _last_year
    if now is None or before is None:
        return None
    return period, prev, old_unit, before, now


async def _link_finder(
    uow: UnitOfWork, period: PeriodRow, prev: PeriodRow, old_cat: str, new_cat: str
) -> Callable[[str], Link | None]:
    for pair in await mapping_for(uow, period, prev):
        if pair.old_catalog == old_cat and pair.new_catalog == new_cat:
            return pair.link_for_new
    return lambda _code: None


async def criteria_changes(uow: UnitOfWork, unit: UnitRow) -> list[CriterionChange] | None:
    """Criteria whose points changed since last year, biggest gain first then biggest loss
    (None when the unit has no previous year)."""
    got = await _unit_results(uow, unit)
    if got is None:
        return None
    period, prev, _old_unit, (old_cat, before), (new_cat, now) = got
    find = await _link_finder(uow, period, prev, old_cat.id, new_cat.id)
    seen: set[tuple[str, ...]] = set()
    out: list[CriterionChange] = []
    for code in now.leaves:
        link = find(code)
        if link is None or not link.comparable or link.new in seen:
            continue
        seen.add(link.new)
        b = sum((before.leaves[c].points for c in link.old if c in before.leaves), Decimal(0))
        n = sum((now.leaves[c].points for c in link.new if c in now.leaves), Decimal(0))
        if b != n:
            out.append(CriterionChange(link, b, n))
    out.sort(key=lambda c: -c.delta)
    return out


async def last_year_answers(
    uow: UnitOfWork, unit: UnitRow, catalog: Catalog
) -> dict[str, LastYearAnswer]:
    """``{this year's code: last year's answer}`` where one criterion of last year maps onto
    it.  Empty without a previous year (one query: the periods)."""
    period = await uow.periods.get(unit.period_id)
    prev = await previous_period(uow, period) if period is not None else None
    if period is None or prev is None:
        return {}
    found = None
    old_unit = await uow.units.get_by_code(prev.id, unit.code)
    if old_unit is not None:
        found = await A.unit_catalog(uow, old_unit)
    if old_unit is None or found is None:
        return {}
    _row, old_cat = found
    find = await _link_finder(uow, period, prev, old_cat.id, catalog.id)
    answers = await uow.answers.list_for_unit(old_unit.id)
    notes = await uow.answers.explanations_for_unit(old_unit.id)
    out: dict[str, LastYearAnswer] = {}
    for leaf in catalog.leaves():
        link = find(leaf.code)
        if link is None or len(link.old) != 1:
            continue
        old_code = link.old[0]
        old_item = old_cat.item(old_code)
        row = answers.get(old_code)
        note = notes.get(old_code)
        if old_item is None or (row is None and note is None):
            continue
        answer = _answer(row.value) if row is not None else None
        out[leaf.code] = LastYearAnswer(
            prev.year,
            old_item,
            answer,
            row.points if row is not None else None,
            note.text if note is not None else None,
        )
    return out


def previous_text(p: Previous | None, locale: str) -> str:
    """ "  2025: 71,2 (hạng 7)" after a `parbot rank` row; empty without a previous year."""
    if p is None:
        return ""
    return "  " + t(
        locale,
        "%(year)s: %(index)s (rank %(rank)s)",
        year=p.year,
        index=fmt_num(p.index, locale),
        rank=p.rank,
    )
