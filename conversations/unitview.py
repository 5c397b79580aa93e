"""One unit's assessment as the chat sees it, read in the update's transaction.

Several officers of a unit may answer at the same time from different phones, so nothing about
the unit's answers is cached between updates: they are read (one statement) on every update.
The unit's header (unit, period, catalog version, deadline, submission) changes rarely; it is
cached per process and per database engine while ``hot_revision.rev`` — read with the person,
bumped by database triggers on every change — is unchanged, so a change made through another
worker is seen on the next update (issue 19). The parsed catalog is cached per content hash.

Appraisal (/review, the unit's sheet, publication readiness) reads the same view with its
appraisals and evidence files (:func:`load_for_appraisal`): the walk never pays for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from conversations import result_memo
from conversations.assessment import catalog_by_id, survey_fill, unit_result, unit_tags
from conversations.context import Ctx
from conversations.revision_cache import RevisionCache
from conversations.yearover_chat import LastYear, last_year
from scoring.answers import Answer, AnswerError, needs_explanation, score_answer
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
from storage.repositories.rows_evidence import AppraisalRow, EvidenceRow
from storage.uow import UnitOfWork

REVIEWABLE = ("submitted", "appraised")  # submission statuses whose items can be appraised
DONE = ("accepted", "adjusted")  # final verdicts


@dataclass(frozen=True)
class ItemRef:
    """A catalog item's row id (all the chat needs of the stored item)."""

    id: int


def field_key(catalog: Catalog, item: Item) -> str:
    """What an appraisal assignment names for this item: its field code, or "bonus"/"penalty"."""
    return catalog.field_of(item.code) or item.section


