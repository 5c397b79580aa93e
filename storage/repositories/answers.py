"""Answers (declared values), their history, and explanations."""

from __future__ import annotations

import functools
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    Executable,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from storage.models import (
    Answer,
    AnswerHistory,
    AnswerSource,
    CatalogItem,
    Explanation,
    HistorySource,
    Unit,
)
from storage.repositories import answer_sql
from storage.repositories.base import (
    Repository,
    VersionConflict,
    insert_ignoring,
    ref,
    table_of,
    to_decimal,
)
from storage.repositories.rows import AnswerRow, ExplanationRow, PersonRow, UnitItems, from_orm
from storage.repositories.rows_evidence import AnswerHistoryRow
from storage.repositories.unit_items import unit_items_of, unit_items_statement
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
        t = table_of(AnswerHistory)
        stmt = select(t).where(t.c.unit_id == unit_id)
        if item_id is not None:
            stmt = stmt.where(t.c.item_id == item_id)
        rows = await self.session.execute(stmt.order_by(t.c.id))
        return [from_orm(AnswerHistoryRow, r) for r in rows]

    async def list_for_unit(self, unit_id: int) -> dict[str, AnswerRow]:
        """``{item code: AnswerRow}`` for one unit."""
        t = table_of(Answer)
        stmt = (
            select(CatalogItem.code.label("item_code"), t)
            .join(CatalogItem, CatalogItem.id == t.c.item_id)
            .where(t.c.unit_id == unit_id)
        )
        return {r.item_code: AnswerRow.of(r) for r in await self.session.execute(stmt)}

    async def list_for_period(self, period_id: int) -> dict[int, dict[str, AnswerRow]]:
        """``{unit id: {item code: AnswerRow}}`` for every unit of a period (for ranking).

        Units without answers are absent."""
        t = table_of(Answer)
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
        t = table_of(Explanation)
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
        key = (unit_id, catalog_id)
        self._source.note_items_read(key)
        ahead = self._source.take_items_read_ahead(key)
        if ahead is not None:  # read with the person, in this transaction, before any write
            return ahead
        params = {"unit_id": unit_id, "catalog_id": catalog_id}
        return unit_items_of(unit_id, (await self._core(unit_items_statement(), params)).all())

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
        one INSERT or a version-checked UPDATE, then the history row (on PostgreSQL both in
        one statement) — no SELECT, no SAVEPOINT.  If the row changed since it was read
        (another officer of the unit, on PostgreSQL), falls back to :meth:`set_answer`, which
        reads it again."""
        AnswerSource(source)
        new_points = to_decimal(points)
        new_value = dict(value)
        if before is not None and before.value == new_value and before.points == new_points:
            return before, before.version
        at = utcnow()
        version = before.version + 1 if before is not None else 1
        answer: dict[str, Any] = {"value": new_value, "points": new_points, "updated_by": by}
        answer |= {"updated_at": at, "source": source, "version": version}
        history: dict[str, Any] = {
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
        }
        if self.dialect_name == "postgresql":  # one round trip: the answer and its history
            # kept to go with COMMIT: one round trip less (a row changed meanwhile then
            # fails the COMMIT and the engine handles the update again, writing at once)
            write = answer_sql.answer_with_commit_sql(before, unit_id, item_id, answer, history)
            if write is not None and self._source.send_with_commit(write, last=False):
                kept_id = before.id if before is not None else None  # None: given at COMMIT
                row = AnswerRow(
                    kept_id, unit_id, item_id, new_value, new_points, by, at, source, version
                )
                return row, (before.version if before else None)
            new_id = await self._saved_with_history(before, unit_id, item_id, answer, history)
        else:
            new_id = await self._saved(before, unit_id, item_id, answer)
            if new_id is not None:
                await self._core(_INSERT_HISTORY, history)
        if new_id is None:  # changed or created concurrently: the careful path
            return await self.set_answer(unit_id, item_id, value, points, by, source)
        row = AnswerRow(new_id, unit_id, item_id, new_value, new_points, by, at, source, version)
        return row, (before.version if before else None)

    async def _saved(
        self, before: AnswerRow | None, unit_id: int, item_id: int, answer: dict[str, Any]
    ) -> int | None:
        """The new answer's INSERT (``before`` is None) or version-checked UPDATE: its id, or
        None when the row was created or changed meanwhile."""
        if before is None:
            stmt = _insert_answer(self.dialect_name)
            params = answer | {"unit_id": unit_id, "item_id": item_id}
        else:
            stmt = _UPDATE_SEEN
            params = answer | {"seen_id": before.id, "seen_version": before.version}
        return cast(int | None, (await self._core(stmt, params)).scalar())

    async def _saved_with_history(
        self,
        before: AnswerRow | None,
        unit_id: int,
        item_id: int,
        answer: dict[str, Any],
        history: dict[str, Any],
    ) -> int | None:
        """:meth:`_saved` and the history row in one PostgreSQL statement (a data-modifying
        ``WITH``): the history row is written only if the answer was."""
        params = answer_sql.parameters(before, unit_id, item_id, answer, history)
        result = await self._core(answer_sql.saved_with_history(before is None), params)
        return cast(int | None, result.scalar())


@functools.cache
def _insert_answer(dialect: str) -> Executable:
    """``INSERT … ON CONFLICT (unit_id, item_id) DO NOTHING RETURNING id`` (values as
    parameters), built once per dialect for :meth:`AnswerRepository.save_seen`."""
    t = table_of(Answer)
    return insert_ignoring(dialect, t, ("unit_id", "item_id")).returning(t.c.id)


def _update_seen() -> Executable:
    """The version-checked UPDATE of :meth:`AnswerRepository.save_seen`: it changes the row
    only if it is still the version the caller read."""
    t = table_of(Answer)
    return (
        update(t)
        .where(t.c.id == bindparam("seen_id"), t.c.version == bindparam("seen_version"))
        .returning(t.c.id)
    )


_UPDATE_SEEN = _update_seen()

_INSERT_HISTORY = insert(table_of(AnswerHistory))
