"""Stored result summaries (the standings cache) and the column reads that rebuild them.

The cache is only an optimisation: a summary is used while its ``rev`` equals the unit's
``results_rev`` (bumped by triggers on every answer, appraisal and survey change), its catalog
hash and scoring formula are current; anything else is recomputed and stored again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import (
    Select,
    Text,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    type_coerce,
    union,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from storage.models import Answer, Appraisal, CatalogItem, SurveyPoints, Unit, UnitResultRow
from storage.repositories.base import Repository
from storage.repositories.rows import UnitRow
from storage.repositories.rows_catalog import NewResult, StoredResult
from storage.types import utcnow

CHUNK = 500  # unit ids per IN (…) list: well under SQLite's and asyncpg's parameter limits


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


_UNIT_COLUMNS = tuple(getattr(Unit, f.name) for f in fields(UnitRow))
"""The units table's columns in :class:`UnitRow`'s order."""


GROUPED_ANSWERS = 50_000
"""Answers per statement of :meth:`ResultRepository.answer_groups` (≈ 10 ms of SQLite)."""


@cache
def _grouped_answers(dialect: str) -> Select[tuple[int, str, str]]:
    """The answers to a run of items grouped by (item, value), with their units' ids."""
    if dialect == "sqlite":  # stored as text already; grouped as is
        value: Any = type_coerce(Answer.value, Text)
        # the separator written into the SQL: as a bound parameter SQLite reads it again for
        # every row (measured: a quarter more time for the whole statement)
        ids: Any = func.group_concat(Answer.unit_id, literal_column("','"))
    else:  # PostgreSQL: json has no equality operator, its text has
        value = cast(Answer.value, Text)
        ids = func.string_agg(cast(Answer.unit_id, Text), ",")
    return (
        select(Answer.item_id, value, ids)
        .where(Answer.item_id.between(bindparam("low"), bindparam("high")))
        .group_by(Answer.item_id, value)
    )


