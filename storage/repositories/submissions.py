"""Submission workflow state of each unit, with an event log."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from storage.models import Submission, SubmissionEvent, SubmissionStatus, Unit
from storage.repositories.base import Repository, ref, to_decimal
from storage.repositories.rows import PersonRow, SubmissionRow, from_orm
from storage.repositories.rows_evidence import SubmissionEventRow
from storage.types import utcnow


class SubmissionRepository(Repository):
    async def get(self, unit_id: int) -> SubmissionRow | None:
        sub = await self._get(unit_id)
        return SubmissionRow.of(sub) if sub is not None else None

    async def _get(self, unit_id: int) -> Submission | None:
        return await self.session.scalar(select(Submission).where(Submission.unit_id == unit_id))

    async def get_or_create(self, unit_id: int) -> SubmissionRow:
        """The unit's submission row, created as ``draft`` when missing (no event logged)."""
        return SubmissionRow.of(await self._get_or_create(unit_id))

    async def _get_or_create(self, unit_id: int) -> Submission:
        sub = await self._get(unit_id)
        if sub is None:
            sub = Submission(
                unit_id=unit_id, status=SubmissionStatus.DRAFT.value, updated_at=utcnow()
            )
            self.session.add(sub)
            await self.session.flush()
        return sub

    async def set_status(
        self,
        unit_id: int,
        status: str,
        by: PersonRow | int | None = None,
        note: str | None = None,
        index_at_submit: Decimal | int | float | str | None = None,
        at: datetime | None = None,
    ) -> SubmissionRow:
        """Change the status and log a ``submission_events`` row.

        ``submitted`` also records ``submitted_at``/``submitted_by`` and ``index_at_submit``.
        Transition rules are the caller's business.
        """
        SubmissionStatus(status)
        at = at or utcnow()
        sub = await self._get_or_create(unit_id)
        sub.status = status
        sub.updated_at = at
        if status == SubmissionStatus.SUBMITTED:
            sub.submitted_at = at
            sub.submitted_by = ref(by)
            sub.index_at_submit = to_decimal(index_at_submit)
        self.session.add(
            SubmissionEvent(
                unit_id=unit_id, status=status, created_at=at, created_by=ref(by), note=note
            )
        )
        await self.session.flush()
        return SubmissionRow.of(sub)

    async def events(self, unit_id: int) -> list[SubmissionEventRow]:
        t = SubmissionEvent.__table__
        stmt = select(t).where(t.c.unit_id == unit_id).order_by(t.c.id)
        return [from_orm(SubmissionEventRow, r) for r in await self.session.execute(stmt)]

    async def restore(
        self,
        unit_id: int,
        status: str,
        by: PersonRow | int | None,
        note: str,
        at: datetime,
    ) -> None:
        """Put back a status held before (e.g. on unpublish), keeping when and by whom it was
        submitted and the index at submission; logged like any change."""
        SubmissionStatus(status)
        sub = await self._get_or_create(unit_id)
        sub.status = status
        sub.updated_at = at
        self.session.add(
            SubmissionEvent(
                unit_id=unit_id, status=status, created_at=at, created_by=ref(by), note=note
            )
        )
        await self.session.flush()

    async def list_for_period(self, period_id: int) -> dict[int, SubmissionRow]:
        """``{unit id: SubmissionRow}`` for the units of a period that have one."""
        t = Submission.__table__
        stmt = select(t).join(Unit, Unit.id == t.c.unit_id).where(Unit.period_id == period_id)
        return {r.unit_id: SubmissionRow.of(r) for r in await self.session.execute(stmt)}
