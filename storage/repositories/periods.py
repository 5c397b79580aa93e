"""Assessment periods (one per year)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage.models import Period
from storage.repositories.base import Repository
from storage.repositories.rows import PeriodRow, from_orm
from storage.types import utcnow


def _row(period: Period | None) -> PeriodRow | None:
    return from_orm(PeriodRow, period) if period is not None else None


class PeriodRepository(Repository):
    async def create(self, year: int, title: str) -> PeriodRow:
        period = Period(year=year, title=title, created_at=utcnow())
        self.session.add(period)
        await self.session.flush()
        return from_orm(PeriodRow, period)

    async def get(self, period_id: int) -> PeriodRow | None:
        return _row(await self.session.get(Period, period_id))

    async def get_by_year(self, year: int) -> PeriodRow | None:
        return _row(await self.session.scalar(select(Period).where(Period.year == year)))

    async def list_all(self) -> list[PeriodRow]:
        """All periods, oldest first."""
        rows = await self.session.scalars(select(Period).order_by(Period.year))
        return [from_orm(PeriodRow, p) for p in rows]

    async def latest(self) -> PeriodRow | None:
        """The period with the highest year (the current one), if any."""
        return _row(await self.session.scalar(select(Period).order_by(Period.year.desc()).limit(1)))

    async def publish(self, period_id: int, at: datetime | None = None) -> PeriodRow:
        """Freeze the period's results (``published_at`` set); returns the period as now."""
        return await self._set_published(period_id, at or utcnow())

    async def unpublish(self, period_id: int) -> PeriodRow:
        """Reopen the period's results (``published_at`` cleared); returns the period as now."""
        return await self._set_published(period_id, None)

    async def _set_published(self, period_id: int, at: datetime | None) -> PeriodRow:
        period = await self.session.get(Period, period_id)
        if period is None:
            raise LookupError(f"period {period_id} is gone")
        period.published_at = at
        await self.session.flush()
        return from_orm(PeriodRow, period)
