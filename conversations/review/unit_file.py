"""One unit's appraisal file: everything an appraiser needs about a unit, read inside the update's
transaction, and each item's appraisal state (todo, done, waiting for evidence, returned).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from conversations import assessment as A
from scoring.answers import Answer, AnswerError, score_answer
from scoring.catalog import Catalog, Item
from scoring.i18n import N_
from storage import models as m
from storage.repositories.rows import PeriodRow, UnitRow
from storage.repositories.rows_catalog import CatalogItemRow
from storage.uow import UnitOfWork

REVIEWABLE = ("submitted", "appraised")  # submission statuses whose items can be appraised
DONE = ("accepted", "adjusted")
SIGNATURES = {
    "signed_intact": N_("✅ signed, intact"),
    "signed_modified": N_("⚠️ signed, but changed after signing"),
    "unsigned": N_("✖ not signed"),
    "unreadable": N_("⚠️ unreadable"),
    "photo": N_("📷 photo"),
}


def signature_text(tr, status: str) -> str:  # type: ignore[no-untyped-def]
    return tr(SIGNATURES[status]) if status in SIGNATURES else status


def field_key(catalog: Catalog, item: Item) -> str:
    """What an assignment names for this item: its field code, or "bonus"/"penalty"."""
    return catalog.field_of(item.code) or item.section


@dataclass
class UnitFile:
    """Everything about one unit an appraiser needs, read inside the update's transaction."""

    unit: m.Unit | UnitRow
    period: PeriodRow
    catalog: Catalog
    items: dict[str, CatalogItemRow]
    answers: dict[str, m.Answer]
    appraisals: dict[str, m.Appraisal]
    explanations: dict[str, m.Explanation]
    evidence: dict[str, list[m.Evidence]]
    submission: m.Submission | None
    scope: set[str] | None = None  # field keys this person appraises here (None = all)
    _by_id: dict[int, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else "draft"

    @property
    def reviewable(self) -> bool:
        return self.status in REVIEWABLE and self.period.published_at is None

    def leaves(self, scoped: bool = True) -> list[Item]:
        """Appraisable leaves (survey items come from the survey), in document order."""
        out = [leaf for leaf in self.catalog.leaves() if not leaf.is_survey]
        if scoped and self.scope is not None:
            out = [x for x in out if field_key(self.catalog, x) in self.scope]
        return out

    def in_scope(self, item: Item) -> bool:
        return self.scope is None or field_key(self.catalog, item) in self.scope

    def item_id(self, code: str) -> int:
        return self.items[code].id

    def item_by_id(self, item_id: int) -> Item | None:
        if not self._by_id:
            self._by_id = {row.id: code for code, row in self.items.items()}
        code = self._by_id.get(item_id)
        item = self.catalog.item(code) if code is not None else None
        return item if item is not None and item.is_leaf and not item.is_survey else None

    def answer(self, code: str) -> Answer | None:
        row = self.answers.get(code)
        if row is None:
            return None
        try:
            return Answer.from_json(row.value)
        except (ValueError, KeyError):
            return None

    def self_points(self, item: Item) -> tuple[Decimal | None, bool]:
        """(points, applicable): unanswered → (0, True); not applicable, excluded → (0, False)."""
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
        if (ex := self.explanations.get(code)) is not None:
            times.append(ex.updated_at)
        times += [e.uploaded_at for e in self.evidence.get(code, [])]
        if (ans := self.answers.get(code)) is not None:
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
            return "returned" if ans is not None and ans.updated_at > ap.updated_at else "done"
        replied = self.replied_at(code)
        return "returned" if replied is not None and replied > ap.updated_at else "waiting"

    def queue(self) -> list[Item]:
        return [x for x in self.leaves() if self.state(x.code) in ("todo", "returned")]

    def counts(self, scoped: bool = True) -> dict[str, int]:
        out = {"todo": 0, "done": 0, "waiting": 0, "returned": 0}
        for leaf in self.leaves(scoped):
            out[self.state(leaf.code)] += 1
        return out


async def load_unit(
    uow: UnitOfWork, unit: m.Unit | UnitRow, scope: set[str] | None = None
) -> UnitFile | None:
    pair = await A.unit_catalog(uow, unit)
    period = await uow.periods.get(unit.period_id)
    if pair is None or period is None:
        return None
    row, cat = pair
    return UnitFile(
        unit=unit,
        period=period,
        catalog=cat,
        items=await uow.catalogs.items_by_code(row.id),
        answers=await uow.answers.list_for_unit(unit.id),
        appraisals=await uow.appraisals.list_for_unit(unit.id),
        explanations=await uow.answers.explanations_for_unit(unit.id),
        evidence=await uow.evidence.list_for_unit(unit.id),
        submission=await uow.submissions.get(unit.id),
        scope=scope,
    )
