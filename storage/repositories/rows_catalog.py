"""Plain frozen rows of the catalog area (issue 13: repositories return DTOs): catalogs and their
items, the stored results cache, publication snapshots and the year-over-year reads.

Same attribute names as the ORM columns (storage.models), so code written against the models
reads them unchanged; SQLAlchemy-free, so the conversation core can import them.  The
repositories re-export the ones they take or return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from storage.enums import ItemSection


@dataclass(frozen=True)
class CatalogRow:
    """A stored catalog (bộ chỉ số) of a period; ``source_yaml`` is authoritative."""

    id: int
    period_id: int
    code: str
    title: str
    boards: list[str]
    source_yaml: str
    sha256: str
    imported_at: datetime


@dataclass(frozen=True)
class CatalogItemRow:
    """One stored node of a catalog's item tree."""

    id: int
    catalog_id: int
    code: str
    parent_code: str | None
    title: str
    max_points: Decimal
    kind: str | None
    section: str
    position: int
    is_leaf: bool


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """One catalog node to store (flattened tree; ``position`` defaults to input order)."""

    code: str
    title: str
    max_points: Decimal | int | float | str
    parent_code: str | None = None
    kind: str | None = None
    section: str = ItemSection.FIELD.value
    is_leaf: bool = True
    position: int | None = None


@dataclass(frozen=True, slots=True)
class UnitGrant:
    person_id: int
    unit_id: int
    role: str


@dataclass(frozen=True, slots=True)
class Assignment:
    person_id: int
    field_code: str
    board: str | None


@dataclass(frozen=True, slots=True)
class StoredMapping:
    period_id: int
    from_period_id: int
    source_yaml: str
    imported_at: datetime


@dataclass(frozen=True)
class StoredResult:
    current_rev: int  # units.results_rev now
    rev: int | None  # the rev the stored summary was computed from (None: nothing stored)
    catalog_sha256: str | None
    formula: int | None
    index: Decimal | None
    index_low: Decimal | None
    index_high: Decimal | None
    summary: str | None  # JSON text


@dataclass(frozen=True)
class NewResult:
    unit_id: int
    rev: int
    catalog_sha256: str
    formula: int
    index: Decimal
    index_low: Decimal
    index_high: Decimal
    summary: str


@dataclass(frozen=True)
class SnapshotUnit:
    """One unit's published figures (see :class:`storage.models.PublishedUnit`)."""

    unit_id: int | None
    unit_code: str
    unit_name: str
    board: str
    catalog_code: str
    status: str
    index: Decimal
    index_low: Decimal
    index_high: Decimal
    rank: int
    of: int
    best_rank: int
    worst_rank: int
    class_rank: int
    classification: str
    class_reason: str | None
    basis: str
    summary: str
    items: dict[str, Any]


@dataclass(frozen=True)
class Snapshot:
    id: int
    period_id: int
    version: int
    published_at: datetime
    published_by: int | None
    forced: bool
    reason: str | None
    missing: dict[str, Any]
    catalogs: list[dict[str, Any]]
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class AuditRow:
    action: str
    version: int | None
    actor_label: str
    reason: str | None
    at: datetime
