"""Scoring thousands of units at once from their answers grouped by value (the cold ranking).

Right after an import no unit has a stored summary, and scoring 5,000 units × 120 answers one
leaf at a time costs seconds.  But across units the same few values recur per item, so the
database hands over each distinct (item, value) once with the units that gave it, a run of
items at a time (:class:`BulkScorer` scores a run while the next is read); each value is
decoded once and scored once per scoring rule (items often repeat one), and a unit's totals
are counts of such outcomes (``Counter`` over unit ids, in C) times their points, summed for
all units at once as big integers holding a word per unit (:func:`_accumulate`).  Only the
leaves whose score depends on the unit or on other leaves — survey, ``applies_to``,
``zero_unless`` and its targets — and appraised answers are scored one by one, through the
same :func:`scoring.results._leaf` as :func:`summarize`.

The totals are summed as integers (every figure times ``10**d``, ``d`` the most decimals any
figure has: exact), and the figures :func:`summarize` derives from them — percentages, the
index and its range (half-up to hundredths: exact integer division of the same rationals), the
class — straight into the stored summary's JSON text; a unit's :class:`ResultSummary` is only
built when asked for.  tests/scoring/test_bulk.py checks every unit against :func:`summarize`.
"""

from __future__ import annotations

import json
import operator
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from itertools import repeat
from typing import Any, get_args

from scoring.answers import Answer
from scoring.catalog import ZERO, Catalog, ClassRule, Item
from scoring.classes import class_label
from scoring.results import ResultSummary, ScoreMemo, Source, _apply_zero_unless, _leaf

Group = tuple[str, str, str]
"""(item code, stored answer value as JSON text, the ids of the units that gave it, comma-
separated): one distinct answer of the catalog with every unit that has it."""
Outcome = tuple[Decimal, Decimal, Source]
"""(points, applicable max, source) of one leaf."""
Step = tuple[int, Decimal, Decimal, Source, Decimal, int]
"""(section, points, applicable max, source, leaf max, how many leaves: -1 takes one back)."""
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


class BulkResult:
    """A unit's summary as the bulk scorer gives it: what ranking needs (the index, its range,
    whether survey points are pending) and :meth:`ResultSummary.to_json` as compact JSON text
    (``body``, without its closing brace), the form the standings cache stores: the same
    values, decimals written without trailing zeros (``"7.5"`` where a sum of ``0.50``
    points would print ``"7.50"``), the source counts in :data:`SOURCES` order."""

    __slots__ = ("body", "index", "index_high", "index_low", "pending")

    def __init__(
        self, index: Decimal, index_low: Decimal, index_high: Decimal, pending: bool, body: str
    ) -> None:
        self.index = index
        self.index_low = index_low
        self.index_high = index_high
        self.pending = pending
        self.body = body

    def json_text(self, basis: str | None = None) -> str:
        """The stored summary, with the ranking ``basis`` when given."""
        if basis is None:
            return self.body + "}"
        return f"{self.body},{_basis_json(basis)}}}"

    def summary(self, catalog: Catalog) -> ResultSummary:
        """The unit's summary as :func:`summarize` gives it (decoded from the JSON text)."""
        return ResultSummary.from_json(
            json.loads(self.json_text()), {f.code: f.title for f in catalog.fields}
        )


@cache
def _basis_json(basis: str) -> str:
    """The ``basis`` member of a stored summary (a handful of values, each written once)."""
    return f'"basis":{json.dumps(basis)}'


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
_UNANSWERED = SOURCES.index("unanswered")
_PENDING = SOURCES.index("pending")


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


