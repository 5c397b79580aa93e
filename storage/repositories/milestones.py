"""Milestones (mốc thời gian) of a period's plan."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import Select, Table, delete, insert, select, update

from storage.models import Audience, Milestone, MilestoneKind, Precision
from storage.repositories.base import Repository
from storage.repositories.rows_plan import MilestoneRow

_T = cast(Table, Milestone.__table__)
_M = _T.c


def _select() -> Select[Any]:
    """Every column of the milestones, read with Core: the rows are never tracked, so a
    write through this repository is never undone by a stale object in the session."""
    return select(*_T.c)


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
    ) -> MilestoneRow:
        """Create or replace the milestone ``key`` of a period (plan re-import safe)."""
        MilestoneKind(kind)
        Precision(precision)
        Audience(audience)
        values: dict[str, Any] = {
            "title": title,
            "title_en": title_en,
            "kind": kind,
            "due_start": due_start,
            "due_end": due_end,
            "precision": precision,
            "lead": lead,
            "coordinate": coordinate,
            "audience": audience,
            "source": source,
            "reminder_days": list(reminder_days) if reminder_days is not None else None,
        }
        row_id = await self.session.scalar(
            select(_M.id).where(_M.period_id == period_id, _M.key == key)
        )
        if row_id is None:
            row_id = await self.session.scalar(
                insert(_T).values(period_id=period_id, key=key, **values).returning(_M.id)
            )
        else:
            await self.session.execute(update(_T).where(_M.id == row_id).values(**values))
        return MilestoneRow(id=int(row_id), period_id=period_id, key=key, **values)

    async def get(self, period_id: int, key: str) -> MilestoneRow | None:
        row = (
            await self.session.execute(_select().where(_M.period_id == period_id, _M.key == key))
        ).first()
        return MilestoneRow(**row._mapping) if row is not None else None

    async def list_for_period(self, period_id: int) -> list[MilestoneRow]:
        """Milestones of a period by due date."""
        stmt = _select().where(_M.period_id == period_id).order_by(_M.due_end, _M.key)
        return [MilestoneRow(**r._mapping) for r in await self.session.execute(stmt)]

    async def due_between(self, start: date, end: date) -> list[MilestoneRow]:
        """Milestones of any period whose ``due_end`` lies in ``[start, end]``."""
        stmt = _select().where(_M.due_end >= start, _M.due_end <= end).order_by(_M.due_end, _M.id)
        return [MilestoneRow(**r._mapping) for r in await self.session.execute(stmt)]

    async def set_reminder_days(self, period_id: int, key: str, days: Sequence[int] | None) -> bool:
        """Remind the milestone ``key`` ``days`` before its deadline (None: the default days,
        empty: never); False if the period has no such milestone."""
        result = await self.session.execute(
            update(_T)
            .where(_M.period_id == period_id, _M.key == key)
            .values(reminder_days=list(days) if days is not None else None)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def delete(self, period_id: int, key: str) -> bool:
        result = await self.session.execute(
            delete(_T).where(_M.period_id == period_id, _M.key == key)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
