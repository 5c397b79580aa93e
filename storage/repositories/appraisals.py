"""Appraisal (thẩm định) results and appraiser assignments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from storage.models import (
    AnswerHistory,
    Appraisal,
    AppraisalStatus,
    AppraiserAssignment,
    CatalogItem,
    HistorySource,
    Person,
    Unit,
)
from storage.repositories.base import Repository, ref, to_decimal
from storage.repositories.rows import PersonRow, from_orm
from storage.repositories.rows_evidence import AppraisalRow
from storage.repositories.rows_people import AssignmentRow
from storage.types import utcnow


def _snapshot(row: Appraisal) -> dict[str, Any]:
    return {
        "status": row.status,
        "comment": row.comment,
        "due_date": row.due_date.isoformat() if row.due_date else None,
    }


class AppraisalRepository(Repository):
    async def get(self, unit_id: int, item_id: int) -> AppraisalRow | None:
        row = await self._get(unit_id, item_id)
        return from_orm(AppraisalRow, row) if row is not None else None

    async def _get(self, unit_id: int, item_id: int) -> Appraisal | None:
        return await self.session.scalar(
            select(Appraisal).where(Appraisal.unit_id == unit_id, Appraisal.item_id == item_id)
        )

    async def set_appraisal(
        self,
        unit_id: int,
        item_id: int,
        status: str,
        points: Decimal | int | float | str | None = None,
        comment: str | None = None,
        due_date: date | None = None,
        appraiser: PersonRow | int | None = None,
        reason: str | None = None,
        at: datetime | None = None,
    ) -> AppraisalRow:
        """Create or update the verdict on one item; every change is logged to
        answer_history with source ``appraisal`` (values: status/comment/due_date)."""
        AppraisalStatus(status)
        at = at or utcnow()
        new_points = to_decimal(points)
        row = await self._get(unit_id, item_id)
        old_value: dict[str, Any] | None = None
        old_points: Decimal | None = None
        if row is None:
            row = Appraisal(unit_id=unit_id, item_id=item_id, created_at=at)
            self.session.add(row)
        else:
            old_value, old_points = _snapshot(row), row.points
        row.status = status
        row.points = new_points
        row.comment = comment
        row.due_date = due_date
        row.appraiser_id = ref(appraiser)
        row.updated_at = at
        new_value = _snapshot(row)
        if old_value != new_value or old_points != new_points:
            self.session.add(
                AnswerHistory(
                    unit_id=unit_id,
                    item_id=item_id,
                    old_value=old_value,
                    new_value=new_value,
                    old_points=old_points,
                    new_points=new_points,
                    changed_by=ref(appraiser),
                    changed_at=at,
                    reason=reason,
                    source=HistorySource.APPRAISAL.value,
                )
            )
        await self.session.flush()
        return from_orm(AppraisalRow, row)

    async def list_for_unit(self, unit_id: int) -> dict[str, AppraisalRow]:
        """``{item code: AppraisalRow}`` for one unit."""
        t = Appraisal.__table__
        stmt = (
            select(CatalogItem.code.label("item_code"), t)
            .join(CatalogItem, CatalogItem.id == t.c.item_id)
            .where(t.c.unit_id == unit_id)
        )
        return {r.item_code: from_orm(AppraisalRow, r) for r in await self.session.execute(stmt)}

    async def list_for_period(self, period_id: int) -> dict[int, dict[str, AppraisalRow]]:
        """``{unit id: {item code: AppraisalRow}}`` for a period."""
        t = Appraisal.__table__
        stmt = (
            select(CatalogItem.code.label("item_code"), t)
            .join(CatalogItem, CatalogItem.id == t.c.item_id)
            .join(Unit, Unit.id == t.c.unit_id)
            .where(Unit.period_id == period_id)
        )
        out: dict[int, dict[str, AppraisalRow]] = {}
        for r in await self.session.execute(stmt):
            out.setdefault(r.unit_id, {})[r.item_code] = from_orm(AppraisalRow, r)
        return out

    # ---------------------------------------------------------------- assignments

    async def assign(
        self,
        person: PersonRow | int,
        period_id: int,
        field_code: str,
        board: str | None = None,
    ) -> AssignmentRow:
        """Let ``person`` appraise field ``field_code`` (``board`` None = all boards);
        idempotent."""
        person_id = ref(person)
        assert person_id is not None
        existing = await self._assignment(person_id, period_id, field_code, board)
        if existing is not None:
            return from_orm(AssignmentRow, existing)
        row = AppraiserAssignment(
            person_id=person_id, period_id=period_id, field_code=field_code, board=board
        )
        try:
            async with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            existing = await self._assignment(person_id, period_id, field_code, board)
            if existing is None:
                raise
            return from_orm(AssignmentRow, existing)
        return from_orm(AssignmentRow, row)

    async def _assignment(
        self, person_id: int, period_id: int, field_code: str, board: str | None
    ) -> AppraiserAssignment | None:
        board_cond = (
            AppraiserAssignment.board.is_(None)
            if board is None
            else AppraiserAssignment.board == board
        )
        return await self.session.scalar(
            select(AppraiserAssignment).where(
                AppraiserAssignment.person_id == person_id,
                AppraiserAssignment.period_id == period_id,
                AppraiserAssignment.field_code == field_code,
                board_cond,
            )
        )

    async def unassign(
        self,
        person: PersonRow | int,
        period_id: int,
        field_code: str,
        board: str | None = None,
    ) -> bool:
        board_cond = (
            AppraiserAssignment.board.is_(None)
            if board is None
            else AppraiserAssignment.board == board
        )
        result = await self.session.execute(
            delete(AppraiserAssignment)
            .where(
                AppraiserAssignment.person_id == ref(person),
                AppraiserAssignment.period_id == period_id,
                AppraiserAssignment.field_code == field_code,
                board_cond,
            )
            .execution_options(synchronize_session="fetch")
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def assignments(self, person: PersonRow | int, period_id: int) -> list[AssignmentRow]:
        t = AppraiserAssignment.__table__
        stmt = (
            select(t)
            .where(t.c.person_id == ref(person), t.c.period_id == period_id)
            .order_by(t.c.field_code, t.c.id)
        )
        return [from_orm(AssignmentRow, r) for r in await self.session.execute(stmt)]

    async def appraisers_for(self, period_id: int, field_code: str, board: str) -> list[PersonRow]:
        """People assigned to field ``field_code`` for ``board`` (or for all boards)."""
        stmt = (
            select(Person)
            .join(AppraiserAssignment, AppraiserAssignment.person_id == Person.id)
            .where(
                AppraiserAssignment.period_id == period_id,
                AppraiserAssignment.field_code == field_code,
                or_(AppraiserAssignment.board == board, AppraiserAssignment.board.is_(None)),
            )
            .distinct()
            .order_by(Person.id)
        )
        return [PersonRow.of(p) for p in await self.session.scalars(stmt)]
