"""Survey (ĐTXHH / SIPAS) points imported per unit and item."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from storage.models import AnswerHistory, CatalogItem, HistorySource, Person, SurveyPoints, Unit
from storage.repositories.base import Repository, ref, to_decimal
from storage.repositories.rows import PersonRow
from storage.types import utcnow


class SurveyRepository(Repository):
    async def get(self, unit_id: int, item_id: int) -> SurveyPoints | None:
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
        by: Person | PersonRow | int | None = None,
        at: datetime | None = None,
    ) -> SurveyPoints:
        """Store imported survey points; a change is logged to answer_history (source
        ``survey``)."""
        new = to_decimal(points)
        assert new is not None
        at = at or utcnow()
        row = await self.get(unit_id, item_id)
        old: Decimal | None = None
        if row is None:
            row = SurveyPoints(unit_id=unit_id, item_id=item_id, points=new, imported_at=at)
            self.session.add(row)
        else:
            if row.points == new:
                return row
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
        return row

    async def list_for_unit(self, unit_id: int) -> dict[str, SurveyPoints]:
        """``{item code: SurveyPoints}`` for one unit."""
        stmt = (
            select(CatalogItem.code, SurveyPoints)
            .join(CatalogItem, CatalogItem.id == SurveyPoints.item_id)
            .where(SurveyPoints.unit_id == unit_id)
        )
        return {code: row for code, row in await self.session.execute(stmt)}

    async def list_for_period(self, period_id: int) -> dict[int, dict[str, SurveyPoints]]:
        """``{unit id: {item code: SurveyPoints}}`` for a period."""
        stmt = (
            select(SurveyPoints.unit_id, CatalogItem.code, SurveyPoints)
            .join(CatalogItem, CatalogItem.id == SurveyPoints.item_id)
            .join(Unit, Unit.id == SurveyPoints.unit_id)
            .where(Unit.period_id == period_id)
        )
        out: dict[int, dict[str, SurveyPoints]] = {}
        for unit_id, code, row in await self.session.execute(stmt):
            out.setdefault(unit_id, {})[code] = row
        return out
