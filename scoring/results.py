"""A unit's scores: leaves → fields → index → classification.

Every figure says where it came from (self-assessed, appraised, survey, still pending) because a
preliminary number that looks final misleads leaders; pending survey points are left out of the
index estimate and bound it from below and above instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

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


FORMULA_VERSION = 1
"""Bump whenever :func:`compute` would give a different summary for the same inputs: stored
summaries (the standings cache) computed by an older formula are then recomputed, not shown."""


@dataclass(frozen=True)
class ResultSummary:
    """A unit's result without its per-item detail: what rankings, /rank and the ranking sheet
    need.  Small enough to store per unit, so standings of thousands of units are read, not
    recomputed from every answer."""

    catalog_id: str
    index: Decimal
    index_low: Decimal
    index_high: Decimal
    classification: str
    class_rank: int
    fields: tuple[FieldScore, ...]
    points: Decimal
    applicable_max: Decimal
    bonus: Decimal
    penalty: Decimal
    counts: Mapping[Source, int] = field(default_factory=dict)

    @property
    def pending(self) -> bool:
        return self.counts.get("pending", 0) > 0

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

    def summary(self) -> ResultSummary:
        """Just the summary (drops per-item detail a subclass may carry)."""
        return ResultSummary(
            self.catalog_id,
            self.index,
            self.index_low,
            self.index_high,
            self.classification,
            self.class_rank,
            self.fields,
            self.points,
            self.applicable_max,
            self.bonus,
            self.penalty,
            dict(self.counts),
        )

    def to_json(self) -> dict[str, object]:
        """Exact (decimal strings), compact, and independent of field titles (taken from the
        catalog again when read back)."""
        return {
            "catalog": self.catalog_id,
            "index": [str(self.index), str(self.index_low), str(self.index_high)],
            "class": [self.class_rank, self.classification],
            "fields": [
                [f.code, str(f.max), str(f.points), str(f.applicable_max), str(f.pending_max)]
                for f in self.fields
            ],
            "totals": [
                str(self.points),
                str(self.applicable_max),
                str(self.bonus),
                str(self.penalty),
            ],
            "counts": dict(self.counts),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object], titles: Mapping[str, str]) -> ResultSummary:
        """Inverse of :meth:`to_json`; raises ``ValueError`` on anything malformed, so a damaged
        stored summary is recomputed rather than shown."""
        raw: Any = data
        try:
            index, low, high = (Decimal(str(x)) for x in raw["index"])
            class_rank, label = raw["class"]
            fields = tuple(
                FieldScore(
                    str(code),
                    titles.get(str(code), str(code)),
                    Decimal(mx),
                    Decimal(pts),
                    Decimal(app),
                    Decimal(pend),
                )
                for code, mx, pts, app, pend in raw["fields"]
            )
            points, applicable, bonus, penalty = (Decimal(str(x)) for x in raw["totals"])
            counts: dict[Any, int] = {str(k): int(v) for k, v in dict(raw["counts"]).items()}
            return cls(
                str(raw["catalog"]),
                index,
                low,
                high,
                str(label),
                int(class_rank),
                fields,
                points,
                applicable,
                bonus,
                penalty,
                counts,
            )
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise ValueError(f"malformed result summary: {exc}") from exc


@dataclass(frozen=True)
class UnitResult(ResultSummary):
    """The summary plus every item's score and source (for the unit's own sheet and /progress)."""

    leaves: Mapping[str, LeafScore] = field(default_factory=dict)

    @property
    def self_points(self) -> Decimal:
        return sum((s.points for s in self.leaves.values() if s.source == "self"), ZERO)


ScoreMemo = dict[tuple[str, Answer], tuple[Decimal, bool] | None]
"""(item code, answer) → (points, applicable), None for a value the catalog no longer accepts.
Shared across units scored against one catalog: the same few answers recur per item."""


_UNSEEN: Any = object()


def _leaf(
    item: Item,
    answer: Answer | None,
    appraised: Decimal | None,
    survey: Decimal | None,
    memo: ScoreMemo | None,
) -> tuple[Decimal, Decimal, Source, Decimal | None]:
    """(points, applicable max, source, self-assessed points) of one leaf."""
    if item.is_survey:
        if survey is None:
            return ZERO, ZERO, "pending", None
        return min(survey, item.max), item.max, "survey", None
    self_pts: Decimal | None = None
    applicable = True
    if answer is not None:
        key = (item.code, answer)
        scored = memo.get(key, _UNSEEN) if memo is not None else _UNSEEN
        if scored is _UNSEEN:
            try:
                s = score_answer(item, answer)
                scored = (s.points, s.applicable)
            except AnswerError:
                scored = None  # a stored value the catalog no longer accepts: unanswered
            if memo is not None:
                memo[key] = scored
        if scored is not None:
            self_pts, applicable = scored
    if appraised is not None:
        return min(appraised, item.max), item.max, "appraised", self_pts
    if self_pts is None:
        return ZERO, item.max, "unanswered", None
    if not applicable:
        return ZERO, ZERO, "na", self_pts
    return self_pts, item.max, "self", self_pts


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
    memo: ScoreMemo | None = None,
) -> UnitResult:
    """The unit's result with every item's score.  ``memo``: pass one dict when scoring many
    units against the same catalog."""
    leaves: dict[str, LeafScore] = {}
    summary = _compute(catalog, answers, appraised or {}, survey or {}, memo, leaves)
    parts: dict[str, Any] = {f.name: getattr(summary, f.name) for f in fields(ResultSummary)}
    return UnitResult(**parts, leaves=leaves)


def summarize(
    catalog: Catalog,
    answers: Mapping[str, Answer],
    appraised: Mapping[str, Decimal] | None = None,
    survey: Mapping[str, Decimal] | None = None,
    memo: ScoreMemo | None = None,
) -> ResultSummary:
    """Like :func:`compute` without the per-item detail (what ranking thousands of units needs;
    several times faster)."""
    return _compute(catalog, answers, appraised or {}, survey or {}, memo, None)


def _compute(
    catalog: Catalog,
    answers: Mapping[str, Answer],
    appraised: Mapping[str, Decimal],
    survey: Mapping[str, Decimal],
    memo: ScoreMemo | None,
    leaves: dict[str, LeafScore] | None,
) -> ResultSummary:
    counts: dict[Source, int] = {}
    field_scores: list[FieldScore] = []
    for f, field_leaves in catalog.leaves_by_field:
        pts = app = pend = ZERO
        for leaf in field_leaves:
            code = leaf.code
            p, a, source, self_pts = _leaf(
                leaf, answers.get(code), appraised.get(code), survey.get(code), memo
            )
            if leaves is not None:
                leaves[code] = LeafScore(code, p, leaf.max, a, source, self_pts)
            counts[source] = counts.get(source, 0) + 1
            pts += p
            app += a
            if source == "pending":
                pend += leaf.max
        field_scores.append(FieldScore(f.code, f.title, f.max, pts, app, pend))

    def extra(items: tuple[Item, ...], cap: Decimal) -> Decimal:
        total = ZERO
        for leaf in items:
            code = leaf.code
            p, a, source, self_pts = _leaf(leaf, answers.get(code), appraised.get(code), None, memo)
            if leaves is not None:
                leaves[code] = LeafScore(code, p, leaf.max, a, source, self_pts)
            total += p
        return min(total, cap)

    bonus = extra(catalog.bonus_leaves, catalog.bonus_max)
    penalty = extra(catalog.penalty_leaves, catalog.penalty_max)
    points = sum((f.points for f in field_scores), ZERO)
    applicable = sum((f.applicable_max for f in field_scores), ZERO)
    pending = sum((f.pending_max for f in field_scores), ZERO)
    scale = catalog.scale

    def to_index(num: Decimal, den: Decimal) -> Decimal:
        base = scale * num / den if den > 0 else ZERO
        return q2(min(max(base + bonus - penalty, ZERO), scale))

    index = to_index(points, applicable)
    low = to_index(points, applicable + pending)
    high = to_index(points + pending, applicable + pending)
    pcts = {f.code: f.pct for f in field_scores}
    rule_no = classify(catalog, index, pcts)
    return ResultSummary(
        catalog_id=catalog.id,
        index=index,
        index_low=min(low, index),
        index_high=max(high, index),
        classification=catalog.classification[rule_no].label,
        class_rank=rule_no,
        fields=tuple(field_scores),
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


def next_class_gap(catalog: Catalog, result: ResultSummary) -> ClassGap | None:
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
