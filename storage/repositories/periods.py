"""Assessment periods (one per year)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage.models import Period
from storage.repositories.base import Repository
from storage.types import utcnow


class PeriodRepository(Repository):
    async def create(self, year: int, title: str) -> Period:
        period = Period(year=year, title=title, created_at=utcnow())
        self.session.add(period)
        await self.session.flush()
        return period

    async def get(self, period_id: int) -> Period | None:
        return await self.session.get(Period, period_id)

    async def get_by_year(self, year: int) -> Period | None:
        return await self.session.scalar(select(Period).where(Period.year == year))

    async def list_all(self) -> list[Period]:
        """All periods, oldest first."""
        return list(await self.session.scalars(select(Period).order_by(Period.year)))

    async def latest(self) -> Period | None:
        """The period with the highest year (the current one), if any."""
        return await self.session.scalar(select(Period).order_by(Period.year.desc()).limit(1))

    async def publish(self, period: Period, at: datetime | None = None) -> None:
        """Freeze the period's results (``published_at`` set)."""
        period.published_at = at or utcnow()
        await self.session.flush()
