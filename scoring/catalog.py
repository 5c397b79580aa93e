"""The criteria set (bộ chỉ số) as an immutable tree.

Provinces author catalogs in YAML (docs/catalog.md) and revise them every year; the strict loader
(:mod:`scoring.catalog_loader`, whose ``load_catalog`` builds this module's classes) reports
*every* problem at once, each tied to an item code. This module holds the parsed form every other
part of parbot reads, and imports nothing of the loader.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

ZERO = Decimal("0")
CENT = Decimal("0.01")
THOUSANDTH = Decimal("0.001")
MAX_DECIMALS = 3
"""Points, maxima and proportional results carry at most three decimals (0,125; 0,875)."""
DEFAULT_BOARDS = ("department", "commune")
"""The two boards of the national method; a catalog may declare any others (district, branch…)."""
UNCLASSIFIED = "Chưa xếp loại"
"""The class of a unit that meets no classification rule (the rules need no catch-all)."""

NaPolicy = Literal["exclude", "full"]
Section = Literal["field", "bonus", "penalty"]
ZeroDenominator = Literal["na", "full", "zero"]


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    points: Decimal
    label_en: str | None = None
    na: bool = False


@dataclass(frozen=True)
class Band:
    """A threshold band: values at or above ``min`` earn ``points`` (bands sorted descending)."""

    min: Decimal
    points: Decimal


@dataclass(frozen=True)
class AnswerSpec:
    """How a leaf is answered; which fields matter is the kind's business (scoring.kinds)."""

    kind: str
    options: tuple[Option, ...] = ()
    bands: tuple[Band, ...] = ()
    numerator: str | None = None
    denominator: str | None = None
    zero_denominator: ZeroDenominator = "na"
    label: str | None = None
    integer: bool = True
    deadline: date | None = None
    on_time: Decimal = ZERO
    late: Decimal = ZERO
    step: Decimal = THOUSANDTH
    per: Decimal = ZERO
    cap: Decimal = ZERO
    precision: int = MAX_DECIMALS

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def band_points(self, value: Decimal) -> Decimal:
        for band in self.bands:
            if value >= band.min:
                return band.points
        return ZERO


@dataclass(frozen=True)
class Item:
    code: str
    title: str
    max: Decimal
    section: Section = "field"
    title_en: str | None = None
    children: tuple[Item, ...] = ()
    answer: AnswerSpec | None = None
    evidence: str | None = None
    evidence_required: bool = False
    na: NaPolicy | None = None
    rule: str | None = None
    applies_to: tuple[str, ...] = ()
    zero_unless: str | None = None

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def kind(self) -> str | None:
        return self.answer.kind if self.answer else None

    @cached_property
    def is_survey(self) -> bool:
        return self.kind == "survey"

    def leaves(self) -> Iterator[Item]:
        return iter(self.leaf_items)

    @cached_property
    def leaf_items(self) -> tuple[Item, ...]:
        """The leaves under this item in document order, walked once: the tree is immutable
        and every update's scoring and walk read them (a recursive walk per read cost more
        than the scoring itself)."""
        if self.is_leaf:
            return (self,)
        return tuple(leaf for child in self.children for leaf in child.leaf_items)


SURVEY_MISSING = ("rescale", "zero")


@dataclass(frozen=True)
class ClassRule:
    """One classification: every condition it states must hold.  ``min_field_pct`` applies to
    every field; ``field_pcts`` (the map form) names the fields it applies to instead."""

    label: str
    label_en: str | None = None
    min_index: Decimal | None = None
    min_field_pct: Decimal | None = None
    field_pcts: Mapping[str, Decimal] = field(default_factory=dict)
    max_penalty: Decimal | None = None

    def field_limit(self, code: str) -> Decimal | None:
        """The least percentage field ``code`` must reach under this rule (None: no limit)."""
        return self.field_pcts.get(code) if self.field_pcts else self.min_field_pct

    @property
    def has_conditions(self) -> bool:
        return (
            self.min_index is not None
            or self.min_field_pct is not None
            or bool(self.field_pcts)
            or self.max_penalty is not None
        )


Scope = tuple[frozenset[str], ...]
"""The ``applies_to`` tag sets of an item and its ancestors: it applies when each set meets the
unit's tags."""


@dataclass(frozen=True)
class TagScope:
    """What of a catalog applies to the units with one tag set (:meth:`Catalog.asked`)."""

    asked: tuple[Item, ...]
    index: Mapping[str, int]
    excluded: frozenset[str]