class _Lanes:
    """A unit's totals as one flat list of integers (every figure times ``10**digits``): per
    section (fields, bonus, penalty) its points, applicable max, pending max and not-applicable
    max, then the number of leaves per source."""

    def __init__(self, sections: int, digits: int) -> None:
        self.s = sections
        self.scale = 10**digits
        self.digits = digits
        self.counts = 4 * sections

    def of(self, value: Decimal) -> int:
        """``value`` times ``10**digits``: exact, ``digits`` covers its decimals."""
        return int(value.scaleb(self.digits))

    def deltas(self, step: Step) -> list[tuple[int, int]]:
        """(lane, amount) pairs one leaf with this outcome adds (times its ``n``)."""
        sec, p, a, source, mx, n = step
        s, out = self.s, []
        if p:
            out.append((sec, self.of(p) * n))
        if a:
            out.append((s + sec, self.of(a) * n))
        if source == "pending":
            out.append((2 * s + sec, self.of(mx) * n))
        elif source == "na":
            out.append((3 * s + sec, self.of(mx) * n))
        out.append((self.counts + SOURCES.index(source), n))
        return out

    def start(self, plan: _Plan) -> list[int]:
        """Every plain leaf unanswered: counted in its section's max, as ``_leaf`` starts it."""
        acc = [0] * (self.counts + len(SOURCES))
        for sec, mx in enumerate(plan.plain_max):
            acc[self.s + sec] = self.of(mx)
        acc[self.counts + _UNANSWERED] = plan.plain_count
        return acc


def summarize_many(
    catalog: Catalog, groups: Iterable[Group], units: Iterable[BulkUnit | str]
) -> dict[str, BulkResult]:
    """Every unit's :func:`scoring.results.summarize` (as :class:`BulkResult`) from the
    catalog's answers grouped by distinct value; answers of units not in ``units`` are
    ignored.  A unit given by its key alone has no tags, appraisals nor survey points."""
    scorer = BulkScorer(catalog, units)
    scorer.add(groups)
    return scorer.finish()


ClassKey = tuple[int, Decimal, Decimal, Source, Decimal]
"""(section, points, applicable max, source, leaf max): one outcome of a plain leaf."""


