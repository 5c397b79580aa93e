"""Assessed units (departments, communes), per period."""

from __future__ import annotations

from enum import Enum
from typing import Any, Final

from sqlalchemy import Select, bindparam, select, update

from storage.models import Catalog, HotRevision, Milestone, Period, Submission, Unit
from storage.repositories.base import Repository
from storage.repositories.rows import HeaderRow, PeriodRow, SubmissionRow, UnitRow
from storage.types import utcnow


class _Keep(Enum):
    """The default of :meth:`UnitRepository.update`'s nullable columns: leave unchanged."""

    KEEP = "keep"


KEEP: Final = _Keep.KEEP

_UNIT_COLUMNS = (
    Unit.id,
    Unit.period_id,
    Unit.code,
    Unit.name,
    Unit.board,
    Unit.catalog_id,
    Unit.created_at,
    Unit.tags,
)
_UNIT = select(*_UNIT_COLUMNS)


class UnitRepository(Repository):
    """Units as :class:`UnitRow` (read with Core, never tracked); writes by id."""

    async def create(
        self,
        period_id: int,
        code: str,
        name: str,
        board: str,
        catalog_id: int | None = None,
        tags: list[str] | None = None,
    ) -> UnitRow:
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
        return UnitRow.of(unit)

    async def get(self, unit_id: int) -> UnitRow | None:
        return await self._one(_UNIT.where(Unit.id == unit_id))

    async def get_by_code(self, period_id: int, code: str) -> UnitRow | None:
        return await self._one(_UNIT.where(Unit.period_id == period_id, Unit.code == code))

    async def _one(self, stmt: Select[*tuple[Any, ...]]) -> UnitRow | None:
        row = (await self.session.execute(stmt)).first()
        return UnitRow(**row._mapping) if row is not None else None

    async def _all(self, stmt: Select[*tuple[Any, ...]]) -> list[UnitRow]:
        return [UnitRow(**row._mapping) for row in await self.session.execute(stmt)]

    async def header(self, unit_id: int) -> tuple[int, HeaderRow] | None:
        """``(header revision, header)`` of a unit with a catalog, in one statement: the
        catalog's id and content hash, not its YAML (parsed catalogs are cached per hash)."""
        row = (await self._core(_HEADER_BY_ID, {"unit_id": unit_id})).first()
        if row is None:
            return None
        unit = UnitRow(
            row.id,
            row.period_id,
            row.code,
            row.name,
            row.board,
            row.catalog_id,
            row.created_at,
            list(row.tags) if row.tags is not None else None,
        )
        period = PeriodRow(row.p_id, row.p_year, row.p_title, row.p_published_at)
        submission = None
        if row.s_id is not None:
            submission = SubmissionRow(
                row.s_id,
                row.id,
                row.s_status,
                row.s_submitted_at,
                row.s_submitted_by,
                row.s_index_at_submit,
                row.s_updated_at,
            )
        header = HeaderRow(unit, period, row.c_id, row.c_sha256, row.deadline, submission)
        return int(row.header_rev or 0), header

    async def list_for_period(self, period_id: int, board: str | None = None) -> list[UnitRow]:
        """Units of a period (optionally of one board), ordered by board then code."""
        stmt = _UNIT.where(Unit.period_id == period_id)
        if board is not None:
            stmt = stmt.where(Unit.board == board)
        return await self._all(stmt.order_by(Unit.board, Unit.code))

    async def list_by_ids(self, unit_ids: list[int]) -> list[UnitRow]:
        if not unit_ids:
            return []
        return await self._all(_UNIT.where(Unit.id.in_(unit_ids)).order_by(Unit.id))

    async def set_catalog(self, unit_id: int, catalog_id: int | None) -> None:
        await self.update(unit_id, catalog_id=catalog_id)

    async def update(
        self,
        unit_id: int,
        *,
        name: str | None = None,
        board: str | None = None,
        tags: list[str] | _Keep | None = KEEP,
        catalog_id: int | _Keep | None = KEEP,
    ) -> None:
        """Change the given columns of one unit (``tags``/``catalog_id`` may be set to None;
        an empty tag list is stored as None).  Units loaded by this session follow."""
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = name
        if board is not None:
            values["board"] = board
        if not isinstance(tags, _Keep):
            values["tags"] = tags or None
        if not isinstance(catalog_id, _Keep):
            values["catalog_id"] = catalog_id
        if values:
            await self.session.execute(
                update(Unit)
                .where(Unit.id == unit_id)
                .values(**values)
                .execution_options(synchronize_session="fetch")
            )

    async def set_catalog_for_board(self, period_id: int, board: str, catalog_id: int) -> int:
        """Point every unit of ``board`` in the period at ``catalog_id``; returns the count."""
        result = await self.session.execute(
            update(Unit)
            .where(Unit.period_id == period_id, Unit.board == board)
            .values(catalog_id=catalog_id)
            .execution_options(synchronize_session="fetch")
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


_DEADLINE = (
    select(Milestone.due_end)
    .where(Milestone.period_id == Unit.period_id, Milestone.kind == "self_assessment")
    .order_by(Milestone.due_end, Milestone.key)
    .limit(1)
    .scalar_subquery()
)
_HEADER = (
    select(
        *_UNIT_COLUMNS,
        Period.id.label("p_id"),
        Period.year.label("p_year"),
        Period.title.label("p_title"),
        Period.published_at.label("p_published_at"),
        Catalog.id.label("c_id"),
        Catalog.sha256.label("c_sha256"),
        _DEADLINE.label("deadline"),
        Submission.id.label("s_id"),
        Submission.status.label("s_status"),
        Submission.submitted_at.label("s_submitted_at"),
        Submission.submitted_by.label("s_submitted_by"),
        Submission.index_at_submit.label("s_index_at_submit"),
        Submission.updated_at.label("s_updated_at"),
        select(HotRevision.rev).where(HotRevision.id == 1).scalar_subquery().label("header_rev"),
    )
    .join(Period, Period.id == Unit.period_id)
    .join(Catalog, Catalog.id == Unit.catalog_id)
    .outerjoin(Submission, Submission.unit_id == Unit.id)
)
_HEADER_BY_ID = _HEADER.where(Unit.id == bindparam("unit_id"))
"""Built once: a process reads the header of every unit it meets (the hot path's cache miss)."""
