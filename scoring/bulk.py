"""Scoring thousands of units at once from their answers grouped by value (the cold ranking).

Right after an import no unit has a stored summary, and scoring 5,000 units × 120 answers one
leaf at a time costs seconds.  But across units the same few values recur per item, so the
database hands over each distinct (item, value) once with the units that gave it; each is
decoded and scored once, and a unit's field totals are counts of such outcomes (``Counter``
over unit ids, in C) times their points.  Only the leaves whose score depends on the unit or on
other leaves — survey, ``applies_to``, ``zero_unless`` and its targets — and appraised answers
are scored one by one, through the same :func:`scoring.results._leaf` as :func:`summarize`, so
every figure is the one :func:`summarize` gives (tests/scoring/test_bulk.py compares them).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, get_args

from scoring.answers import Answer
from scoring.catalog import ZERO, Catalog
from scoring.results import (
    FieldScore,
    ResultSummary,
    ScoreMemo,
    Source,
    _apply_zero_unless,
    _leaf,
    _summary,
)

Group = tuple[str, str, str]
"""(item code, stored answer value as JSON text, the ids of the units that gave it, comma-
separated): one distinct answer of the catalog with every unit that has it."""
Outcome = tuple[Decimal, Decimal, Source]
"""(points, applicable max, source) of one leaf."""
_UNSEEN: Any = object()


def decode_answer(text: str) -> Answer | None:
    """A stored value as an Answer; one the code can no longer read counts as unanswered."""
    try:
        return Answer.from_json(json.loads(text))
    except (ValueError, KeyError, TypeError):
        return None


@dataclass
class BulkUnit:
    """What besides its answers a unit is scored with (``key``: its id as text, as in a
    :data:`Group`)."""

    key: str
    tags: frozenset[str] = frozenset()
    appraised: Mapping[str, Decimal] = field(default_factory=dict)
    survey: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class _Plan:
    """Which leaves of a catalog are summed by outcome counts (plain) and which one by one."""

    section: dict[str, int]  # leaf code → 0..n-1 for fields, n bonus, n+1 penalty
    special: frozenset[str]
    order: tuple[str, ...]  # the special leaves in catalog order
    plain_max: tuple[Decimal, ...]  # per section: the sum of its plain leaves' max
    plain_count: int  # plain leaves (fields, bonus and penalty: all are asked and counted)

    @classmethod
    def of(cls, catalog: Catalog) -> _Plan:
        n = len(catalog.fields)
        section: dict[str, int] = {}
        for i, (_, leaves) in enumerate(catalog.leaves_by_field):
            section.update((leaf.code, i) for leaf in leaves)
        section.update((leaf.code, n) for leaf in catalog.bonus_leaves)
        section.update((leaf.code, n + 1) for leaf in catalog.penalty_leaves)
        special = {leaf.code for leaf in catalog.every_leaf if leaf.is_survey}
        special |= {leaf.code for leaf in catalog.every_leaf if not catalog.applies(leaf.code, ())}
        for leaf in catalog.zero_order:
            special.add(leaf.code)
            target = catalog.item(leaf.zero_unless or "")
            if target is not None:
                special.update(x.code for x in target.leaves())
        maxes = [ZERO] * (n + 2)
        plain = 0
        for leaf in catalog.every_leaf:
            if leaf.code not in special:
                maxes[section[leaf.code]] += leaf.max
                plain += 1
        order = tuple(leaf.code for leaf in catalog.every_leaf if leaf.code in special)
        return cls(section, frozenset(special), order, tuple(maxes), plain)


SOURCES: tuple[Source, ...] = get_args(Source)
"""Every source, in the order of the per-unit counters (all of them, so a new source cannot
be missed)."""


class _Totals:
    """One unit's running totals per section (as ``_compute`` sums them leaf by leaf): points,
    applicable max, pending max and not-applicable max per section, and the sources of all its
    leaves (fields, bonus and penalty)."""

    __slots__ = ("app", "counts", "na", "pend", "pts")

    def __init__(self, plan: _Plan, acc: list[Any]) -> None:
        s = len(plan.plain_max)
        self.pts: list[Decimal] = acc[:s]
        self.app = [mx + off for mx, off in zip(plan.plain_max, acc[s : 2 * s], strict=True)]
        self.na: list[Decimal] = acc[2 * s : 3 * s]
        self.pend = [ZERO] * s
        counted = dict(zip(SOURCES, acc[3 * s : 3 * s + len(SOURCES)], strict=True))
        # plain leaves without an outcome counted are unanswered
        counted["unanswered"] += plan.plain_count - sum(counted.values())
        self.counts: dict[Source, int] = counted

    def add(
        self, sec: int, pts: Decimal, app: Decimal, source: Source, mx: Decimal, n: int = 1
    ) -> None:
        """Count ``n`` leaves of max ``mx`` with this outcome (``n`` = -1 takes one back)."""
        self.pts[sec] += pts
        self.app[sec] += app
        self.counts[source] = self.counts.get(source, 0) + n
        if source == "pending":
            self.pend[sec] += mx * n
        elif source == "na":
            self.na[sec] += mx * n

    def na_max(self, sec: int) -> Decimal:
        """The section's not-applicable max; exactly ``ZERO`` when none is left out (as
        ``_compute`` starts it), even after an appraisal took one back."""
        na = self.na[sec]
        return na if na else ZERO


def summarize_many(
    catalog: Catalog, groups: Iterable[Group], units: Iterable[BulkUnit]
) -> dict[str, ResultSummary]:
    """Every unit's :func:`scoring.results.summarize` from the catalog's answers grouped by
    distinct value; answers of units not in ``units`` are ignored."""
    plan = _Plan.of(catalog)
    todo = {u.key: u for u in units}
    appraised_plain: dict[str, set[str]] = {}
    for u in todo.values():
        for code in u.appraised:
            if code in plan.section and code not in plan.special:
                appraised_plain.setdefault(code, set()).add(u.key)
    classes: dict[tuple[int, Decimal, Decimal, Source, Decimal], list[str]] = {}
    special: dict[str, dict[str, Answer]] = {}
    answered: dict[tuple[str, str], Outcome] = {}  # appraised plain leaves: what they replace
    memo: ScoreMemo = {}
    decoded: dict[str, Answer | None] = {}
    for code, text, ids in groups:
        if code not in plan.section:
            continue  # not a leaf of this catalog: never scored
        answer = decoded.get(text, _UNSEEN)
        if answer is _UNSEEN:
            answer = decoded[text] = decode_answer(text)
        if answer is None:
            continue  # unreadable: unanswered, as if absent
        leaf = catalog.item(code)
        assert leaf is not None
        if code in plan.special:
            for key in ids.split(","):
                special.setdefault(key, {})[code] = answer
            continue
        p, a, source, _ = _leaf(leaf, answer, None, None, memo)
        classes.setdefault((plan.section[code], p, a, source, leaf.max), []).append(ids)
        for key in appraised_plain.get(code, set()).intersection(ids.split(",")):
            answered[key, code] = (p, a, source)
    accs = _accumulate(plan, classes, todo)
    return {
        key: _unit_summary(
            catalog, plan, u, _Totals(plan, accs[key]), special.get(key, {}), answered, memo
        )
        for key, u in todo.items()
    }


def _accumulate(
    plan: _Plan,
    classes: Mapping[tuple[int, Decimal, Decimal, Source, Decimal], list[str]],
    todo: Mapping[str, BulkUnit],
) -> dict[str, list[Any]]:
    """Per unit, a flat list: points, applicable-max offsets and not-applicable max per
    section, then the number of leaves per source.  Each outcome's units are counted in C
    (``Counter``); then one short step per unit and outcome."""
    s = len(plan.plain_max)
    accs: dict[str, list[Any]] = {key: [ZERO] * (3 * s) + [0] * len(SOURCES) for key in todo}
    for (sec, p, a, source, leaf_max), parts in classes.items():
        if source == "unanswered":
            continue  # a value the catalog no longer accepts: as if absent
        ci = 3 * s + SOURCES.index(source)
        na = leaf_max if source == "na" else None  # left out of the max: kept as the na max
        off = a - leaf_max  # the leaf started unanswered, out of its max
        exp = p.as_tuple().exponent  # 0 with decimals (0.000) keeps summarize's form: add it
        adds = p != 0 or (isinstance(exp, int) and exp < 0)
        for key, n in Counter(",".join(parts).split(",")).items():
            acc = accs.get(key)
            if acc is None:
                continue  # a unit not asked for (another board)
            acc[ci] += n
            if adds:
                acc[sec] += p * n
            if off:
                acc[s + sec] += off * n
            if na is not None:
                acc[2 * s + sec] += na * n
    return accs


def _unit_summary(
    catalog: Catalog,
    plan: _Plan,
    unit: BulkUnit,
    totals: _Totals,
    special: Mapping[str, Answer],
    answered: Mapping[tuple[str, str], Outcome],
    memo: ScoreMemo,
) -> ResultSummary:
    key = unit.key
    for code, points in unit.appraised.items():
        if code in plan.section and code not in plan.special:
            leaf = catalog.item(code)
            assert leaf is not None
            _appraise(totals, plan.section[code], answered.get((key, code)), points, leaf.max)
    _add_special(catalog, plan, unit, special, totals, memo)
    n = len(catalog.fields)
    field_scores = [
        FieldScore(
            f.code, f.title, f.max, totals.pts[i], totals.app[i], totals.pend[i], totals.na_max(i)
        )
        for i, f in enumerate(catalog.fields)
    ]
    counts = {source: c for source, c in totals.counts.items() if c}
    bonus = min(totals.pts[n], catalog.bonus_max)
    penalty = min(totals.pts[n + 1], catalog.penalty_max)
    return _summary(catalog, field_scores, bonus, penalty, counts)


def _appraise(t: _Totals, sec: int, had: Outcome | None, points: Decimal, mx: Decimal) -> None:
    """Replace a plain leaf's answered (or unanswered) outcome by its appraised points."""
    p, a, source = had if had is not None and had[2] != "unanswered" else (ZERO, mx, "unanswered")
    t.add(sec, -p, -a, source, mx, -1)
    t.add(sec, min(points, mx), mx, "appraised", mx)


def _add_special(
    catalog: Catalog,
    plan: _Plan,
    unit: BulkUnit,
    answers: Mapping[str, Answer],
    totals: _Totals,
    memo: ScoreMemo,
) -> None:
    """The one-by-one leaves, as ``_score_leaves`` and ``_apply_zero_unless`` score them."""
    if not plan.special:
        return
    scored: dict[str, tuple[Decimal, Decimal, Source, Decimal | None]] = {}
    for code in plan.order:
        leaf = catalog.item(code)
        assert leaf is not None
        if not catalog.applies(code, unit.tags):
            scored[code] = (ZERO, ZERO, "not_for_unit", None)
            continue
        survey = unit.survey.get(code) if leaf.section == "field" else None
        scored[code] = _leaf(leaf, answers.get(code), unit.appraised.get(code), survey, memo)
    if catalog.zero_order:
        _apply_zero_unless(catalog, scored)
    for code, (p, a, source, _) in scored.items():
        leaf = catalog.item(code)
        assert leaf is not None
        totals.add(plan.section[code], p, a, source, leaf.max)