@dataclass
class AppraisalData:
    """The part of a unit only appraisal reads: its verdicts and its evidence files (the walk
    needs only how many files an item has, in ``UnitView.evidence_counts``)."""

    appraisals: dict[str, AppraisalRow]
    evidence: dict[str, list[EvidenceRow]]


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
    appraisal: AppraisalData | None = None
    """Verdicts and evidence files, read only by :func:`load_for_appraisal`."""
    scope: set[str] | None = None
    """The field keys the appraiser reading the view appraises here (None = all)."""
    _result_memo: tuple[tuple[object, ...], UnitResult] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def tags(self) -> frozenset[str]:
        return unit_tags(self.unit)

    def applies(self, item: Item) -> bool:
        """Whether the item applies to this unit (``applies_to`` names one of its tags)."""
        return self.catalog.applies(item.code, self.tags)

    def answerable(self, node: Item) -> list[Item]:
        """The leaves under ``node`` an officer of this unit answers (not survey, applicable)."""
        tags = self.tags
        return [
            x for x in node.leaf_items if not x.is_survey and self.catalog.applies(x.code, tags)
        ]

    @property
    def walk(self) -> list[Item]:
        """Items an officer answers, in document order: survey items are never self-scored and
        items that do not apply to the unit are never asked."""
        return list(self.catalog.asked(self.tags))

    def walk_index(self, code: str) -> int | None:
        """Where item ``code`` stands in :attr:`walk` (None: not asked of this unit)."""
        return self.catalog.asked_index(self.tags).get(code)

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
        numbers (conversations.figures words them).

        An update often shows it several times (a card, the card it replaces, the summary
        after a save), so it is kept on the view with what it was computed from and reused
        while every one of those is the very same object (a save puts a new answer row in
        ``answers``: computed again); across updates, conversations.result_memo keeps it by
        its exact inputs."""
        inputs = self._result_inputs()
        kept = self._result_memo
        if kept is not None and _same_objects(kept[0], inputs):
            return kept[1]
        tags = self.tags
        key = result_memo.content_key(self.catalog, tags, self.answers, self.appraised, self.survey)
        res = result_memo.recall(key, self.catalog)
        if res is None:
            answers = {c: a for c in self.answers if (a := self.answer(c)) is not None}
            res = compute(self.catalog, answers, self.appraised, self.survey, tags=tags)
            result_memo.keep(key, self.catalog, res)
        self._result_memo = (inputs, res)
        return res

    def _result_inputs(self) -> tuple[object, ...]:
        """Everything :meth:`result` is computed from, as it stands now (the unit's tags
        come with its row)."""
        return (
            self.catalog,
            self.unit,
            tuple(self.answers.items()),
            tuple(self.appraised.items()),
            tuple(self.survey.items()),
        )

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

    # ------------------------------------------------------------------ appraisal

    @property
    def appraisals(self) -> dict[str, AppraisalRow]:
        return self._appraisal().appraisals

    @property
    def evidence(self) -> dict[str, list[EvidenceRow]]:
        return self._appraisal().evidence

    def _appraisal(self) -> AppraisalData:
        if self.appraisal is None:
            raise RuntimeError("the view was not read for appraisal (load_for_appraisal)")
        return self.appraisal

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else "draft"

    def appraisable(self, scoped: bool = True) -> list[Item]:
        """Leaves an appraiser rules on (survey items come from the survey), in document
        order; ``scoped``: only those in the reader's :attr:`scope`."""
        out = [leaf for leaf in self.catalog.leaves() if not leaf.is_survey]
        if scoped and self.scope is not None:
            out = [x for x in out if field_key(self.catalog, x) in self.scope]
        return out

    def in_scope(self, item: Item) -> bool:
        return self.scope is None or field_key(self.catalog, item) in self.scope

    def appraisable_item(self, item_id: int) -> Item | None:
        """The leaf a button names by id, if it is one an appraiser rules on."""
        item = self.item_by_id(item_id)
        return item if item is not None and item.is_leaf and not item.is_survey else None

    def item_points(self, item: Item) -> tuple[Decimal | None, bool]:
        """The item's self-score as (points, applicable): unanswered → (None, True); not
        applicable or excluded → (0, False)."""
        a = self.answer(item.code)
        if a is None:
            return None, True
        try:
            s = score_answer(item, a)
        except AnswerError:
            return None, True
        return s.points, s.applicable

    def replied_at(self, code: str) -> datetime | None:
        """When the unit last added an explanation, a file or an answer to this item."""
        times: list[datetime] = []
        if (ex := self.explanations.get(code)) is not None and ex.updated_at is not None:
            times.append(ex.updated_at)
        times += [e.uploaded_at for e in self.evidence.get(code, [])]
        if (ans := self.answers.get(code)) is not None and ans.updated_at is not None:
            times.append(ans.updated_at)
        return max(times) if times else None

    def state(self, code: str) -> str:
        """todo (no verdict) · done · waiting (more evidence asked) · returned (the unit replied,
        or changed its answer after the verdict, e.g. once reopened)."""
        ap = self.appraisals.get(code)
        if ap is None or ap.status == "pending":
            return "todo"
        if ap.status in DONE:
            ans = self.answers.get(code)
            at = ans.updated_at if ans is not None else None
            return "returned" if at is not None and at > ap.updated_at else "done"
        replied = self.replied_at(code)
        return "returned" if replied is not None and replied > ap.updated_at else "waiting"

    def queue(self) -> list[Item]:
        """The items in scope waiting for the appraiser: no verdict yet, or the unit replied."""
        return [x for x in self.appraisable() if self.state(x.code) in ("todo", "returned")]

    def counts(self, scoped: bool = True) -> dict[str, int]:
        out = {"todo": 0, "done": 0, "waiting": 0, "returned": 0}
        for leaf in self.appraisable(scoped):
            out[self.state(leaf.code)] += 1
        return out


def _source(result: UnitResult, code: str) -> str | None:
    """A leaf's source; None when ``result`` (a publication snapshot) does not have the item."""
    leaf = result.leaves.get(code)
    return leaf.source if leaf is not None else None


def _same_objects(kept: tuple[object, ...], now: tuple[object, ...]) -> bool:
    """Whether two :meth:`UnitView._result_inputs` hold the very same objects (identity, not
    equality: Decimal("1.0") == Decimal("1") yet they print differently). ``kept`` holds its
    objects alive, so an id is never reused while compared."""
    if len(kept) != len(now):
        return False
    for a, b in zip(kept, now, strict=True):
        if a is b:
            continue
        if type(a) is not tuple or type(b) is not tuple or not _same_objects(a, b):
            return False
    return True