class BulkScorer:
    """:func:`summarize_many` in steps: the grouped answers are handed over a batch at a
    time (:meth:`add`, while the database reads the next batch) and the results taken at
    the end (:meth:`finish`); the groups may come in any order and batches."""

    def __init__(self, catalog: Catalog, units: Iterable[BulkUnit | str]) -> None:
        self.catalog = catalog
        self.plan = plan = _Plan.of(catalog)
        self.todo: dict[str, BulkUnit | None] = {}  # None: a plain unit, nothing one by one
        for given in units:
            if isinstance(given, str):
                self.todo[given] = BulkUnit(given) if plan.special else None
            else:
                self.todo[given.key] = given
        self.appraised_plain: dict[str, set[str]] = {}
        for unit in self.todo.values():
            if unit is None:
                continue
            for code in unit.appraised:
                if code in plan.section and code not in plan.special:
                    self.appraised_plain.setdefault(code, set()).add(unit.key)
        self.counted: dict[ClassKey, Counter[str]] = {}
        """Per plain outcome, how many of its leaves each unit (by key) has with it."""
        self.special: dict[str, dict[str, Answer]] = {}
        """The special leaves' answers per unit."""
        self.answered: dict[tuple[str, str], Outcome] = {}
        """What the answers of appraised plain leaves scored (the appraisal replaces it)."""
        self.decoded: dict[str, Answer | None] = {}
        self.rules = rules = _rules(catalog)
        self.leaves_info: dict[str, tuple[int, int, Item, bool]] = {}
        """Per leaf code: its section, scoring rule, item and whether it is special (looked
        up once per distinct answer: tens of thousands in a cold ranking)."""
        for code, section in plan.section.items():
            leaf = catalog.item(code)
            assert leaf is not None
            self.leaves_info[code] = (section, rules[code], leaf, code in plan.special)
        self.outcomes: dict[tuple[int, str], tuple[Decimal, Decimal, Source]] = {}
        """A value's outcome on the leaves of one rule (by :func:`_rules`' number)."""

    @property
    def leaves(self) -> Collection[str]:
        """The codes whose answers :meth:`add` scores (the catalog's leaves; others it skips)."""
        return self.plan.section.keys()

    def add(self, groups: Iterable[Group]) -> None:
        """Score each distinct answer of ``groups`` once and count its units by outcome (the
        ids of one outcome joined and counted in C, once per batch)."""
        leaves, decoded, outcomes = self.leaves_info, self.decoded, self.outcomes
        batch: dict[ClassKey, list[str]] = {}
        for code, text, ids in groups:
            info = leaves.get(code)
            if info is None:
                continue  # not a leaf of this catalog: never scored
            answer = decoded.get(text, _UNSEEN)
            if answer is _UNSEEN:
                answer = decoded[text] = decode_answer(text)
            if answer is None:
                continue  # unreadable: unanswered, as if absent
            section, rule, leaf, special = info
            if special:
                for key in ids.split(","):
                    self.special.setdefault(key, {})[code] = answer
                continue
            scored = (rule, text)
            outcome = outcomes.get(scored)
            if outcome is None:
                p, a, source, _ = _leaf(leaf, answer, None, None, None)
                outcome = outcomes[scored] = (p, a, source)
            p, a, source = outcome
            batch.setdefault((section, p, a, source, leaf.max), []).append(ids)
            if code in self.appraised_plain:
                for key in self.appraised_plain[code].intersection(ids.split(",")):
                    self.answered[key, code] = (p, a, source)
        for cls, parts in batch.items():
            counted = self.counted.get(cls)
            if counted is None:
                counted = self.counted[cls] = Counter()
            if cls[3] != "unanswered":  # a value the catalog no longer accepts: as if absent
                counted.update(",".join(parts).split(","))

    def finish(self) -> dict[str, BulkResult]:
        """Every unit's result, from the groups added so far."""
        catalog, plan, todo = self.catalog, self.plan, self.todo
        memo: ScoreMemo = {}
        steps: dict[str, list[Step]] = {}
        for key, unit in todo.items():
            if unit is not None:
                answers = self.special.get(key, {})
                unit_steps = _unit_steps(catalog, plan, unit, answers, self.answered, memo)
                if unit_steps:
                    steps[key] = unit_steps
        classes = self.counted
        figures = [catalog.bonus_max, catalog.penalty_max, catalog.scale, *plan.plain_max]
        figures += [x for cls in classes for x in cls[1:3]] + [cls[4] for cls in classes]
        figures += [x for unit in steps.values() for st in unit for x in (st[1], st[2], st[4])]
        lanes = _Lanes(len(plan.plain_max), max(map(_decimals, figures)))
        keys = list(todo)
        columns = _accumulate(lanes, plan, classes, keys)
        position = {key: i for i, key in enumerate(keys)}
        for key, unit_steps in steps.items():
            at = position[key]
            for step in unit_steps:
                for lane, amount in lanes.deltas(step):
                    columns[lane][at] += amount
        return dict(zip(keys, _Finisher(catalog, lanes).all(columns), strict=True))


def _rules(catalog: Catalog) -> dict[str, int]:
    """Leaf code → the number of its scoring rule: leaves with the same max, not-applicable
    policy and answer spec (written alike: ``repr``) score an answer alike, as
    ``scoring.results._leaf`` scores a plain leaf from nothing else (a catalog often repeats
    a rule — the same bands, the same options — over many items)."""
    seen: dict[tuple[str, str | None, str], int] = {}
    return {
        leaf.code: seen.setdefault((repr(leaf.max), leaf.na, repr(leaf.answer)), len(seen))
        for leaf in catalog.every_leaf
    }


def _unit_steps(
    catalog: Catalog,
    plan: _Plan,
    unit: BulkUnit,
    answers: Mapping[str, Answer],
    answered: Mapping[tuple[str, str], Outcome],
    memo: ScoreMemo,
) -> list[Step]:
    """What the counted outcomes leave out for one unit: its appraisals of plain leaves (the
    answer's outcome taken back, the appraised points added) and its special leaves, as
    ``_score_leaves`` and ``_apply_zero_unless`` score them."""
    out: list[Step] = []
    for code, points in unit.appraised.items():
        if code in plan.section and code not in plan.special:
            leaf = catalog.item(code)
            assert leaf is not None
            sec, mx = plan.section[code], leaf.max
            had = answered.get((unit.key, code))
            p, a, source = had if had and had[2] != "unanswered" else (ZERO, mx, "unanswered")
            out.append((sec, p, a, source, mx, -1))
            out.append((sec, min(points, mx), mx, "appraised", mx, 1))
    if not plan.special:
        return out
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
        out.append((plan.section[code], p, a, source, leaf.max, 1))
    return out


