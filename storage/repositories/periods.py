"""Assessment periods (one per year)."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, func, select

from storage.models import HotRevision, Period
from storage.repositories.base import Repository
from storage.repositories.rows import PeriodRow, from_orm
from storage.types import utcnow

_PERIODS = cast(Table, Period.__table__)
_BEFORE = _PERIODS.alias("before")
_REV = cast(Table, HotRevision.__table__)
_AN_EARLIER_YEAR = select(
    select(func.count())
    .select_from(_BEFORE)
    .where(_BEFORE.c.year < _PERIODS.c.year)
    .scalar_subquery()
    .label("earlier"),
    select(_REV.c.rev).where(_REV.c.id == 1).scalar_subquery().label("rev"),
).where(_PERIODS.c.id == bindparam("period_id"))


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

    async def an_earlier_year(self, period_id: int) -> tuple[int, bool] | None:
        """``(header revision, whether any period has an earlier year)`` in one statement, the
        revision read with it (conversations.revision_cache keeps the answer); None when there
        is no such period."""
        row = (await self._core(_AN_EARLIER_YEAR, {"period_id": period_id})).first()
        return None if row is None else (int(row.rev or 0), bool(row.earlier))

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