@dataclass(frozen=True)
class Catalog:
    id: str
    title: str
    boards: tuple[str, ...]
    fields: tuple[Item, ...]
    classification: tuple[ClassRule, ...]
    scale: Decimal = Decimal("100")
    title_en: str | None = None
    locale: str | None = None
    decision: str | None = None
    bonus: tuple[Item, ...] = ()
    bonus_max: Decimal = ZERO
    penalty: tuple[Item, ...] = ()
    penalty_max: Decimal = ZERO
    survey_missing: str = "rescale"
    """A unit without survey points once others have them: ``rescale`` (its index over the
    max it can be scored on) or ``zero`` (the missing survey points count 0)."""
    precision: int = MAX_DECIMALS
    zero_order: tuple[Item, ...] = ()
    """Leaves with ``zero_unless``, each after the items it depends on."""
    _by_code: Mapping[str, Item] = field(default_factory=dict, repr=False, compare=False)
    _field_of: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    _scope: Mapping[str, Scope] = field(default_factory=dict, repr=False, compare=False)

    def item(self, code: str) -> Item | None:
        return self._by_code.get(code)

    def field_of(self, code: str) -> str | None:
        """The top-level field code an item belongs to (None for bonus/penalty items)."""
        return self._field_of.get(code)

    def all_items(self) -> Iterator[Item]:
        yield from self._by_code.values()

    def applies(self, code: str, tags: Collection[str]) -> bool:
        """Whether item ``code`` applies to a unit with ``tags`` (its own and its ancestors'
        ``applies_to`` each name one of them)."""
        scope = self._scope.get(code)
        return scope is None or all(not wanted.isdisjoint(tags) for wanted in scope)

    @cached_property
    def tags(self) -> frozenset[str]:
        """Every tag any ``applies_to`` names."""
        return frozenset(t for it in self._by_code.values() for t in it.applies_to)

    def class_rule(self, rank: int) -> ClassRule | None:
        """The rule of a class rank; None for a unit that meets no rule ("Chưa xếp loại")."""
        return self.classification[rank] if 0 <= rank < len(self.classification) else None

    @cached_property
    def leaves_by_field(self) -> tuple[tuple[Item, tuple[Item, ...]], ...]:
        """Each field with its leaves, walked once: scoring thousands of units against the same
        catalog would otherwise walk the tree for every unit."""
        return tuple((f, f.leaf_items) for f in self.fields)

    @cached_property
    def bonus_leaves(self) -> tuple[Item, ...]:
        return tuple(leaf for top in self.bonus for leaf in top.leaf_items)

    @cached_property
    def penalty_leaves(self) -> tuple[Item, ...]:
        return tuple(leaf for top in self.penalty for leaf in top.leaf_items)

    @cached_property
    def every_leaf(self) -> tuple[Item, ...]:
        """:meth:`leaves`, walked once (scoring many units reads it for each)."""
        return (
            *(leaf for _, leaves in self.leaves_by_field for leaf in leaves),
            *self.bonus_leaves,
            *self.penalty_leaves,
        )

    def leaves(self) -> list[Item]:
        """Every answerable leaf, fields first (document order), then bonus and penalty."""
        return list(self.every_leaf)

    def field_leaves(self) -> list[Item]:
        return [leaf for _, leaves in self.leaves_by_field for leaf in leaves]

    def asked(self, tags: frozenset[str]) -> tuple[Item, ...]:
        """The leaves an officer of a unit with ``tags`` answers, in document order: survey
        items are never self-scored and items that do not apply are never asked."""
        return self._scoped(tags).asked

    def asked_index(self, tags: frozenset[str]) -> Mapping[str, int]:
        """Each of :meth:`asked`'s codes → its index there."""
        return self._scoped(tags).index

    def not_for(self, tags: frozenset[str]) -> frozenset[str]:
        """The codes of the leaves that do not apply to a unit with ``tags``."""
        return self._scoped(tags).excluded

    def _scoped(self, tags: frozenset[str]) -> TagScope:
        """What applies to a tag set, kept per tag set (a handful per catalog): the walk and
        the scoring of every update read it."""
        memo = self._scoped_memo
        found = memo.get(tags)
        if found is None:
            fits = {x.code: self.applies(x.code, tags) for x in self.every_leaf}
            asked = tuple(x for x in self.every_leaf if fits[x.code] and not x.is_survey)
            found = TagScope(
                asked,
                {x.code: n for n, x in enumerate(asked)},
                frozenset(code for code, ok in fits.items() if not ok),
            )
            if len(memo) > 256:
                memo.clear()
            memo[tags] = found
        return found

    @cached_property
    def _scoped_memo(self) -> dict[frozenset[str], TagScope]:
        return {}

    @property
    def max_total(self) -> Decimal:
        return sum((f.max for f in self.fields), ZERO)


@dataclass(frozen=True)
class CatalogProblem:
    """One validation problem; ``message`` is an untranslated msgid with ``%(name)s`` params."""

    where: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, translate: Any = None) -> str:
        text = translate(self.message) if translate else self.message
        return f"{self.where}: {text % dict(self.params)}"


class CatalogError(ValueError):
    def __init__(self, problems: list[CatalogProblem]):
        self.problems = problems
        super().__init__("\n".join(p.render() for p in problems))


def sample_catalog_paths() -> dict[str, Path]:
    """The sample catalogs shipped with parbot, by catalog id (file stem)."""
    folder = Path(__file__).parent / "catalogs"
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}