# (catalog id, content hash) → item code → id.  Items follow the catalog's YAML, so while its
# hash is unchanged their ids are too; a re-imported catalog gets a new hash, hence a new key.
_ITEM_IDS: dict[tuple[int, str], dict[str, ItemRef]] = {}


async def _item_refs(uow: UnitOfWork, catalog_id: int, sha256: str) -> dict[str, ItemRef]:
    key = (catalog_id, sha256)
    refs = _ITEM_IDS.get(key)
    if refs is None:
        rows = await uow.catalogs.items_by_code(catalog_id)
        refs = {code: ItemRef(row.id) for code, row in rows.items()}
        if len(_ITEM_IDS) > 64:
            _ITEM_IDS.clear()
        _ITEM_IDS[key] = refs
    return refs


_HEADERS: RevisionCache[int, HeaderRow] = RevisionCache(limit=10_000)


async def _header(ctx: Ctx, unit_id: int) -> HeaderRow | None:
    """The unit's header from the per-process cache while the revision read with the person is
    unchanged, else from the database (one statement, no catalog YAML, the revision read with
    it: conversations.revision_cache). Known limit: a flow that changes a unit's header and
    then reads the view again in the same update sees the header as the update began (none
    does today)."""
    return await _HEADERS.read(ctx, unit_id, lambda: ctx.uow.units.header(unit_id))


async def load_view(ctx: Ctx, unit_id: int) -> UnitView | None:
    """Everything about the unit an update may need, read in the update's transaction.

    Called on almost every update, so it spends few round trips: the header from the cache
    above, the catalog's parsed form and item ids from per-content caches, answers,
    explanations, evidence counts, appraised and survey points in one statement (so the
    walk card's total is the one /rank ranks)."""
    head = await _header(ctx, unit_id)
    if head is None:
        return None
    view = await _read(ctx.uow, head)
    view.last_year = await last_year(ctx, head.unit, view.catalog)
    return view


async def load_for_appraisal(
    uow: UnitOfWork, unit_id: int, scope: set[str] | None = None
) -> UnitView | None:
    """The unit's view with its verdicts and evidence files, for appraisal: /review (``scope``:
    the fields the appraiser rules on), the unit's sheet and publication readiness. Read
    afresh (no header cache: these run outside an officer's update, or write verdicts that
    change the submission), without last year's answers (only the walk shows them)."""
    found = await uow.units.header(unit_id)
    if found is None:
        return None
    view = await _read(uow, found[1])
    view.appraisal = AppraisalData(
        await uow.appraisals.list_for_unit(unit_id), await uow.evidence.list_for_unit(unit_id)
    )
    view.scope = scope
    return view


async def _read(uow: UnitOfWork, head: HeaderRow) -> UnitView:
    """The view of the unit ``head`` names: its per-item data in one statement."""
    catalog = await catalog_by_id(uow, head.catalog_id, head.catalog_sha256)
    items = await _item_refs(uow, head.catalog_id, head.catalog_sha256)
    got = await uow.answers.unit_items(head.unit.id, head.catalog_id)
    survey = await _survey_filled(uow, catalog, head.catalog_id, head.period.id, got.survey)
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
        appraised=dict(got.appraised),
        survey=survey,
    )


async def _survey_filled(
    uow: UnitOfWork, catalog: Catalog, catalog_id: int, period_id: int, survey: dict[str, Decimal]
) -> dict[str, Decimal]:
    """The unit's survey points filled in as the ranking fills them: whether missing ones count
    0 (``survey_missing: zero``) depends on whether other units have theirs, asked only then."""
    others = False
    if catalog.survey_missing == "zero" and len(survey) < len(
        [x for x in catalog.field_leaves() if x.is_survey]
    ):
        others = catalog_id in await uow.results.catalogs_with_survey(period_id)
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
