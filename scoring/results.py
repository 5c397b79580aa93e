"""A unit's scores: leaves → fields → index → classification.

Every figure says where it came from (self-assessed, appraised, survey, still pending) because a
preliminary number that looks final misleads leaders; pending survey points are left out of the
index estimate and bound it from below and above instead.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from scoring.answers import Answer, AnswerError, score_answer
from scoring.catalog import ZERO, Catalog, Item
from scoring.classes import ClassReason, class_label, classify, explain

Source = Literal[
    "self", "appraised", "survey", "pending", "unanswered", "na", "na_full", "not_for_unit"
]
"""Where a leaf's points come from; ``na``: answered "không áp dụng" (or a ratio of 0/0) and left
out of the max; ``na_full``: answered "không áp dụng" on an item whose catalog counts it with
its full points; ``not_for_unit``: its ``applies_to`` names none of the unit's tags, so it is
never asked and never in the unit's max."""
ASKED: tuple[Source, ...] = ("self", "appraised", "unanswered", "na", "na_full")
"""The sources of the leaves a unit's officer is asked (fields, bonus and penalty)."""
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
    zeroed_by: str | None = None
    """The ``zero_unless`` item that scored 0 and so made this leaf 0."""


@dataclass(frozen=True)
class FieldScore:
    code: str
    title: str
    max: Decimal
    points: Decimal
    applicable_max: Decimal
    pending_max: Decimal
    na_max: Decimal | None = ZERO
    """The max of its leaves answered "không áp dụng" and so left out of ``applicable_max``;
    None when read from a summary stored before it was kept."""

    @property
    def pct(self) -> Decimal | None:
        """Field percentage over what can be scored now; None when nothing in it applies."""
        if self.applicable_max == 0:
            return None
        return q2(self.points * HUNDRED / self.applicable_max)


FORMULA_VERSION = 3
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
    """How many leaves — fields, bonus and penalty — each source scored."""

    @property
    def pending(self) -> bool:
        return self.counts.get("pending", 0) > 0

    @property
    def preliminary(self) -> bool:
        """True while anything is pending or any points are still only self-assessed."""
        return self.pending or any(
            self.counts.get(s, 0) > 0 for s in ("self", "na_full", "unanswered")
        )

    @property
    def unanswered(self) -> int:
        """Items the unit's officer is asked (fields, bonus, penalty) with no answer yet."""
        return self.counts.get("unanswered", 0)

    @property
    def asked(self) -> int:
        """Items the unit's officer is asked: what "answered n of N" counts."""
        return sum(self.counts.get(s, 0) for s in ASKED)

    @property
    def not_applicable(self) -> int:
        """Items answered "không áp dụng" and left out of the max."""
        return self.counts.get("na", 0)

    @property
    def na_full(self) -> int:
        """Items answered "không áp dụng" that count their full points."""
        return self.counts.get("na_full", 0)

    @property
    def na_max(self) -> Decimal | None:
        """The max the not-applicable items leave out (None: unknown, an old stored summary);
        ``applicable_max + na_max`` is the max had they applied."""
        parts = [f.na_max for f in self.fields]
        if any(p is None for p in parts):
            return None
        return sum((p for p in parts if p is not None), ZERO)

    def field(self, code: str) -> FieldScore | None:
        return next((f for f in self.fields if f.code == code), None)

    def field_pcts(self) -> dict[str, Decimal | None]:
        return {f.code: f.pct for f in self.fields}

    def class_reason(self, catalog: Catalog) -> ClassReason:
        """Why the unit has its class (what the next class up asked that it did not reach)."""
        return explain(catalog, self.class_rank, self.index, self.field_pcts(), self.penalty)

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
                [
                    f.code,
                    str(f.max),
                    str(f.points),
                    str(f.applicable_max),
                    str(f.pending_max),
                    str(f.na_max) if f.na_max is not None else None,
                ]
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
                    Decimal(na[0]) if na and na[0] is not None else None,
                )
                for code, mx, pts, app, pend, *na in raw["fields"]
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
        return sum(
            (s.points for s in self.leaves.values() if s.source in ("self", "na_full")), ZERO
        )


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
    if answer is not None and declared_na(item, answer):
        return self_pts, item.max, "na_full", self_pts
    return self_pts, item.max, "self", self_pts


def declared_na(item: Item, answer: Answer) -> bool:
    """Whether ``answer`` says "không áp dụng" (typed, or the choice's not-applicable option)."""
    if answer.na:
        return True
    if answer.option is None or item.answer is None:
        return False
    option = item.answer.option(answer.option)
    return option is not None and option.na


def compute(
    catalog: Catalog,
    answers: Mapping[str, Answer],
    appraised: Mapping[str, Decimal] | None = None,
    survey: Mapping[str, Decimal] | None = None,
    memo: ScoreMemo | None = None,
    tags: Collection[str] = (),
) -> UnitResult:
    """The unit's result with every item's score.  ``memo``: pass one dict when scoring many
    units against the same catalog; ``tags``: the unit's tags, for ``applies_to``."""
    leaves: dict[str, LeafScore] = {}
    summary = _compute(catalog, answers, appraised or {}, survey or {}, memo, tags, leaves)
    parts: dict[str, Any] = {f.name: getattr(summary, f.name) for f in fields(ResultSummary)}
    return UnitResult(**parts, leaves=leaves)


