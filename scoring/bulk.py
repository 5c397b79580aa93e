"""Scoring thousands of units at once from their answers grouped by value (the cold ranking).

Right after an import no unit has a stored summary, and scoring 5,000 units × 120 answers one
leaf at a time costs seconds.  But across units the same few values recur per item, so the
database hands over each distinct (item, value) once with the units that gave it; each is
decoded and scored once, and a unit's totals are counts of such outcomes (``Counter`` over unit
ids, in C) times their points.  Only the leaves whose score depends on the unit or on other
leaves — survey, ``applies_to``, ``zero_unless`` and its targets — and appraised answers are
scored one by one, through the same :func:`scoring.results._leaf` as :func:`summarize`.

The totals are summed as integers (every figure times ``10**d``, ``d`` the most decimals any
figure has: exact), and the figures :func:`summarize` derives from them — percentages, the
index and its range (half-up to hundredths: exact integer division of the same rationals), the
class — straight into the stored summary's JSON text; a unit's :class:`ResultSummary` is only
built when asked for.  tests/scoring/test_bulk.py checks every unit against :func:`summarize`.
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
from scoring.classes import class_label, classify
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


@dataclass(frozen=True)
class BulkResult:
    """A unit's summary as the bulk scorer gives it: what ranking needs (the index, its range,
    whether survey points are pending) and :meth:`ResultSummary.to_json` as compact JSON text
    (``body``, without its closing brace), the form the standings cache stores: the same
    values, decimals written without trailing zeros (``"7.5"`` where a sum of ``0.50``
    points would print ``"7.50"``), the source counts in :data:`SOURCES` order."""

    index: Decimal
    index_low: Decimal
    index_high: Decimal
    pending: bool
    body: str

    def json_text(self, basis: str | None = None) -> str:
        """The stored summary, with the ranking ``basis`` when given."""
        if basis is None:
            return self.body + "}"
        return f"{self.body},{_JSON_BASIS}{json.dumps(basis)}}}"

    def summary(self, catalog: Catalog) -> ResultSummary:
        """The unit's summary as :func:`summarize` gives it (decoded from the JSON text)."""
        return ResultSummary.from_json(
            json.loads(self.json_text()), {f.code: f.title for f in catalog.fields}
        )


_JSON_BASIS = '"basis":'


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
    catalog: Catalog, groups: Iterable[Group], units: Iterable[BulkUnit]
) -> dict[str, BulkResult]:
    """Every unit's :func:`scoring.results.summarize` (as :class:`BulkResult`) from the
    catalog's answers grouped by distinct value; answers of units not in ``units`` are
    ignored."""
    plan = _Plan.of(catalog)
    todo = {u.key: u for u in units}
    memo: ScoreMemo = {}
    classes, special, answered = _classes(catalog, plan, groups, todo)
    steps = {
        key: _unit_steps(catalog, plan, u, special.get(key, {}), answered, memo)
        for key, u in todo.items()
    }
    figures = [catalog.bonus_max, catalog.penalty_max, catalog.scale, *plan.plain_max]
    figures += [x for cls in classes for x in cls[1:3]] + [cls[4] for cls in classes]
    figures += [x for unit in steps.values() for st in unit for x in (st[1], st[2], st[4])]
    lanes = _Lanes(len(plan.plain_max), max(map(_decimals, figures)))
    accs = _accumulate(lanes, plan, classes, steps)
    finish = _Finisher(catalog, lanes)
    return {key: finish(acc) for key, acc in accs.items()}


