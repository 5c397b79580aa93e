"""Answers (declared values), their history, and explanations."""

from __future__ import annotations

import functools
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    Executable,
    Select,
    Table,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from storage.models import (
    Answer,
    AnswerHistory,
    AnswerSource,
    Appraisal,
    CatalogItem,
    Evidence,
    Explanation,
    HistorySource,
    SurveyPoints,
    Unit,
)
from storage.repositories.base import (
    Repository,
    VersionConflict,
    insert_ignoring,
    ref,
    to_decimal,
)
from storage.repositories.rows import AnswerRow, ExplanationRow, PersonRow, UnitItems, from_orm
from storage.repositories.rows_evidence import AnswerHistoryRow
from storage.types import utcnow

Points = Decimal | int | float | str | None


class AnswerRepository(Repository):
    async def get(self, unit_id: int, item_id: int) -> AnswerRow | None:
        answer = await self._get(unit_id, item_id)
        return AnswerRow.of(answer) if answer is not None else None

    async def _get(self, unit_id: int, item_id: int) -> Answer | None:
        return await self.session.scalar(
            select(Answer).where(Answer.unit_id == unit_id, Answer.item_id == item_id)
        )

    async def set_answer(
        self,
        unit_id: int,
        item_id: int,
        value: dict[str, Any],
        points: Points,
        by: PersonRow | int | None,
        source: str,
        reason: str | None = None,
        *,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> tuple[AnswerRow, int | None]:
        """Write the answer and its history row (old → new) together.

        Returns ``(answer, previous_version)``: ``previous_version`` is None for a new answer;
        when value and points are unchanged nothing is written and ``previous_version ==
        answer.version``.  ``expected_version`` (the version the user saw) raises
        :class:`VersionConflict` if the answer changed meanwhile; a concurrent change between
        read and flush raises ``sqlalchemy.orm.exc.StaleDataError``.
        """
        AnswerSource(source)
        new_points = to_decimal(points)
        new_value = dict(value)
        at = at or utcnow()
        by_id = ref(by)
        answer = await self._get(unit_id, item_id)
        current = answer.version if answer is not None else None
        if expected_version is not None and current != expected_version:
            raise VersionConflict(f"answer {unit_id}/{item_id}", expected_version, current)
        if answer is None:
            answer = Answer(
                unit_id=unit_id,
                item_id=item_id,
                value=new_value,
                points=new_points,
                updated_by=by_id,
                updated_at=at,
                source=source,
            )
            try:
                async with self.session.begin_nested():
                    self.session.add(answer)
            except IntegrityError:
                concurrent = await self._get(unit_id, item_id)
                if concurrent is None:  # not a duplicate: a bad unit/item id
                    raise
                raise VersionConflict(
                    f"answer {unit_id}/{item_id} (created concurrently)",
                    expected_version,
                    concurrent.version,
                ) from None
            old_value, old_points, previous = None, None, None
        else:
            if answer.value == new_value and answer.points == new_points:
                return AnswerRow.of(answer), answer.version
            old_value, old_points, previous = answer.value, answer.points, answer.version
            answer.value = new_value
            answer.points = new_points
            answer.updated_by = by_id
            answer.updated_at = at
            answer.source = source
        self._history(
            unit_id,
            item_id,
            old_value,
            new_value,
            old_points,
            new_points,
            by_id,
            at,
            reason,
            source,
        )
        await self.session.flush()
        return AnswerRow.of(answer), previous

    async def delete_answer(
        self,
        unit_id: int,
        item_id: int,
        by: PersonRow | int | None,
        source: str,
        reason: str | None = None,
        *,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> bool:
        """Delete the answer (history row old → None); False if there was none."""
        AnswerSource(source)
        answer = await self._get(unit_id, item_id)
        if answer is None:
            return False
        if expected_version is not None and answer.version != expected_version:
            raise VersionConflict(f"answer {unit_id}/{item_id}", expected_version, answer.version)
        self._history(
            unit_id,
            item_id,
            answer.value,
            None,
            answer.points,
            None,
            ref(by),
            at or utcnow(),
            reason,
            source,
        )
        await self.session.delete(answer)
        await self.session.flush()
        return True

    def _history(
        self,
        unit_id: int,
        item_id: int,
        old_value: dict[str, Any] | None,
        new_value: dict[str, Any] | None,
        old_points: Decimal | None,
        new_points: Decimal | None,
        by_id: int | None,
        at: datetime,
        reason: str | None,
        source: str,
    ) -> AnswerHistory:
        HistorySource(source)
        row = AnswerHistory(
            unit_id=unit_id,
            item_id=item_id,
            old_value=old_value,
            new_value=new_value,
            old_points=old_points,
            new_points=new_points,
            changed_by=by_id,
            changed_at=at,
            reason=reason,
            source=source,
        )
        self.session.add(row)
        return row

    async def history(self, unit_id: int, item_id: int | None = None) -> list[AnswerHistoryRow]:
        """History rows of one item (or, with ``item_id`` None, of the whole unit), oldest
        first.  Includes appraisal and survey changes (``source``)."""
        t = _table(AnswerHistory)
        stmt = select(t).where(t.c.unit_id == unit_id)
        if item_id is not None:
            stmt = stmt.where(t.c.item_id == item_id)
        rows = await self.session.execute(stmt.order_by(t.c.id))
        return [from_orm(AnswerHistoryRow, r) for r in rows]

    async def list_for_unit(self, unit_id: int) -> dict[str, AnswerRow]:
        """``{item code: AnswerRow}`` for one unit."""
        t = _table(Answer)
        stmt = (
            select(CatalogItem.code.label("item_code"), t)
            .join(CatalogItem, CatalogItem.id == t.c.item_id)
            .where(t.c.unit_id == unit_id)
        )
        return {r.item_code: AnswerRow.of(r) for r in await self.session.execute(stmt)}

    async def list_for_period(self, period_id: int) -> dict[int, dict[str, AnswerRow]]:
        """``{unit id: {item code: AnswerRow}}`` for every unit of a period (for ranking).

        Units without answers are absent."""
        t = _table(Answer)
        stmt = (
            select(CatalogItem.code.label("item_code"), t)
            .join(CatalogItem, CatalogItem.id == t.c.item_id)
            .join(Unit, Unit.id == t.c.unit_id)
            .where(Unit.period_id == period_id)
        )
        out: dict[int, dict[str, AnswerRow]] = {}
        for r in await self.session.execute(stmt):
            out.setdefault(r.unit_id, {})[r.item_code] = AnswerRow.of(r)
        return out

    # ---------------------------------------------------------------- explanations

    async def set_explanation(
        self,
        unit_id: int,
        item_id: int,
        text: str,
        author: PersonRow | int | None,
        at: datetime | None = None,
    ) -> ExplanationRow:
        """Store the explanation (giải trình); a newer one replaces the older."""
        at = at or utcnow()
        row = await self._get_explanation(unit_id, item_id)
        if row is None:
            row = Explanation(
                unit_id=unit_id,
                item_id=item_id,
                text=text,
                author_id=ref(author),
                created_at=at,
                updated_at=at,
            )
            self.session.add(row)
        else:
            row.text = text
            row.author_id = ref(author)
            row.updated_at = at
        await self.session.flush()
        return ExplanationRow.of(row)

    async def get_explanation(self, unit_id: int, item_id: int) -> ExplanationRow | None:
        row = await self._get_explanation(unit_id, item_id)
        return ExplanationRow.of(row) if row is not None else None

    async def _get_explanation(self, unit_id: int, item_id: int) -> Explanation | None:
        return await self.session.scalar(
            select(Explanation).where(
                Explanation.unit_id == unit_id, Explanation.item_id == item_id
            )
        )

    async def delete_explanation(self, unit_id: int, item_id: int) -> bool:
        row = await self._get_explanation(unit_id, item_id)
        if row is None:
            return False
        await self.session.delete(row)
        await self.session.flush()
        return True

    async def explanations_for_unit(self, unit_id: int) -> dict[str, ExplanationRow]:
        """``{item code: ExplanationRow}`` for one unit."""
        t = _table(Explanation)
        stmt = (
            select(CatalogItem.code.label("item_code"), t)
            .join(CatalogItem, CatalogItem.id == t.c.item_id)
            .where(t.c.unit_id == unit_id)
        )
        return {r.item_code: ExplanationRow.of(r) for r in await self.session.execute(stmt)}

    # -------------------------------------------------------- the hot path (issue 19)

    async def unit_items(self, unit_id: int, catalog_id: int) -> UnitItems:
        """The unit's answers, explanations, evidence counts, appraised and survey points for
        the items of its catalog, in one statement (one row per item that has any of them), as
        plain rows: the walk card, /progress and /submit score the unit exactly as the ranking
        does without another round trip."""
        stmt = _unit_items_statement()
        answers: dict[str, AnswerRow] = {}
        explanations: dict[str, ExplanationRow] = {}
        counts: dict[str, int] = {}
        appraised: dict[str, Decimal] = {}
        survey: dict[str, Decimal] = {}
        params = {"unit_id": unit_id, "catalog_id": catalog_id}
        for r in await self._core(stmt, params):
            if r.ap_points is not None:
                appraised[r.code] = Decimal(r.ap_points)
            if r.sp_points is not None:
                survey[r.code] = Decimal(r.sp_points)
            if r.id is not None:
                answers[r.code] = AnswerRow(
                    r.id,
                    unit_id,
                    r.item_id,
                    r.value,
                    r.points,
                    r.updated_by,
                    r.updated_at,
                    r.source,
                    r.version,
                )
            if r.e_id is not None:
                explanations[r.code] = ExplanationRow(
                    unit_id, r.item_id, r.text, r.author_id, r.e_id, r.e_created, r.e_updated
                )
            if r.n is not None:
                counts[r.code] = int(r.n)
        return UnitItems(answers, explanations, counts, appraised, survey)

    async def save_seen(
        self,
        before: AnswerRow | None,
        unit_id: int,
        item_id: int,
        value: dict[str, Any],
        points: Points,
        by: int | None,
        source: str,
    ) -> tuple[AnswerRow, int | None]:
        """:meth:`set_answer` for an answer already read in this transaction (``before``):
        one INSERT or a version-checked UPDATE, then the history row — no SELECT, no
        SAVEPOINT.  If the row changed since it was read (another officer of the unit, on
        PostgreSQL), falls back to :meth:`set_answer`, which reads it again."""
        AnswerSource(source)
        new_points = to_decimal(points)
        new_value = dict(value)
        if before is not None and before.value == new_value and before.points == new_points:
            return before, before.version
        at = utcnow()
        fields = {"value": new_value, "points": new_points, "updated_by": by, "updated_at": at}
        if before is None:
            new_id = (
                await self._core(
                    _insert_answer(self.dialect_name),
                    {"unit_id": unit_id, "item_id": item_id, "source": source, "version": 1}
                    | fields,
                )
            ).scalar()
            version = 1
        else:
            version = before.version + 1
            new_id = (
                await self._core(
                    _UPDATE_SEEN,
                    {"seen_id": before.id, "seen_version": before.version, "source": source}
                    | {"version": version}
                    | fields,
                )
            ).scalar()
        if new_id is None:  # changed or created concurrently: the careful path
            return await self.set_answer(unit_id, item_id, value, points, by, source)
        await self._core(
            _INSERT_HISTORY,
            {
                "unit_id": unit_id,
                "item_id": item_id,
                "old_value": before.value if before else None,
                "new_value": new_value,
                "old_points": before.points if before else None,
                "new_points": new_points,
                "changed_by": by,
                "changed_at": at,
                "reason": None,
                "source": HistorySource(source).value,
            },
        )
        row = AnswerRow(new_id, unit_id, item_id, new_value, new_points, by, at, source, version)
        return row, (before.version if before else None)


def _table(model: Any) -> Table:
    """The Core table of a model: reads select columns, not tracked ORM objects."""
    return cast(Table, model.__table__)


@functools.cache
def _unit_items_statement() -> Select[Any]:
    """The one statement behind :meth:`AnswerRepository.unit_items`: every catalog item
    outer-joined to the unit's answer, explanation, evidence count, appraised and survey
    points, keeping the items that have any of them.  Built once with bound parameters
    (``unit_id``, ``catalog_id``): building it per call (five aliases, their column proxies
    and the cache key) cost more CPU than running it."""
    unit_id: BindParameter[int] = bindparam("unit_id")
    catalog_id: BindParameter[int] = bindparam("catalog_id")
    evidence = _table(Evidence)
    ev = (
        select(evidence.c.item_id, func.count(evidence.c.id).label("n"))
        .where(evidence.c.unit_id == unit_id, evidence.c.removed_at.is_(None))
        .group_by(evidence.c.item_id)
        .subquery()
    )
    a = _table(Answer).alias("a")
    e = _table(Explanation).alias("e")
    ap = _table(Appraisal).alias("ap")
    sp = _table(SurveyPoints).alias("sp")
    ci = _table(CatalogItem)
    stmt = (
        select(
            ci.c.code,
            ci.c.id.label("item_id"),
            a.c.id,
            a.c.value,
            a.c.points,
            a.c.updated_by,
            a.c.updated_at,
            a.c.source,
            a.c.version,
            e.c.id.label("e_id"),
            e.c.text,
            e.c.author_id,
            e.c.created_at.label("e_created"),
            e.c.updated_at.label("e_updated"),
            ev.c.n,
            ap.c.points.label("ap_points"),
            sp.c.points.label("sp_points"),
        )
        .select_from(
            ci.outerjoin(a, (a.c.item_id == ci.c.id) & (a.c.unit_id == unit_id))
            .outerjoin(e, (e.c.item_id == ci.c.id) & (e.c.unit_id == unit_id))
            .outerjoin(ev, ev.c.item_id == ci.c.id)
            .outerjoin(
                ap,
                (ap.c.item_id == ci.c.id) & (ap.c.unit_id == unit_id) & ap.c.points.is_not(None),
            )
            .outerjoin(sp, (sp.c.item_id == ci.c.id) & (sp.c.unit_id == unit_id))
        )
        .where(ci.c.catalog_id == catalog_id)
        .where(
            a.c.id.is_not(None)
            | e.c.id.is_not(None)
            | ev.c.n.is_not(None)
            | ap.c.points.is_not(None)
            | sp.c.points.is_not(None)
        )
    )
    return stmt


@functools.cache
def _insert_answer(dialect: str) -> Executable:
    """``INSERT … ON CONFLICT (unit_id, item_id) DO NOTHING RETURNING id`` (values as
    parameters), built once per dialect for :meth:`AnswerRepository.save_seen`."""
    t = _table(Answer)
    return insert_ignoring(dialect, t, ("unit_id", "item_id")).returning(t.c.id)


def _update_seen() -> Executable:
    """The version-checked UPDATE of :meth:`AnswerRepository.save_seen`: it changes the row
    only if it is still the version the caller read."""
    t = _table(Answer)
    return (
        update(t)
        .where(t.c.id == bindparam("seen_id"), t.c.version == bindparam("seen_version"))
        .returning(t.c.id)
    )


_UPDATE_SEEN = _update_seen()
_INSERT_HISTORY = insert(_table(AnswerHistory))
