"""Classification (xếp loại) and the reason a unit got its class.

A class shown without its reason misleads ("95,75 — Không hoàn thành nhiệm vụ?"), so the rules
are checked condition by condition and the conditions are kept: the reason for a class is what
the next class up asked that the unit did not reach, e.g. "≥ 90 but field 3 only 72% (< 80%)".
A unit that meets no rule is "Chưa xếp loại", with the reason of the lowest rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from scoring.catalog import UNCLASSIFIED, Catalog, ClassRule

What = Literal["index", "fields", "field", "penalty"]


@dataclass(frozen=True)
class Condition:
    """One condition of a rule as it stands for a unit: ``fields`` means every field (met);
    ``field`` one field, named by ``field``."""

    what: What
    limit: Decimal
    actual: Decimal
    ok: bool
    field: str | None = None


def conditions(
    rule: ClassRule, index: Decimal, pcts: Mapping[str, Decimal | None], penalty: Decimal
) -> tuple[Condition, ...]:
    """Every condition of ``rule`` for a unit; fields with nothing applicable are skipped."""
    out: list[Condition] = []
    if rule.min_index is not None:
        out.append(Condition("index", rule.min_index, index, index >= rule.min_index))
    per_field = [
        (code, limit, pct)
        for code, pct in pcts.items()
        if pct is not None and (limit := rule.field_limit(code)) is not None
    ]
    if rule.field_pcts:
        out.extend(Condition("field", lim, pct, pct >= lim, code) for code, lim, pct in per_field)
    elif rule.min_field_pct is not None:
        below = [
            Condition("field", lim, pct, False, code) for code, lim, pct in per_field if pct < lim
        ]
        lowest = min((pct for _, _, pct in per_field), default=rule.min_field_pct)
        out.extend(below or [Condition("fields", rule.min_field_pct, lowest, True)])
    if rule.max_penalty is not None:
        out.append(Condition("penalty", rule.max_penalty, penalty, penalty <= rule.max_penalty))
    return tuple(out)


def classify(
    catalog: Catalog, index: Decimal, pcts: Mapping[str, Decimal | None], penalty: Decimal
) -> int | None:
    """Index of the first rule whose conditions all hold; None when none does."""
    for n, rule in enumerate(catalog.classification):
        if _holds(rule, index, pcts, penalty):
            return n
    return None


def _holds(
    rule: ClassRule, index: Decimal, pcts: Mapping[str, Decimal | None], penalty: Decimal
) -> bool:
    """``all(c.ok for c in conditions(...))`` without building the conditions: ranking
    thousands of units classifies each (tests/scoring/test_rules.py checks they agree)."""
    if rule.min_index is not None and index < rule.min_index:
        return False
    if rule.max_penalty is not None and penalty > rule.max_penalty:
        return False
    if rule.field_pcts or rule.min_field_pct is not None:
        for code, pct in pcts.items():
            if pct is not None and (limit := rule.field_limit(code)) is not None and pct < limit:
                return False
    return True


def class_label(catalog: Catalog, rank: int | None) -> str:
    rule = catalog.class_rule(rank) if rank is not None else None
    return rule.label if rule is not None else UNCLASSIFIED


@dataclass(frozen=True)
class ClassReason:
    """Why a unit has its class: the conditions of ``basis`` (its own rule when it has the top
    class, else the rule just above it, or the lowest rule when it has none) that it met and
    that it missed."""

    rank: int | None
    label: str
    basis: int | None
    met: tuple[Condition, ...]
    failed: tuple[Condition, ...]


def explain(
    catalog: Catalog,
    rank: int | None,
    index: Decimal,
    pcts: Mapping[str, Decimal | None],
    penalty: Decimal,
) -> ClassReason:
    rules = catalog.classification
    if rank is not None and not 0 <= rank < len(rules):
        rank = None
    if rank == 0:
        basis: int | None = 0
    elif rank is None:
        basis = len(rules) - 1 if rules else None
    else:
        basis = rank - 1
    conds = conditions(rules[basis], index, pcts, penalty) if basis is not None else ()
    return ClassReason(
        rank,
        class_label(catalog, rank),
        basis,
        tuple(c for c in conds if c.ok),
        tuple(c for c in conds if not c.ok),
    )
