"""Milestones (mốc thời gian) of a period's plan."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, select

from storage.models import Audience, Milestone, MilestoneKind, Precision
from storage.repositories.base import Repository


class MilestoneRepository(Repository):
    async def upsert(
        self,
        period_id: int,
        key: str,
        title: str,
        kind: str,
        due_end: date,
        precision: str = Precision.DAY.value,
        audience: str = Audience.ALL.value,
        due_start: date | None = None,
        title_en: str | None = None,
        lead: str | None = None,
        coordinate: str | None = None,
        source: str | None = None,
        reminder_days: Sequence[int] | None = None,
    ) -> Milestone:
        """Create or replace the milestone ``key`` of a period (plan re-import safe)."""
        MilestoneKind(kind)
        Precision(precision)
        Audience(audience)
        row = await self.get(period_id, key)
        if row is None:
            row = Milestone(period_id=period_id, key=key)
            self.session.add(row)
        row.title = title
        row.title_en = title_en
        row.kind = kind
        row.due_start = due_start
        row.due_end = due_end
        row.precision = precision
        row.lead = lead
        row.coordinate = coordinate
        row.audience = audience
        row.source = source
        row.reminder_days = list(reminder_days) if reminder_days is not None else None
        await self.session.flush()
        return row

    async def get(self, period_id: int, key: str) -> Milestone | None:
        return await self.session.scalar(
            select(Milestone).where(Milestone.period_id == period_id, Milestone.key == key)
        )

    async def list_for_period(self, period_id: int) -> list[Milestone]:
        """Milestones of a period by due date."""
        stmt = (
            select(Milestone)
            .where(Milestone.period_id == period_id)
            .order_by(Milestone.due_end, Milestone.key)
        )
        return list(await self.session.scalars(stmt))

    async def due_between(self, start: date, end: date) -> list[Milestone]:
        """Milestones of any period whose ``due_end`` lies in ``[start, end]``."""
        stmt = (
            select(Milestone)
            .where(Milestone.due_end >= start, Milestone.due_end <= end)
            .order_by(Milestone.due_end, Milestone.id)
        )
        return list(await self.session.scalars(stmt))

    async def delete(self, period_id: int, key: str) -> bool:
        result = await self.session.execute(
            delete(Milestone)
            .where(Milestone.period_id == period_id, Milestone.key == key)
            .execution_options(synchronize_session="fetch")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