def _accumulate(
    lanes: _Lanes,
    plan: _Plan,
    classes: Mapping[ClassKey, Counter[str]],
    keys: Sequence[str],
) -> list[list[int]]:
    """Every lane of :class:`_Lanes` as a column over the units (``keys``' order), from the
    plain leaves' outcomes alone.

    Each outcome's units, counted in C by :meth:`BulkScorer.add` (``Counter``), are laid out
    as one big integer, a 64-bit word per unit (:func:`_pack`); a lane is then a handful of
    big-integer products and sums over those (each unit's word holds its own total, see
    :func:`_unpack`), instead of one Python step per unit, outcome and lane."""
    width = lanes.counts + len(SOURCES)
    start = lanes.start(plan)
    found: list[tuple[list[tuple[int, int]], list[int]]] = []
    bound = [abs(x) for x in start]  # no lane's total can be further from zero
    for (sec, p, a, source, mx), counted in classes.items():
        if source == "unanswered":
            continue  # a value the catalog no longer accepts: as if absent
        # the leaf started unanswered, counted in its max: that outcome is taken back
        moves = lanes.deltas((sec, p, a - mx, source, mx, 1))
        moves.append((lanes.counts + _UNANSWERED, -1))
        column = list(map(counted.get, keys, repeat(0)))  # units not asked for: left out
        top = max(column, default=0)
        for lane, amount in moves:
            bound[lane] += abs(amount) * top
        found.append((moves, column))
    word = _WORD
    while max(bound, default=0) >= 1 << (8 * word - 1):
        word *= 2
    n = len(keys)
    totals: dict[int, int] = {}
    for moves, column in found:
        packed = _pack(column, word)
        for lane, amount in moves:
            totals[lane] = totals.get(lane, 0) + amount * packed
    ones = _pack([1] * n, word)
    return [
        _unpack(totals[lane] + start[lane] * ones, n, word) if lane in totals else [start[lane]] * n
        for lane in range(width)
    ]


_WORD = 8
"""Bytes per unit in a packed column: wider only when a lane's total could need it."""


def _pack(column: Sequence[int], word: int) -> int:
    """``column`` (values ≥ 0) as one integer, ``word`` bytes per value, the first value
    lowest: sums and multiples of packed columns are packed columns of the sums and multiples
    (negative ones too, see :func:`_unpack`), as long as no value outgrows its word."""
    if word == 8:
        return int.from_bytes(array("Q", column), sys.byteorder)
    return int.from_bytes(b"".join(x.to_bytes(word, "little") for x in column), "little")


def _unpack(packed: int, n: int, word: int) -> list[int]:
    """The ``n`` values of a packed column.  Each is within ±2**(8 word - 1): adding that half
    to every word (one addition, no carries) makes every word non-negative, and flipping its
    top bit again (one exclusive or) leaves the two's complement of the value itself."""
    half = 1 << (8 * word - 1)
    bias = half * _pack([1] * n, word) if n else 0
    raw = ((packed + bias) ^ bias).to_bytes(n * word, sys.byteorder if word == 8 else "little")
    if word == 8:
        values = array("q")
        values.frombytes(raw)
        return values.tolist()
    return [
        int.from_bytes(raw[i : i + word], "little", signed=True) for i in range(0, n * word, word)
    ]