class ResultRepository(Repository):
    async def units_with_results(
        self, period_id: int, board: str | None = None
    ) -> list[tuple[UnitRow, StoredResult]]:
        """The period's units (board, then code) each with its current revision and stored
        summary, in one query.

        Read as plain columns (Core, no ORM objects: 5,000 units cost no identity-map
        bookkeeping), so ``results_rev`` and every other column are the database's even when the
        session already holds the units (whose attributes a trigger does not refresh)."""
        await self.session.flush()  # let pending writes fire their triggers first
        r = UnitResultRow
        stmt = (
            select(
                *_UNIT_COLUMNS,
                Unit.results_rev,
                r.rev,
                r.catalog_sha256,
                r.formula,
                r.index,
                r.index_low,
                r.index_high,
                r.summary,
            )
            .outerjoin(r, r.unit_id == Unit.id)
            .where(Unit.period_id == period_id)
        )
        if board is not None:
            stmt = stmt.where(Unit.board == board)
        conn = await self.session.connection()
        rows = await conn.execute(stmt.order_by(Unit.board, Unit.code))
        n = len(_UNIT_COLUMNS)
        return [(UnitRow(*row[:n]), StoredResult(*row[n:])) for row in rows]

    async def store(self, rows: Sequence[NewResult], at: datetime | None = None) -> bool:
        """Upsert summaries; never replaces a summary of a newer revision.  Best effort: a
        failure (e.g. SQLite refusing to upgrade a read transaction) leaves the cache as it
        was and returns False — the caller already has the results it computed."""
        if not rows:
            return True
        name = self.dialect_name
        if name not in ("sqlite", "postgresql"):
            return False
        dialect_insert = sqlite.insert if name == "sqlite" else postgresql.insert
        when = at or utcnow()
        table: Any = UnitResultRow.__table__
        stmt = dialect_insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=["unit_id"],
            set_={
                col: stmt.excluded[col]
                for col in (
                    "rev",
                    "catalog_sha256",
                    "formula",
                    "index",
                    "index_low",
                    "index_high",
                    "summary",
                    "computed_at",
                )
            },
            where=table.c.rev <= stmt.excluded.rev,
        )
        params = [
            {
                "unit_id": r.unit_id,
                "rev": r.rev,
                "catalog_sha256": r.catalog_sha256,
                "formula": r.formula,
                "index": r.index,
                "index_low": r.index_low,
                "index_high": r.index_high,
                "summary": r.summary,
                "computed_at": when,
            }
            for r in rows
        ]
        try:
            async with self.session.begin_nested():
                conn = await self.session.connection()
                await conn.execute(stmt, params)  # one compiled statement, executemany
        except DBAPIError:
            return False
        return True

    # ------------------------------------------------------------------ inputs, as columns

    async def answer_texts(self, unit_ids: Sequence[int]) -> dict[int, dict[str, str]]:
        """``{unit id: {item code: stored answer value as JSON text}}``.

        Text, not decoded: across thousands of units the same few values recur per item, so the
        caller decodes and scores each distinct one once."""
        stmt = select(Answer.unit_id, CatalogItem.code, cast(Answer.value, Text)).join(
            CatalogItem, CatalogItem.id == Answer.item_id
        )
        return await self._by_unit(stmt, Answer.unit_id, unit_ids)

    async def answer_groups(self, catalog_id: int, units: int) -> list[tuple[str, str, str]]:
        """The catalog's answers grouped by distinct value: ``(item code, value as JSON text,
        ids of the units that gave it, comma-separated)``.

        5,000 units × 120 items are ~600,000 answers but only a few thousand distinct values:
        the caller scores each once and sums by counting units (scoring.bulk).  Read a run of
        items at a time (about :data:`GROUPED_ANSWERS` answers for ``units`` units, one
        prebuilt statement): on SQLite each such statement stays within what runs in the
        event loop's thread (one statement over all 600,000 would be interrupted there after
        its budget and run again from the start in a worker thread)."""
        items = await self.session.execute(
            select(CatalogItem.id, CatalogItem.code)
            .where(CatalogItem.catalog_id == catalog_id)
            .order_by(CatalogItem.id)
        )
        codes: dict[int, str] = {int(i): str(c) for i, c in items.all()}
        ids = list(codes)
        step = max(1, GROUPED_ANSWERS // max(units, 1))
        stmt = _grouped_answers(self.dialect_name)
        out: list[tuple[str, str, str]] = []
        for start in range(0, len(ids), step):
            run = ids[start : start + step]
            rows = await self._core(stmt, {"low": run[0], "high": run[-1]})
            out.extend(
                (code, text, unit_ids)
                for item_id, text, unit_ids in rows
                if (code := codes.get(item_id)) is not None  # another catalog's item in the run
            )
        return out

    async def answering_elsewhere(self, catalog_id: int) -> set[int]:
        """Units on the catalog with answers on another catalog's items (a unit that moved
        board): those are scored by item code, one by one, not from :meth:`answer_groups`.

        When the catalog's items are one unbroken run of ids (an import inserts them so), two
        seeks per unit in the (unit, item) index, below and above the run; otherwise one pass
        over it."""
        items = select(func.min(CatalogItem.id), func.max(CatalogItem.id), func.count()).where(
            CatalogItem.catalog_id == catalog_id
        )
        low, high, count = (await self.session.execute(items)).one()
        run = select(func.count()).select_from(CatalogItem).where(CatalogItem.id.between(low, high))
        if count and await self.session.scalar(run) == count:
            units = select(Unit.id).where(Unit.catalog_id == catalog_id).scalar_subquery()
            below = select(Answer.unit_id).where(Answer.unit_id.in_(units), Answer.item_id < low)
            above = select(Answer.unit_id).where(Answer.unit_id.in_(units), Answer.item_id > high)
            return set(await self.session.scalars(union(below, above)))
        own = select(CatalogItem.id).where(CatalogItem.catalog_id == catalog_id)
        stmt = (
            select(Answer.unit_id)
            .join(Unit, Unit.id == Answer.unit_id)
            .where(Unit.catalog_id == catalog_id, Answer.item_id.not_in(own.scalar_subquery()))
            .distinct()
        )
        return set(await self.session.scalars(stmt))

    async def appraised_points(self, unit_ids: Sequence[int]) -> dict[int, dict[str, Decimal]]:
        """Appraised points that are set (a verdict without points does not override)."""
        stmt = (
            select(Appraisal.unit_id, CatalogItem.code, Appraisal.points)
            .join(CatalogItem, CatalogItem.id == Appraisal.item_id)
            .where(Appraisal.points.is_not(None))
        )
        return await self._by_unit(stmt, Appraisal.unit_id, unit_ids)

    async def catalogs_with_survey(self, period_id: int) -> set[int]:
        """Catalogs of the period on which at least one unit has survey points: from then on a
        unit without them is ranked by the catalog's ``survey_missing`` rule."""
        stmt = (
            select(Unit.catalog_id)
            .join(SurveyPoints, SurveyPoints.unit_id == Unit.id)
            .where(Unit.period_id == period_id, Unit.catalog_id.is_not(None))
            .distinct()
        )
        return {int(c) for c in await self.session.scalars(stmt) if c is not None}

    async def survey_points(self, unit_ids: Sequence[int]) -> dict[int, dict[str, Decimal]]:
        stmt = select(SurveyPoints.unit_id, CatalogItem.code, SurveyPoints.points).join(
            CatalogItem, CatalogItem.id == SurveyPoints.item_id
        )
        return await self._by_unit(stmt, SurveyPoints.unit_id, unit_ids)

    async def _by_unit(
        self, stmt: Any, unit_col: Any, unit_ids: Sequence[int]
    ) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        conn = await self.session.connection()  # Core rows: no ORM bookkeeping per row
        for chunk in _chunks(list(unit_ids)):
            for unit_id, code, value in await conn.execute(stmt.where(unit_col.in_(chunk))):
                per_unit = out.get(unit_id)
                if per_unit is None:
                    per_unit = out[unit_id] = {}
                per_unit[code] = value
        return out


__all__ = ["CHUNK", "NewResult", "ResultRepository", "StoredResult"]
