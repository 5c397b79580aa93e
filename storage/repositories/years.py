"""Queries for starting a new year from the last one, and the catalog mapping between them.

Roles of a unit point at that year's unit row, appraiser assignments at a period: copying a
year means reading them per unit and per period, which the other repositories do not offer.
"""

from __future__ import annotations

from sqlalchemy import select

from storage.models import AppraiserAssignment, CatalogMapping, RoleGrant
from storage.repositories.base import Repository
from storage.repositories.rows_catalog import Assignment, StoredMapping, UnitGrant
from storage.types import utcnow


class YearRepository(Repository):
    async def unit_grants(self, unit_ids: list[int]) -> list[UnitGrant]:
        """Every role held for one of ``unit_ids`` (all-units roles are not per year)."""
        if not unit_ids:
            return []
        stmt = (
            select(RoleGrant.person_id, RoleGrant.unit_id, RoleGrant.role)
            .where(RoleGrant.unit_id.in_(unit_ids))
            .order_by(RoleGrant.id)
        )
        rows = await self.session.execute(stmt)
        return [UnitGrant(p, u, r) for p, u, r in rows if u is not None]

    async def assignments(self, period_id: int) -> list[Assignment]:
        """Every appraiser assignment of a period."""
        a = AppraiserAssignment
        stmt = (
            select(a.person_id, a.field_code, a.board)
            .where(a.period_id == period_id)
            .order_by(a.id)
        )
        return [Assignment(p, f, b) for p, f, b in await self.session.execute(stmt)]

    async def mapping(self, period_id: int) -> StoredMapping | None:
        row = await self.session.scalar(
            select(CatalogMapping).where(CatalogMapping.period_id == period_id)
        )
        if row is None:
            return None
        return StoredMapping(row.period_id, row.from_period_id, row.source_yaml, row.imported_at)

    async def set_mapping(self, period_id: int, from_period_id: int, source_yaml: str) -> bool:
        """Store (or replace) the period's mapping; True when it replaced one."""
        row = await self.session.scalar(
            select(CatalogMapping).where(CatalogMapping.period_id == period_id)
        )
        replaced = row is not None
        if row is None:
            row = CatalogMapping(period_id=period_id)
            self.session.add(row)
        row.from_period_id = from_period_id
        row.source_yaml = source_yaml
        row.imported_at = utcnow()
        await self.session.flush()
        return replaced


__all__ = ["Assignment", "StoredMapping", "UnitGrant", "YearRepository"]
