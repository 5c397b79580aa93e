"""Survey (ĐTXHH / SIPAS) points imported per unit and item."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from storage.models import AnswerHistory, CatalogItem, HistorySource, SurveyPoints, Unit
from storage.repositories.base import Repository, ref, to_decimal
from storage.repositories.rows import PersonRow, from_orm
from storage.repositories.rows_evidence import SurveyPointsRow
from storage.types import utcnow


class SurveyRepository(Repository):
    async def get(self, unit_id: int, item_id: int) -> SurveyPointsRow | None:
        """The stored points, read from the database (a Core select: never a tracked
        object's cached value)."""
        t = SurveyPoints.__table__
        stmt = select(t).where(t.c.unit_id == unit_id, t.c.item_id == item_id)
        row = (await self.session.execute(stmt)).first()
        return from_orm(SurveyPointsRow, row) if row is not None else None

    async def _get(self, unit_id: int, item_id: int) -> SurveyPoints | None:
        return await self.session.scalar(
            select(SurveyPoints).where(
                SurveyPoints.unit_id == unit_id, SurveyPoints.item_id == item_id
            )
        )

    async def set_points(
        self,
        unit_id: int,
        item_id: int,
        points: Decimal | int | float | str,
        by: PersonRow | int | None = None,
        at: datetime | None = None,
    ) -> SurveyPointsRow:
        """Store imported survey points; a change is logged to answer_history (source
        ``survey``)."""
        new = to_decimal(points)
        assert new is not None
        at = at or utcnow()
        row = await self._get(unit_id, item_id)
        old: Decimal | None = None
        if row is None:
            row = SurveyPoints(unit_id=unit_id, item_id=item_id, points=new, imported_at=at)
            self.session.add(row)
        else:
            if row.points == new:
                return from_orm(SurveyPointsRow, row)
            old = row.points
            row.points = new
            row.imported_at = at
        self.session.add(
            AnswerHistory(
                unit_id=unit_id,
                item_id=item_id,
                old_points=old,
                new_points=new,
                changed_by=ref(by),
                changed_at=at,
                source=HistorySource.SURVEY.value,
            )
        )
        await self.session.flush()
        return from_orm(SurveyPointsRow, row)

    async def list_for_unit(self, unit_id: int) -> dict[str, SurveyPointsRow]:
        """``{item code: SurveyPointsRow}`` for one unit."""
        t = SurveyPoints.__table__
        stmt = (
            select(CatalogItem.code.label("item_code"), t)
            .join(CatalogItem, CatalogItem.id == t.c.item_id)
            .where(t.c.unit_id == unit_id)
        )
        rows = await self.session.execute(stmt)
        return {r.item_code: from_orm(SurveyPointsRow, r) for r in rows}

    async def list_for_period(self, period_id: int) -> dict[int, dict[str, SurveyPointsRow]]:
        """``{unit id: {item code: SurveyPointsRow}}`` for a period."""
        t = SurveyPoints.__table__
        stmt = (
            select(CatalogItem.code.label("item_code"), t)
            .join(CatalogItem, CatalogItem.id == t.c.item_id)
            .join(Unit, Unit.id == t.c.unit_id)
            .where(Unit.period_id == period_id)
        )
        out: dict[int, dict[str, SurveyPointsRow]] = {}
        for r in await self.session.execute(stmt):
            out.setdefault(r.unit_id, {})[r.item_code] = from_orm(SurveyPointsRow, r)
        return out
