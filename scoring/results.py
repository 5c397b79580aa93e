"""A unit's scores: leaves → fields → index → classification.

Every figure says where it came from (self-assessed, appraised, survey, still pending) because a
preliminary number that looks final misleads leaders; pending survey points are left out of the
index estimate and bound it from below and above instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from scoring.answers import Answer, AnswerError, score_answer
from scoring.catalog import ZERO, Catalog, ClassRule, Item

Source = Literal["self", "appraised", "survey", "pending", "unanswered", "na"]
HUNDRED = Decimal(100)


def q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LeafScore:
    code: str
    points: Decimal
    max: Decimal
    applicable_max: Decimal
    source: Source
    self_points: Decimal | None = None


@dataclass(frozen=True)
class FieldScore:
    code: str
    title: str
    max: Decimal
    points: Decimal
    applicable_max: Decimal
    pending_max: Decimal

    @property
    def pct(self) -> Decimal | None:
        """Field percentage over what can be scored now; None when nothing in it applies."""
        if self.applicable_max == 0:
            return None
        return q2(self.points * HUNDRED / self.applicable_max)


@dataclass(frozen=True)
class UnitResult:
    catalog_id: str
    index: Decimal
    index_low: Decimal
    index_high: Decimal
    classification: str
    class_rank: int
    fields: tuple[FieldScore, ...]
    leaves: Mapping[str, LeafScore]
    points: Decimal
    applicable_max: Decimal
    bonus: Decimal
    penalty: Decimal
    counts: Mapping[Source, int] = field(default_factory=dict)

    @property
    def pending(self) -> bool:
        return self.counts.get("pending", 0) > 0

    @property
    def self_points(self) -> Decimal:
        return sum((s.points for s in self.leaves.values() if s.source == "self"), ZERO)

    @property
    def preliminary(self) -> bool:
        """True while anything is pending or any points are still only self-assessed."""
        return (
            self.pending or self.counts.get("self", 0) > 0 or self.counts.get("unanswered", 0) > 0
        )

    def field(self, code: str) -> FieldScore | None:
        return next((f for f in self.fields if f.code == code), None)

    def field_pcts(self) -> dict[str, Decimal | None]:
        return {f.code: f.pct for f in self.fields}


def leaf_score(
    item: Item,
    answer: Answer | None,
    appraised: Decimal | None,
    survey: Decimal | None,
) -> LeafScore:
    self_pts: Decimal | None = None
    if item.is_survey:
        if survey is None:
            return LeafScore(item.code, ZERO, item.max, ZERO, "pending")
        return LeafScore(item.code, min(survey, item.max), item.max, item.max, "survey")
    applicable = True
    if answer is not None:
        try:
            s = score_answer(item, answer)
        except AnswerError:
            s = None  # a stored value the catalog no longer accepts counts as unanswered
        if s is not None:
            self_pts, applicable = s.points, s.applicable
    if appraised is not None:
        return LeafScore(
            item.code, min(appraised, item.max), item.max, item.max, "appraised", self_pts
        )
    if self_pts is None:
        return LeafScore(item.code, ZERO, item.max, item.max, "unanswered")
    if not applicable:
        return LeafScore(item.code, ZERO, item.max, ZERO, "na", self_pts)
    return LeafScore(item.code, self_pts, item.max, item.max, "self", self_pts)


def classify(catalog: Catalog, index: Decimal, pcts: Mapping[str, Decimal | None]) -> int:
    """Index of the first classification rule whose conditions all hold."""
    for n, rule in enumerate(catalog.classification):
        if rule_holds(rule, index, pcts):
            return n
    return len(catalog.classification) - 1


def rule_holds(rule: ClassRule, index: Decimal, pcts: Mapping[str, Decimal | None]) -> bool:
    if rule.min_index is not None and index < rule.min_index:
        return False
    if rule.min_field_pct is not None:
        return all(p is None or p >= rule.min_field_pct for p in pcts.values())
    return True


def compute(
    catalog: Catalog,
    answers: Mapping[str, Answer],
    appraised: Mapping[str, Decimal] | None = None,
    survey: Mapping[str, Decimal] | None = None,
) -> UnitResult:
    appraised = appraised or {}
    survey = survey or {}
    leaves: dict[str, LeafScore] = {}
    counts: dict[Source, int] = {}
    fields: list[FieldScore] = []
    for f in catalog.fields:
        pts = app = pend = ZERO
        for leaf in f.leaves():
            s = leaf_score(
                leaf, answers.get(leaf.code), appraised.get(leaf.code), survey.get(leaf.code)
            )
            leaves[leaf.code] = s
            counts[s.source] = counts.get(s.source, 0) + 1
            pts += s.points
            app += s.applicable_max
            if s.source == "pending":
                pend += s.max
        fields.append(FieldScore(f.code, f.title, f.max, pts, app, pend))

    def extra(items: tuple[Item, ...], cap: Decimal) -> Decimal:
        total = ZERO
        for top in items:
            for leaf in top.leaves():
                s = leaf_score(leaf, answers.get(leaf.code), appraised.get(leaf.code), None)
                leaves[leaf.code] = s
                total += s.points
        return min(total, cap)

    bonus = extra(catalog.bonus, catalog.bonus_max)
    penalty = extra(catalog.penalty, catalog.penalty_max)
    points = sum((f.points for f in fields), ZERO)
    applicable = sum((f.applicable_max for f in fields), ZERO)
    pending = sum((f.pending_max for f in fields), ZERO)
    scale = catalog.scale

    def to_index(num: Decimal, den: Decimal) -> Decimal:
        base = scale * num / den if den > 0 else ZERO
        return q2(min(max(base + bonus - penalty, ZERO), scale))

    index = to_index(points, applicable)
    low = to_index(points, applicable + pending)
    high = to_index(points + pending, applicable + pending)
    pcts = {f.code: f.pct for f in fields}
    rule_no = classify(catalog, index, pcts)
    return UnitResult(
        catalog_id=catalog.id,
        index=index,
        index_low=min(low, index),
        index_high=max(high, index),
        classification=catalog.classification[rule_no].label,
        class_rank=rule_no,
        fields=tuple(fields),
        leaves=leaves,
        points=points,
        applicable_max=applicable,
        bonus=bonus,
        penalty=penalty,
        counts=counts,
    )


@dataclass(frozen=True)
class ClassGap:
    """What stands between a unit and the next classification up."""

    target: str
    index_gap: Decimal
    fields_below: Mapping[str, Decimal]  # field code → percentage points missing


def next_class_gap(catalog: Catalog, result: UnitResult) -> ClassGap | None:
    if result.class_rank == 0:
        return None
    rule = catalog.classification[result.class_rank - 1]
    index_gap = max(ZERO, (rule.min_index or ZERO) - result.index)
    below: dict[str, Decimal] = {}
    if rule.min_field_pct is not None:
        for f in result.fields:
            pct = f.pct
            if pct is not None and pct < rule.min_field_pct:
                below[f.code] = q2(rule.min_field_pct - pct)
    return ClassGap(rule.label, q2(index_gap), below)