def _classes(
    catalog: Catalog,
    plan: _Plan,
    groups: Iterable[Group],
    todo: Mapping[str, BulkUnit],
) -> tuple[
    dict[tuple[int, Decimal, Decimal, Source, Decimal], list[str]],
    dict[str, dict[str, Answer]],
    dict[tuple[str, str], Outcome],
]:
    """Each distinct answer scored once: the plain leaves' outcomes with the units that have
    them (``classes``), the special leaves' answers per unit, and what the answers of
    appraised plain leaves scored (the appraisal replaces it)."""
    appraised_plain: dict[str, set[str]] = {}
    for u in todo.values():
        for code in u.appraised:
            if code in plan.section and code not in plan.special:
                appraised_plain.setdefault(code, set()).add(u.key)
    classes: dict[tuple[int, Decimal, Decimal, Source, Decimal], list[str]] = {}
    special: dict[str, dict[str, Answer]] = {}
    answered: dict[tuple[str, str], Outcome] = {}
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
        p, a, source, _ = _leaf(leaf, answer, None, None, None)  # each value comes once
        classes.setdefault((plan.section[code], p, a, source, leaf.max), []).append(ids)
        if code in appraised_plain:
            for key in appraised_plain[code].intersection(ids.split(",")):
                answered[key, code] = (p, a, source)
    return classes, special, answered


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
    classes: Mapping[tuple[int, Decimal, Decimal, Source, Decimal], list[str]],
    steps: Mapping[str, list[Step]],
) -> dict[str, list[int]]:
    """Per unit, its :class:`_Lanes`.  Each outcome's units are counted in C (``Counter``);
    then one short integer step per unit and outcome."""
    start = lanes.start(plan)
    accs = {key: start.copy() for key in steps}
    for (sec, p, a, source, mx), parts in classes.items():
        if source == "unanswered":
            continue  # a value the catalog no longer accepts: as if absent
        # the leaf started unanswered, counted in its max: that outcome is taken back
        moves = lanes.deltas((sec, p, a - mx, source, mx, 1))
        moves.append((lanes.counts + _UNANSWERED, -1))
        for key, n in Counter(",".join(parts).split(",")).items():
            acc = accs.get(key)
            if acc is None:
                continue  # a unit not asked for (another board)
            for lane, amount in moves:
                acc[lane] += amount * n
    for key, unit_steps in steps.items():
        acc = accs[key]
        for step in unit_steps:
            for lane, amount in lanes.deltas(step):
                acc[lane] += amount
    return accs


def _half_up(num: int, den: int) -> int:
    """``num / den`` rounded half away from zero to an integer, as ``quantize(…,
    ROUND_HALF_UP)`` rounds the same quotient (``den`` ≠ 0)."""
    if den < 0:
        num, den = -num, -den
    if num >= 0:
        return (2 * num + den) // (2 * den)
    return -((-2 * num + den) // (2 * den))


class _Finisher:
    """A unit's lanes to its :class:`BulkResult`: what ``scoring.results._summary`` derives
    (field percentages, index and range, class), in exact integer arithmetic, and the JSON
    text of ``ResultSummary.to_json``."""

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
        self.texts: dict[int, str] = {}
        self.cents: dict[int, Decimal] = {}

    def text(self, value: int) -> str:
        """``value`` (times ``10**digits``) as a JSON string of its decimal."""
        got = self.texts.get(value)
        if got is None:
            number = str(Decimal(value).scaleb(-self.lanes.digits))
            if "." in number and "E" not in number:
                number = number.rstrip("0").rstrip(".")
            got = self.texts[value] = f'"{number}"'
        return got

    def cent(self, hundredths: int) -> Decimal:
        got = self.cents.get(hundredths)
        if got is None:
            got = self.cents[hundredths] = Decimal(hundredths).scaleb(-2)
        return got

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

    def __call__(self, acc: list[int]) -> BulkResult:
        n, s, text = self.n, self.lanes.s, self.text
        pts, app, pend = acc[:n], acc[s : s + n], acc[2 * s : 2 * s + n]
        bonus, penalty = min(acc[n], self.bonus_max), min(acc[n + 1], self.penalty_max)
        points, applicable, pending = sum(pts), sum(app), sum(pend)
        extra = bonus - penalty
        index = self.index(points, applicable, extra)
        low = min(self.index(points, applicable + pending, extra), index)
        high = max(self.index(points + pending, applicable + pending, extra), index)
        pcts = {
            code: self.cent(_half_up(10_000 * p, a)) if a else None
            for code, p, a in zip(self.codes, pts, app, strict=True)
        }
        penalty_dec = Decimal(penalty).scaleb(-self.lanes.digits)
        rule = classify(self.catalog, self.cent(index), pcts, penalty_dec)
        rank = len(self.catalog.classification) if rule is None else rule
        fields = ",".join(
            f"{self.heads[i]}{text(pts[i])},{text(app[i])},{text(pend[i])},{text(acc[3 * s + i])}]"
            for i in range(n)
        )
        counts = acc[self.lanes.counts :]
        body = (
            f'{self.head}"{self.cent(index)}","{self.cent(low)}","{self.cent(high)}"],'
            f'"class":[{rank},{_js(class_label(self.catalog, rule))}],"fields":[{fields}],'
            f'"totals":[{text(points)},{text(applicable)},{text(bonus)},{text(penalty)}],'
            '"counts":{'
            + ",".join(f'"{src}":{c}' for src, c in zip(SOURCES, counts, strict=True) if c)
            + "}"
        )
        return BulkResult(
            self.cent(index), self.cent(low), self.cent(high), counts[_PENDING] > 0, body
        )


def _js(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
