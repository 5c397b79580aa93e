"""One unit's assessment as the chat sees it, read in the update's transaction.

Several officers of a unit may answer at the same time from different phones, so nothing about
the unit's answers is cached between updates: they are read (one statement) on every update.
The unit's header (unit, period, catalog version, deadline, submission) changes rarely; it is
cached per process and per database engine while ``hot_revision.rev`` — read with the person,
bumped by database triggers on every change — is unchanged, so a change made through another
worker is seen on the next update (issue 19). The parsed catalog is cached per content hash.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from conversations.assessment import catalog_by_id, survey_fill, unit_result, unit_tags
from conversations.context import Ctx
from conversations.yearover_chat import LastYear, last_year
from scoring.answers import Answer, needs_explanation
from scoring.catalog import Catalog, Item
from scoring.results import UnitResult, compute
from storage.repositories.rows import (
    AnswerRow,
    ExplanationRow,
    HeaderRow,
    PeriodRow,
    SubmissionRow,
    UnitRow,
)


@dataclass(frozen=True)
class ItemRef:
    """A catalog item's row id (all the chat needs of the stored item)."""

    id: int


@dataclass
class UnitView:
    unit: UnitRow
    period: PeriodRow
    catalog: Catalog
    items: dict[str, ItemRef]  # code → row id
    answers: dict[str, AnswerRow]
    explanations: dict[str, ExplanationRow]
    evidence_counts: dict[str, int]
    submission: SubmissionRow | None
    deadline: date | None
    last_year: dict[str, LastYear] = field(default_factory=dict)  # read only, see yearover_chat
    appraised: dict[str, Decimal] = field(default_factory=dict)
    survey: dict[str, Decimal] = field(default_factory=dict)
    """Survey points as the unit is scored with them (``survey_missing: zero`` filled in)."""

    @property
    def tags(self) -> frozenset[str]:
        return unit_tags(self.unit)

    def applies(self, item: Item) -> bool:
        """Whether the item applies to this unit (``applies_to`` names one of its tags)."""
        return self.catalog.applies(item.code, self.tags)

    def answerable(self, node: Item) -> list[Item]:
        """The leaves under ``node`` an officer of this unit answers (not survey, applicable)."""
        return [x for x in node.leaves() if not x.is_survey and self.applies(x)]

    @property
    def walk(self) -> list[Item]:
        """Items an officer answers, in document order: survey items are never self-scored and
        items that do not apply to the unit are never asked."""
        return [leaf for leaf in self.catalog.leaves() if not leaf.is_survey and self.applies(leaf)]

    def answer(self, code: str) -> Answer | None:
        row = self.answers.get(code)
        if row is None:
            return None
        try:
            return Answer.from_json(row.value)
        except (ValueError, KeyError):
            return None

    def item_by_id(self, item_id: int) -> Item | None:
        for code, row in self.items.items():
            if row.id == item_id:
                return self.catalog.item(code)
        return None

    def item_id(self, code: str) -> int:
        return self.items[code].id

    def result(self) -> UnitResult:
        """The unit's result from its answers, appraisals and survey points: the same
        computation as /rank's standings and the sheets, so every screen shows one set of
        numbers (conversations.figures words them)."""
        answers = {c: a for c in self.answers if (a := self.answer(c)) is not None}
        return compute(self.catalog, answers, self.appraised, self.survey, tags=self.tags)

    def self_points(self) -> tuple[Decimal, Decimal]:
        """(points, applicable max) of the unit's fields, as /progress and /rank show them."""
        res = self.result()
        return res.points, res.applicable_max

    def unanswered(self, result: UnitResult, among: list[Item] | None = None) -> list[Item]:
        """The items still to answer (of ``among``, by default the walk), in order: what
        ``result`` counts as unanswered."""
        asked = self.walk if among is None else among
        return [x for x in asked if _source(result, x.code) == "unanswered"]

    def at_risk(self) -> list[Item]:
        """Items claiming points that need evidence, with neither a file nor a giải trình."""
        out = []
        for leaf in self.walk:
            a = self.answer(leaf.code)
            if a is None or leaf.code in self.explanations:
                continue
            has_file = self.evidence_counts.get(leaf.code, 0) > 0
            try:
                if needs_explanation(leaf, a, has_file):
                    out.append(leaf)
            except ValueError:
                continue
        return out

    @property
    def locked(self) -> bool:
        return self.submission is not None and self.submission.status in (
            "submitted",
            "appraised",
            "published",
        )

    def past_deadline(self, today: date) -> bool:
        reopened = self.submission is not None and self.submission.status == "reopened"
        return self.deadline is not None and today > self.deadline and not reopened


def _source(result: UnitResult, code: str) -> str | None:
    """A leaf's source; None when ``result`` (a publication snapshot) does not have the item."""
    leaf = result.leaves.get(code)
    return leaf.source if leaf is not None else None


# (catalog id, content hash) → item code → id.  Items follow the catalog's YAML, so while its
# hash is unchanged their ids are too; a re-imported catalog gets a new hash, hence a new key.
_ITEM_IDS: dict[tuple[int, str], dict[str, ItemRef]] = {}


