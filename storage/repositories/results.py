"""Stored result summaries (the standings cache) and the column reads that rebuild them.

The cache is only an optimisation: a summary is used while its ``rev`` equals the unit's
``results_rev`` (bumped by triggers on every answer, appraisal and survey change), its catalog
hash and scoring formula are current; anything else is recomputed and stored again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Text, cast, literal, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from storage.models import Answer, Appraisal, CatalogItem, SurveyPoints, Unit, UnitResultRow
from storage.repositories.base import Repository
from storage.types import utcnow

CHUNK = 500  # unit ids per IN (…) list: well under SQLite's and asyncpg's parameter limits


@dataclass(frozen=True)
class StoredResult:
    current_rev: int  # units.results_rev now
    rev: int | None  # the rev the stored summary was computed from (None: nothing stored)
    catalog_sha256: str | None
    formula: int | None
    index: Decimal | None
    index_low: Decimal | None
    index_high: Decimal | None
    summary: str | None  # JSON text


@dataclass(frozen=True)
class NewResult:
    unit_id: int
    rev: int
    catalog_sha256: str
    formula: int
    index: Decimal
    index_low: Decimal
    index_high: Decimal
    summary: str


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


class ResultRepository(Repository):
    async def units_with_results(
        self, period_id: int, board: str | None = None
    ) -> list[tuple[Unit, StoredResult]]:
        """The period's units (board, then code) each with its current revision and stored
        summary, in one query.

        ``results_rev`` is selected as a column, so it is read from the database even when the
        session already holds the Unit objects (whose attribute a trigger does not refresh)."""
        await self.session.flush()  # let pending writes fire their triggers first
        r = UnitResultRow
        stmt = (
            select(
                Unit,
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
        rows = await self.session.execute(stmt.order_by(Unit.board, Unit.code))
        return [(row[0], StoredResult(*row[1:])) for row in rows]

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

    async def appraised_points(self, unit_ids: Sequence[int]) -> dict[int, dict[str, Decimal]]:
        """Appraised points that are set (a verdict without points does not override)."""
        stmt = (
            select(Appraisal.unit_id, CatalogItem.code, Appraisal.points)
            .join(CatalogItem, CatalogItem.id == Appraisal.item_id)
            .where(Appraisal.points.is_not(None))
        )
        return await self._by_unit(stmt, Appraisal.unit_id, unit_ids)

    async def unit_inputs(self, unit_id: int) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
        """One unit's (appraised points that are set, survey points) by item code, in one
        statement: the chat reads them with the answers on every update, so the walk card,
        /progress and /submit score the unit exactly as the ranking does."""
        appraised = (
            select(literal("a").label("src"), CatalogItem.code, Appraisal.points)
            .join(CatalogItem, CatalogItem.id == Appraisal.item_id)
            .where(Appraisal.unit_id == unit_id, Appraisal.points.is_not(None))
        )
        survey = (
            select(literal("s").label("src"), CatalogItem.code, SurveyPoints.points)
            .join(CatalogItem, CatalogItem.id == SurveyPoints.item_id)
            .where(SurveyPoints.unit_id == unit_id)
        )
        got: tuple[dict[str, Decimal], dict[str, Decimal]] = ({}, {})
        conn = await self.session.connection()
        rows: Any = await conn.execute(union_all(appraised, survey))
        for src, code, points in rows:
            got[0 if src == "a" else 1][str(code)] = Decimal(points)
        return got

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
