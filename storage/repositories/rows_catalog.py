"""Plain frozen rows of catalogs, their items and boards (issue 13: repositories return DTOs).

Same attribute names as the ORM columns (storage.models), so code written against the models
reads them unchanged; SQLAlchemy-free, so the conversation core can import them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

_R = TypeVar("_R")


def row_of(cls: type[_R], obj: Any) -> _R:
    """The plain ``cls`` row of an ORM object: every dataclass field read from the attribute of
    the same name (so a field added to a row class is filled without touching its readers)."""
    return cls(**{f.name: getattr(obj, f.name) for f in fields(cls)})  # type: ignore[arg-type]


@dataclass(frozen=True)
class BoardRow:
    code: str
    name_vi: str
    name_en: str


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