def _half_up(num: int, den: int) -> int:
    """``num / den`` rounded half away from zero to an integer, as ``quantize(…,
    ROUND_HALF_UP)`` rounds the same quotient (``den`` ≠ 0)."""
    if den < 0:
        num, den = -num, -den
    if num >= 0:
        return (2 * num + den) // (2 * den)
    return -((-2 * num + den) // (2 * den))


class _Cache(dict[Any, Any]):
    """A dict that fills a missing entry with ``make(key)``: looked up in C by ``map``."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.make(key)
        return value


class _Finisher:
    """The units' lanes to their :class:`BulkResult`: what ``scoring.results._summary``
    derives (field percentages, index and range, class), in exact integer arithmetic, and the
    JSON text of ``ResultSummary.to_json``.

    Across thousands of units a field's four totals, the index inputs, the counts and the
    class inputs take few distinct values; each is worked out once (:class:`_Cache`) and the
    units only look them up, lane by lane in C where it can be."""

    def __init__(self, catalog: Catalog, lanes: _Lanes) -> None:
        self.catalog = catalog
        self.lanes = lanes
        self.n = len(catalog.fields)
        self.scale_num, self.scale_den = catalog.scale.as_integer_ratio()
        self.top = _half_up(100 * self.scale_num, self.scale_den)  # q2(scale), in hundredths
        self.bonus_max = lanes.of(catalog.bonus_max)
        self.penalty_max = lanes.of(catalog.penalty_max)
        self.codes = [f.code for f in catalog.fields]
        self.heads = [f"[{_js(f.code)},{_js(str(f.max))}," for f in catalog.fields]
        self.head = f'{{"catalog":{_js(catalog.id)},"index":['
        self.texts = _Cache(self._text)
        self.cents = _Cache(lambda h: Decimal(h).scaleb(-2))
        self.fields = _Cache(self._field)
        self.indexes = _Cache(self._indexes)
        self.counts = _Cache(self._counts)
        self.rules = catalog.classification
        self.passes = _Cache(self._passes)
        self.index_passes = _Cache(self._index_passes)
        self.penalty_passes = _Cache(self._penalty_passes)
        self.labels = _Cache(self._label)

    def _text(self, value: int) -> str:
        """``value`` (times ``10**digits``) as a JSON string of its decimal."""
        number = str(Decimal(value).scaleb(-self.lanes.digits))
        if "." in number and "E" not in number:
            number = number.rstrip("0").rstrip(".")
        return f'"{number}"'

    def _field(self, key: tuple[int, int, int, int, int]) -> tuple[str, int | None, int]:
        """Field ``i``'s JSON, its percentage in hundredths (None: nothing applicable) and the
        percentage's :meth:`band` against the class rules' limits for the field."""
        i, p, a, pend, na = key
        text = self.texts
        frag = f"{self.heads[i]}{text[p]},{text[a]},{text[pend]},{text[na]}]"
        if not a:
            return frag, None, self.passes[i, None]
        pct = _half_up(10_000 * p, a)
        return frag, pct, self.passes[i, pct]

    def index(self, num: int, den: int, extra: int) -> int:
        """``_summary``'s ``to_index`` in hundredths: scale × num ÷ den + bonus − penalty
        (``extra``), kept within 0..scale and rounded half-up."""
        big = self.lanes.scale
        if den > 0:
            top = self.scale_num * num * big + extra * den * self.scale_den
            bottom = self.scale_den * den * big
        else:
            top, bottom = extra, big
        if top <= 0:
            return 0
        if top * self.scale_den >= self.scale_num * bottom:
            return self.top
        return _half_up(100 * top, bottom)

    def _indexes(self, key: tuple[int, int, int, int]) -> tuple[int, int, int]:
        """The index and its range (hundredths) of (points, applicable, pending, extra)."""
        points, applicable, pending, extra = key
        index = self.index(points, applicable, extra)
        low = min(self.index(points, applicable + pending, extra), index)
        high = max(self.index(points + pending, applicable + pending, extra), index)
        return index, low, high

    def _counts(self, counts: tuple[int, ...]) -> str:
        return (
            '"counts":{'
            + ",".join(f'"{src}":{c}' for src, c in zip(SOURCES, counts, strict=True) if c)
            + "}"
        )

    def all(self, columns: list[list[int]]) -> list[BulkResult]:
        """Every unit's result, from the lane columns of :func:`_accumulate`: column by column
        through the caches, then one string per unit."""
        n, s, text, cents = self.n, self.lanes.s, self.texts, self.cents
        fields = [
            list(map(self.fields.__getitem__, zip(repeat(i), *columns[i : 4 * s : s])))
            for i in range(n)
        ]
        points = list(map(sum, zip(*columns[:n], strict=True)))
        applicable = list(map(sum, zip(*columns[s : s + n], strict=True)))
        pending = list(map(sum, zip(*columns[2 * s : 2 * s + n], strict=True)))
        bonus = list(map(min, columns[n], repeat(self.bonus_max)))
        penalty = list(map(min, columns[n + 1], repeat(self.penalty_max)))
        ranges = list(
            map(
                self.indexes.__getitem__,
                zip(points, applicable, pending, map(operator.sub, bonus, penalty), strict=True),
            )
        )
        index = [r[0] for r in ranges]
        klass = self._classes(index, penalty, fields)
        frags = map(",".join, zip(*[[f[0] for f in column] for column in fields], strict=True))
        totals = map(
            ",".join,
            zip(
                *[list(map(text.__getitem__, x)) for x in (points, applicable, bonus, penalty)],
                strict=True,
            ),
        )
        counts = map(self.counts.__getitem__, zip(*columns[self.lanes.counts :], strict=True))
        waiting = columns[self.lanes.counts + _PENDING]
        return [
            BulkResult(
                cents[i],
                cents[low],
                cents[high],
                wait > 0,
                f'{self.head}"{cents[i]}","{cents[low]}","{cents[high]}"],{k},"fields":[{f}],'
                f'"totals":[{t}],{c}',
            )
            for (i, low, high), k, f, t, c, wait in zip(
                ranges, klass, frags, totals, counts, waiting, strict=True
            )
        ]

    def _classes(
        self, index: list[int], penalty: list[int], fields: list[list[tuple[str, int | None, int]]]
    ) -> list[str]:
        """Every unit's ``"class"`` member.  Classifying compares the index, the penalty and
        the field percentages with the rules' thresholds and nothing else
        (:func:`scoring.classes._holds`), so units whose figures fall in the same
        :func:`_band` of every threshold set have the same class: one classified per band."""
        held = list(
            map(
                operator.and_,
                map(self.index_passes.__getitem__, index),
                map(self.penalty_passes.__getitem__, penalty),
            )
        )
        for column in fields:
            held = list(map(operator.and_, held, [f[2] for f in column]))
        return list(map(self.labels.__getitem__, held))

    def _label(self, held: int) -> str:
        """The ``"class"`` member of the units whose rules that hold are the bits of ``held``."""
        rule = next((r for r in range(len(self.rules)) if held >> r & 1), None)
        rank = len(self.rules) if rule is None else rule
        return f'"class":[{rank},{_js(class_label(self.catalog, rule))}]'

    def _bits(self, holds: Callable[[ClassRule], bool]) -> int:
        return sum(1 << r for r, rule in enumerate(self.rules) if holds(rule))

    def _index_passes(self, index: int) -> int:
        """The rules whose least index ``index`` (hundredths) reaches, as bits."""
        value = self.cents[index]
        return self._bits(lambda r: r.min_index is None or not value < r.min_index)

    def _penalty_passes(self, penalty: int) -> int:
        """The rules whose greatest penalty ``penalty`` (times ``10**digits``) stays within."""
        value = Decimal(penalty).scaleb(-self.lanes.digits)
        return self._bits(lambda r: r.max_penalty is None or not value > r.max_penalty)

    def _passes(self, key: tuple[int, int | None]) -> int:
        """The rules field ``i``'s percentage (hundredths, None: nothing applicable) does not
        fail, as :func:`scoring.classes._holds` checks each field."""
        i, pct = key
        code = self.codes[i]
        value = None if pct is None else self.cents[pct]

        def holds(r: ClassRule) -> bool:
            if value is None or not (r.field_pcts or r.min_field_pct is not None):
                return True
            limit = r.field_limit(code)
            return limit is None or not value < limit

        return self._bits(holds)


def _js(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
