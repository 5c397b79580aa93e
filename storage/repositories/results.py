"""Stored result summaries (the standings cache) and the column reads that rebuild them.

The cache is only an optimisation: a summary is used while its ``rev`` equals the unit's
``results_rev`` (bumped by triggers on every answer, appraisal and survey change), its catalog
hash and scoring formula are current; anything else is recomputed and stored again.
"""

from __future__ import annotations

import contextlib
from collections.abc import (
    Awaitable,
    Callable,
    Collection,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import (
    Select,
    Text,
    bindparam,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSessionTransaction

from storage.models import Answer, Appraisal, CatalogItem, SurveyPoints, Unit, UnitResultRow
from storage.repositories.base import Repository
from storage.repositories.rows import UnitRow
from storage.repositories.rows_catalog import NewResult, StoredResult
from storage.sqlite_loop import INLINE_MANY_ROWS
from storage.types import utcnow

T = TypeVar("T")
CHUNK = 500  # unit ids per IN (…) list: well under SQLite's and asyncpg's parameter limits


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


_UNIT_COLUMNS = tuple(getattr(Unit, f.name) for f in fields(UnitRow))
"""The units table's columns in :class:`UnitRow`'s order."""


@cache
def _units_with_results(by_board: bool) -> Select[Any]:
    """:meth:`ResultRepository.units_with_results`' statement (built once per shape)."""
    r = UnitResultRow
    columns = (r.rev, r.catalog_sha256, r.formula, r.index, r.index_low, r.index_high, r.summary)
    stmt = (
        select(*_UNIT_COLUMNS, Unit.results_rev, *columns)
        .outerjoin(r, r.unit_id == Unit.id)
        .where(Unit.period_id == bindparam("period_id"))
    )
    if by_board:
        stmt = stmt.where(Unit.board == bindparam("board"))
    return stmt.order_by(Unit.board, Unit.code)


Group = tuple[str, str, str]
"""(item code, value as JSON text, comma-separated ids of the units that gave it)."""


GROUPED_ANSWERS = 50_000
"""Answers per statement of :meth:`ResultRepository.answer_groups` (≈ 10 ms of SQLite): the
grain of the overlap (the first run is read while nothing else can be done yet)."""


@cache
def _grouped_answers(dialect: str) -> Select[tuple[int, str, str]]:
    """The answers to a run of items grouped by (item, value), with their units' ids."""
    if dialect == "sqlite":  # stored as text already; grouped as is
        value: Any = type_coerce(Answer.value, Text)
        # SQLite's own default separator, ",": as a bound parameter SQLite reads it again for
        # every row (measured: a quarter more time for the whole statement), and even as a
        # literal it is an argument evaluated per row (8 % more: 110 against 101 ms)
        ids: Any = func.group_concat(Answer.unit_id)
    else:  # PostgreSQL: json has no equality operator, its text has
        value = cast(Answer.value, Text)
        ids = func.string_agg(cast(Answer.unit_id, Text), ",")
    return (
        select(Answer.item_id, value.label("value"), ids.label("ids"))
        .where(Answer.item_id.between(bindparam("low"), bindparam("high")))
        .group_by(Answer.item_id, value)
    )


_SEPARATOR = "\x1f"
"""Between the fields of :func:`_packed_groups`' text: a control character, which JSON text
never holds unescaped (a value holding one anyway is caught by the count, see
:func:`_unpacked`)."""


@cache
def _packed_groups() -> Select[tuple[int, str | None]]:
    """SQLite: :func:`_grouped_answers` as one row, the number of groups and the item id,
    value and unit ids of every group, all joined by :data:`_SEPARATOR`.  Read in a worker
    thread while the loop thread scores the previous run: one row is one step of SQLite,
    which runs without the GIL from start to end (a row per group would take the GIL back for
    every group, and wait for it while the loop thread works), and Python splits it in C."""
    g = _grouped_answers("sqlite").subquery()
    sep = literal_column("char(31)", Text)
    record = type_coerce(g.c.item_id, Text) + sep + g.c.value + sep + g.c.ids
    return select(func.count().label("groups"), func.group_concat(record, sep).label("packed"))


def _unpacked(row: Any, codes: Mapping[str, str]) -> list[Group] | None:
    """The groups of one :func:`_packed_groups` row whose items are in ``codes`` (item id as
    text → code), or ``None`` when a value held the separator (more fields than three per
    group: that run is read row by row)."""
    count, packed = row
    if not count:
        return []
    fields = packed.split(_SEPARATOR)
    if len(fields) != 3 * count:
        return None
    names = list(map(codes.get, fields[0::3]))
    groups = zip(names, fields[1::3], fields[2::3], strict=True)
    if None in names:  # another catalog's item in the run
        return [g for g in groups if g[0] is not None]  # type: ignore[misc]
    return list(groups)  # type: ignore[arg-type]


@cache
def _store_statement(dialect: str) -> Any:
    """Upsert of one summary that never replaces a summary of a newer revision (built once:
    its values come as execution parameters)."""
    dialect_insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
    table: Any = UnitResultRow.__table__
    stmt = dialect_insert(table)
    return stmt.on_conflict_do_update(
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


def _store_params(rows: Sequence[NewResult], at: datetime | None) -> list[dict[str, Any]]:
    """:func:`_store_statement`'s parameters for ``rows``, computed at ``at`` (default now)."""
    when = at or utcnow()
    return [
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


def _store_columns(rows: Sequence[NewResult], at: datetime | None) -> dict[str, list[Any]]:
    """:func:`_store_params` column by column (no mapping per row)."""
    columns: dict[str, list[Any]] = {
        f: [getattr(r, f) for r in rows] for f in NewResult.__dataclass_fields__
    }
    columns["computed_at"] = [at or utcnow()] * len(rows)
    return columns


async def _settled(value: T) -> T:
    return value


async def _ended(nested: AsyncSessionTransaction, running: Awaitable[object] | None) -> bool:
    """The end of a started :meth:`ResultRepository.store_started`: the write awaited (if it
    still runs), its savepoint released, or rolled back when it failed (the cache as it was)."""
    try:
        if running is not None:
            await running
    except DBAPIError:
        await nested.rollback()
        return False
    await nested.commit()
    return True


def _named(rows: Iterable[Any], codes: Mapping[int, str]) -> list[Group]:
    """Rows of :func:`_grouped_answers` with their item codes (items in ``codes`` only)."""
    return [
        (code, text, unit_ids)
        for item_id, text, unit_ids in rows
        if (code := codes.get(item_id)) is not None  # another catalog's item in the run
    ]


class ResultRepository(Repository):
    async def units_with_results(
        self, period_id: int, board: str | None = None
    ) -> list[tuple[UnitRow, StoredResult]]:
        """The period's units (board, then code) each with its current revision and stored
        summary, in one query.

        Read as plain columns (Core on the transaction's own connection, no ORM objects: 5,000
        units cost no identity-map bookkeeping; through the ORM session's execution the read
        was 0.08 s of a 0.7 s cold ranking), so ``results_rev`` and every other column are
        the database's even when the session already holds the units (whose attributes a
        trigger does not refresh)."""
        params = {"period_id": period_id} | ({} if board is None else {"board": board})
        # pending ORM writes are flushed first (their triggers bump the revisions)
        rows = (await self._core(_units_with_results(board is not None), params)).all()
        n = len(_UNIT_COLUMNS)
        # a unit without a stored summary (every unit after an import) has only its revision:
        # one such row per revision, shared (the rows are frozen)
        nothing: dict[int, StoredResult] = {}
        out = []
        for row in rows:
            if row[n + 1] is None:
                stored = nothing.get(row[n])
                if stored is None:
                    stored = nothing[row[n]] = StoredResult(*row[n:])
            else:
                stored = StoredResult(*row[n:])
            out.append((UnitRow(*row[:n]), stored))
        return out

    async def store(self, rows: Sequence[NewResult], at: datetime | None = None) -> bool:
        """Upsert summaries; never replaces a summary of a newer revision.  Best effort: a
        failure (e.g. SQLite refusing to upgrade a read transaction) leaves the cache as it
        was and returns False — the caller already has the results it computed."""
        if not rows:
            return True
        name = self.dialect_name
        if name not in ("sqlite", "postgresql"):
            return False
        try:
            async with self.session.begin_nested():
                await self._core_many(_store_statement(name), _store_params(rows, at))
        except DBAPIError:
            return False
        return True

    async def store_started(
        self, rows: Sequence[NewResult], at: datetime | None = None
    ) -> Awaitable[bool]:
        """:meth:`store`, started now and ended by awaiting what it returns (True, or False
        when it failed).  On SQLite in the loop thread many summaries are written in a worker
        thread meanwhile (:func:`storage.prepared.start_values`; the cold ranking ranks its
        5,000 units while they are written): the caller must await the result before the unit
        of work's next statement.  Otherwise (few rows, PostgreSQL) :meth:`store` runs now."""
        if len(rows) <= INLINE_MANY_ROWS or self.dialect_name != "sqlite":
            return _settled(await self.store(rows, at))
        stmt, columns = _store_statement("sqlite"), _store_columns(rows, at)
        nested = await self.session.begin_nested()
        running: Awaitable[object] | None = None
        try:
            running = await self._start_values(stmt, columns)
            if running is None:  # not on the driver: written now
                await self._core_many(stmt, _store_params(rows, at))
        except DBAPIError:
            await nested.rollback()
            return _settled(False)
        return _ended(nested, running)

    # ------------------------------------------------------------------ inputs, as columns

    async def answer_texts(self, unit_ids: Sequence[int]) -> dict[int, dict[str, str]]:
        """``{unit id: {item code: stored answer value as JSON text}}``.

        Text, not decoded: across thousands of units the same few values recur per item, so the
        caller decodes and scores each distinct one once."""
        stmt = select(Answer.unit_id, CatalogItem.code, cast(Answer.value, Text)).join(
            CatalogItem, CatalogItem.id == Answer.item_id
        )
        return await self._by_unit(stmt, Answer.unit_id, unit_ids)

    async def answer_groups(
        self,
        catalog_id: int,
        units: int,
        consume: Callable[[list[Group]], object],
        answerable: Collection[str] | None = None,
    ) -> None:
        """Hand ``consume`` the catalog's answers grouped by distinct value, a run of items at
        a time: ``(item code, value as JSON text, ids of the units that gave it,
        comma-separated)``; only the items whose codes are ``answerable`` (default: all).

        5,000 units × 120 items are ~600,000 answers but only a few thousand distinct values:
        the caller scores each once and sums by counting units (scoring.bulk).  A run is about
        :data:`GROUPED_ANSWERS` answers for ``units`` units, counted in answerable items (a
        field, which has no answers, would make the first run, read while the caller has
        nothing to work on, an empty one).  On SQLite in the loop thread the next run is read
        in a worker thread while ``consume`` works on this one (it must not use the unit of
        work: it is plain code, not awaited); elsewhere one after the other."""
        items = await self.session.execute(
            select(CatalogItem.id, CatalogItem.code)
            .where(CatalogItem.catalog_id == catalog_id)
            .order_by(CatalogItem.id)
        )
        codes: dict[int, str] = {
            int(i): str(c) for i, c in items.all() if answerable is None or c in answerable
        }
        ids = list(codes)
        step = max(1, GROUPED_ANSWERS // max(units, 1))
        short = max(1, step // 8)
        # the first run short: while it is read the caller has nothing to work on yet; and
        # the last: nothing is read while the caller works on it
        starts = [0, *range(short, len(ids), step)] if ids else []
        if starts and len(ids) - short > starts[-1]:
            starts.append(len(ids) - short)
        runs = [
            {"low": ids[i], "high": ids[min(j, len(ids)) - 1]}
            for i, j in zip(starts, [*starts[1:], len(ids)], strict=True)
        ]
        if not runs:
            return
        reading = await self._start(_packed_groups(), runs[0])
        if reading is None:
            for run in runs:
                consume(_named(await self._core(_grouped_answers(self.dialect_name), run), codes))
            return
        by_text = {str(i): c for i, c in codes.items()}
        unpacked_later: list[dict[str, int]] = []
        try:
            for i, run in enumerate(runs):
                assert reading is not None
                row = (await reading).first()
                reading = None
                if i + 1 < len(runs):
                    reading = await self._start(_packed_groups(), runs[i + 1])
                groups = _unpacked(row, by_text)
                if groups is None:
                    unpacked_later.append(run)
                else:
                    consume(groups)
        finally:
            if reading is not None:  # consume failed: the thread finishes before anything else
                with contextlib.suppress(Exception):
                    await reading
        for run in unpacked_later:
            consume(_named(await self._core(_grouped_answers("sqlite"), run), codes))

    async def answering_elsewhere(self, catalog_id: int) -> set[int]:
        """Units on the catalog with answers on another catalog's items (a unit that moved
        board): those are scored by item code, one by one, not from :meth:`answer_groups`.

        When the catalog's items are one unbroken run of ids (an import inserts them so), two
        seeks per unit in the (unit, item) index, below and above the run (as EXISTS per unit:
        half the time of a UNION of the two sets, which SQLite sorts); otherwise one pass
        over it."""
        items = select(func.min(CatalogItem.id), func.max(CatalogItem.id), func.count()).where(
            CatalogItem.catalog_id == catalog_id
        )
        low, high, count = (await self.session.execute(items)).one()
        run = select(func.count()).select_from(CatalogItem).where(CatalogItem.id.between(low, high))
        if count and await self.session.scalar(run) == count:
            mine = Answer.unit_id == Unit.id
            below = exists().where(mine, Answer.item_id < low)
            above = exists().where(mine, Answer.item_id > high)
            stmt = select(Unit.id).where(Unit.catalog_id == catalog_id, or_(below, above))
            return set(await self.session.scalars(stmt))
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

    async def appraised_on_catalog(self, catalog_id: int) -> dict[int, dict[str, Decimal]]:
        """:meth:`appraised_points` of every unit on the catalog, in one statement built once
        (a cold ranking re-scores them all: the same through ten chunked ``IN`` lists spent
        most of its time compiling them)."""
        return await self._on_catalog(_points_on_catalog(Appraisal), catalog_id)

    async def survey_on_catalog(self, catalog_id: int) -> dict[int, dict[str, Decimal]]:
        """:meth:`survey_points` of every unit on the catalog (see :meth:`appraised_on_catalog`)."""
        return await self._on_catalog(_points_on_catalog(SurveyPoints), catalog_id)

    async def _on_catalog(self, stmt: Any, catalog_id: int) -> dict[int, dict[str, Any]]:
        return _per_unit(await self._core(stmt, {"catalog_id": catalog_id}), {})

    async def _by_unit(
        self, stmt: Any, unit_col: Any, unit_ids: Sequence[int]
    ) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        conn = await self.session.connection()  # Core rows: no ORM bookkeeping per row
        for chunk in _chunks(list(unit_ids)):
            _per_unit(await conn.execute(stmt.where(unit_col.in_(chunk))), out)
        return out


def _per_unit(rows: Iterable[Any], out: dict[int, dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """``(unit id, item code, value)`` rows into ``out`` as ``{unit id: {code: value}}``."""
    for unit_id, code, value in rows:
        per_unit = out.get(unit_id)
        if per_unit is None:
            per_unit = out[unit_id] = {}
        per_unit[code] = value
    return out


@cache
def _points_on_catalog(source: type[Appraisal] | type[SurveyPoints]) -> Any:
    """``(unit id, item code, points)`` of the appraisals with points, or of the survey
    points, of every unit on the catalog ``:catalog_id``."""
    stmt = (
        select(source.unit_id, CatalogItem.code, source.points)
        .join(CatalogItem, CatalogItem.id == source.item_id)
        .join(Unit, Unit.id == source.unit_id)
        .where(Unit.catalog_id == bindparam("catalog_id"))
    )
    if source is Appraisal:  # a verdict without points does not override
        stmt = stmt.where(Appraisal.points.is_not(None))
    return stmt


__all__ = ["CHUNK", "NewResult", "ResultRepository", "StoredResult"]
