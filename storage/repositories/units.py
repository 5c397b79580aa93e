"""Assessed units (departments, communes), per period."""

from __future__ import annotations

from sqlalchemy import select, update

from storage.models import Catalog, Period, Unit
from storage.repositories.base import Repository
from storage.types import utcnow


class UnitRepository(Repository):
    async def create(
        self,
        period_id: int,
        code: str,
        name: str,
        board: str,
        catalog_id: int | None = None,
        tags: list[str] | None = None,
    ) -> Unit:
        unit = Unit(
            period_id=period_id,
            code=code,
            name=name,
            board=board,
            catalog_id=catalog_id,
            created_at=utcnow(),
            tags=tags or None,
        )
        self.session.add(unit)
        await self.session.flush()
        return unit

    async def get(self, unit_id: int) -> Unit | None:
        return await self.session.get(Unit, unit_id)

    async def get_by_code(self, period_id: int, code: str) -> Unit | None:
        return await self.session.scalar(
            select(Unit).where(Unit.period_id == period_id, Unit.code == code)
        )

    async def with_period_and_catalog(self, unit_id: int) -> tuple[Unit, Period, Catalog] | None:
        """The unit, its period and its catalog in one round trip (None without a catalog)."""
        row = (
            await self.session.execute(
                select(Unit, Period, Catalog)
                .join(Period, Period.id == Unit.period_id)
                .join(Catalog, Catalog.id == Unit.catalog_id)
                .where(Unit.id == unit_id)
            )
        ).first()
        return (row[0], row[1], row[2]) if row is not None else None

    async def list_for_period(self, period_id: int, board: str | None = None) -> list[Unit]:
        """Units of a period (optionally of one board), ordered by board then code."""
        stmt = select(Unit).where(Unit.period_id == period_id)
        if board is not None:
            stmt = stmt.where(Unit.board == board)
        return list(await self.session.scalars(stmt.order_by(Unit.board, Unit.code)))

    async def list_by_ids(self, unit_ids: list[int]) -> list[Unit]:
        if not unit_ids:
            return []
        stmt = select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.id)
        return list(await self.session.scalars(stmt))

    async def set_catalog(self, unit: Unit, catalog_id: int | None) -> None:
        unit.catalog_id = catalog_id
        await self.session.flush()

    async def set_catalog_for_board(self, period_id: int, board: str, catalog_id: int) -> int:
        """Point every unit of ``board`` in the period at ``catalog_id``; returns the count."""
        result = await self.session.execute(
            update(Unit)
            .where(Unit.period_id == period_id, Unit.board == board)
            .values(catalog_id=catalog_id)
            .execution_options(synchronize_session="fetch")
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