async def _item_refs(ctx: Ctx, catalog_id: int, sha256: str) -> dict[str, ItemRef]:
    key = (catalog_id, sha256)
    refs = _ITEM_IDS.get(key)
    if refs is None:
        rows = await ctx.uow.catalogs.items_by_code(catalog_id)
        refs = {code: ItemRef(row.id) for code, row in rows.items()}
        if len(_ITEM_IDS) > 64:
            _ITEM_IDS.clear()
        _ITEM_IDS[key] = refs
    return refs


# per database engine (so two engines — two workers, or two test databases — never share
# rows): unit id → (hot_revision.rev it was read at, header)
_HEADERS: weakref.WeakKeyDictionary[Any, dict[int, tuple[int, HeaderRow]]] = (
    weakref.WeakKeyDictionary()
)


async def _header(ctx: Ctx, unit_id: int) -> HeaderRow | None:
    """The unit's header from the per-process cache while the revision read with the person is
    unchanged, else from the database (one statement, no catalog YAML). A header is cached
    only when it was read at that same revision: one read after a change this transaction
    made (perhaps to be rolled back), or after another worker's commit, is used once and not
    kept. Known limit: a flow that changes a unit's header and then reads the view again in
    the same update sees the header as the update began (none does today)."""
    bind = ctx.uow.session.get_bind()
    cache = _HEADERS.setdefault(bind, {})
    hit = cache.get(unit_id)
    if hit is not None and ctx.header_rev is not None and hit[0] == ctx.header_rev:
        return hit[1]
    found = await ctx.uow.units.header(unit_id)
    if found is None:
        return None
    rev, header = found
    if rev == ctx.header_rev:  # read at the revision the update started with: cacheable
        if len(cache) > 10_000:
            cache.clear()
        cache[unit_id] = (rev, header)
    return header


async def load_view(ctx: Ctx, unit_id: int) -> UnitView | None:
    """Everything about the unit an update may need, read in the update's transaction.

    Called on almost every update, so it spends few round trips: the header from the cache
    above, the catalog's parsed form and item ids from per-content caches, answers,
    explanations, evidence counts, appraised and survey points in one statement (so the
    walk card's total is the one /rank ranks)."""
    head = await _header(ctx, unit_id)
    if head is None:
        return None
    catalog = await catalog_by_id(ctx.uow, head.catalog_id, head.catalog_sha256)
    items = await _item_refs(ctx, head.catalog_id, head.catalog_sha256)
    got = await ctx.uow.answers.unit_items(unit_id, head.catalog_id)
    survey = await _survey_filled(ctx, catalog, head.catalog_id, head.period.id, got.survey)
    return UnitView(
        unit=head.unit,
        period=head.period,
        catalog=catalog,
        items=items,
        answers=dict(got.answers),
        explanations=dict(got.explanations),
        evidence_counts=got.evidence_counts,
        submission=head.submission,
        deadline=head.deadline,
        last_year=await last_year(ctx, head.unit, catalog),
        appraised=dict(got.appraised),
        survey=survey,
    )


async def _survey_filled(
    ctx: Ctx, catalog: Catalog, catalog_id: int, period_id: int, survey: dict[str, Decimal]
) -> dict[str, Decimal]:
    """The unit's survey points filled in as the ranking fills them: whether missing ones count
    0 (``survey_missing: zero``) depends on whether other units have theirs, asked only then."""
    others = False
    if catalog.survey_missing == "zero" and len(survey) < len(
        [x for x in catalog.field_leaves() if x.is_survey]
    ):
        others = catalog_id in await ctx.uow.results.catalogs_with_survey(period_id)
    return survey_fill(catalog, survey, others)[0]


async def figures(ctx: Ctx, view: UnitView) -> UnitResult:
    """The unit's result as /progress, /submit and /rank show it: once the period is published,
    its publication snapshot (what /rank shows then); before, computed from the view."""
    if view.period.published_at is not None:
        unit = await ctx.uow.units.get(view.unit.id)
        pair = None if unit is None else await unit_result(ctx.uow, unit)
        if pair is not None:
            return pair[1]
    return view.result()


async def load_view_or_explain(ctx: Ctx, unit_id: int) -> UnitView | None:
    """The unit's view, or a message saying its criteria set is not loaded yet."""
    view = await load_view(ctx, unit_id)
    if view is None:
        ctx.say(
            ctx.tr(
                "Your unit has no criteria set (bộ chỉ số) for this year yet. Phòng Nội vụ "
                "will load it; please try again later."
            )
        )
    return view


async def active_unit(ctx: Ctx, roles: tuple[str, ...] = ("officer", "leader")) -> int | None:
    """The unit the person is acting for: their chosen one if still allowed, else their first."""
    allowed = ctx.unit_ids(*roles)
    chosen = ctx.state.unit_id
    if chosen is not None and chosen in allowed:
        return chosen
    return allowed[0] if allowed else None