def summarize(
    catalog: Catalog,
    answers: Mapping[str, Answer],
    appraised: Mapping[str, Decimal] | None = None,
    survey: Mapping[str, Decimal] | None = None,
    memo: ScoreMemo | None = None,
    tags: Collection[str] = (),
) -> ResultSummary:
    """Like :func:`compute` without the per-item detail (what ranking thousands of units needs;
    several times faster)."""
    return _compute(catalog, answers, appraised or {}, survey or {}, memo, tags, None)


Scored = dict[str, tuple[Decimal, Decimal, Source, Decimal | None]]
"""leaf code → (points, applicable max, source, self-assessed points)."""


def _score_leaves(
    catalog: Catalog,
    answers: Mapping[str, Answer],
    appraised: Mapping[str, Decimal],
    survey: Mapping[str, Decimal],
    memo: ScoreMemo | None,
    tags: Collection[str],
) -> Scored:
    out: Scored = {}
    excluded = catalog.not_for(frozenset(tags)) if catalog.tags else frozenset()
    for leaf in catalog.every_leaf:
        code = leaf.code
        if code in excluded:
            out[code] = (ZERO, ZERO, "not_for_unit", None)
            continue
        in_field = leaf.section == "field"
        out[code] = _leaf(
            leaf,
            answers.get(code),
            appraised.get(code),
            survey.get(code) if in_field else None,
            memo,
        )
    return out


def _apply_zero_unless(catalog: Catalog, scored: Scored) -> dict[str, str]:
    """Zero every leaf whose ``zero_unless`` item scores 0 (and applies); returns leaf → item."""
    zeroed: dict[str, str] = {}
    for leaf in catalog.zero_order:
        target = catalog.item(leaf.zero_unless or "")
        if target is None:
            continue
        parts = [scored[x.code] for x in target.leaves()]
        if any(a > 0 for _, a, _, _ in parts) and sum((p for p, _, _, _ in parts), ZERO) == 0:
            p, a, source, self_pts = scored[leaf.code]
            if p != 0:
                zeroed[leaf.code] = target.code
            scored[leaf.code] = (ZERO, a, source, self_pts)
    return zeroed


def _compute(
    catalog: Catalog,
    answers: Mapping[str, Answer],
    appraised: Mapping[str, Decimal],
    survey: Mapping[str, Decimal],
    memo: ScoreMemo | None,
    tags: Collection[str],
    leaves: dict[str, LeafScore] | None,
) -> ResultSummary:
    scored = _score_leaves(catalog, answers, appraised, survey, memo, tags)
    zeroed = _apply_zero_unless(catalog, scored) if catalog.zero_order else {}
    counts: dict[Source, int] = {}

    def tally(leaf: Item) -> tuple[Decimal, Decimal, Source]:
        p, a, source, self_pts = scored[leaf.code]
        if leaves is not None:
            leaves[leaf.code] = LeafScore(
                leaf.code, p, leaf.max, a, source, self_pts, zeroed.get(leaf.code)
            )
        return p, a, source

    def counted(leaf: Item) -> Decimal:
        p, _, source = tally(leaf)
        counts[source] = counts.get(source, 0) + 1
        return p

    field_scores: list[FieldScore] = []
    for f, field_leaves in catalog.leaves_by_field:
        pts = app = pend = na = ZERO
        for leaf in field_leaves:
            p, a, source = tally(leaf)
            counts[source] = counts.get(source, 0) + 1
            pts += p
            app += a
            if source == "pending":
                pend += leaf.max
            elif source == "na":
                na += leaf.max
        field_scores.append(FieldScore(f.code, f.title, f.max, pts, app, pend, na))
    # bonus and penalty items are asked too: counted with the fields' (unanswered, na…)
    bonus = min(sum((counted(x) for x in catalog.bonus_leaves), ZERO), catalog.bonus_max)
    penalty = min(sum((counted(x) for x in catalog.penalty_leaves), ZERO), catalog.penalty_max)
    return _summary(catalog, field_scores, bonus, penalty, counts)


def _summary(
    catalog: Catalog,
    field_scores: list[FieldScore],
    bonus: Decimal,
    penalty: Decimal,
    counts: dict[Source, int],
) -> ResultSummary:
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
    rule_no = classify(catalog, index, pcts, penalty)
    return ResultSummary(
        catalog_id=catalog.id,
        index=index,
        index_low=min(low, index),
        index_high=max(high, index),
        classification=class_label(catalog, rule_no),
        class_rank=len(catalog.classification) if rule_no is None else rule_no,
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
    if result.class_rank == 0 or not catalog.classification:
        return None
    rule = catalog.classification[min(result.class_rank, len(catalog.classification)) - 1]
    index_gap = max(ZERO, (rule.min_index or ZERO) - result.index)
    below: dict[str, Decimal] = {}
    for f in result.fields:
        pct, limit = f.pct, rule.field_limit(f.code)
        if pct is not None and limit is not None and pct < limit:
            below[f.code] = q2(limit - pct)
    return ClassGap(rule.label, q2(index_gap), below)
