"""Answers (declared values), their history, and explanations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storage.models import (
    Answer,
    AnswerHistory,
    AnswerSource,
    CatalogItem,
    Explanation,
    HistorySource,
    Person,
    Unit,
)
from storage.repositories.base import Repository, VersionConflict, ref, to_decimal
from storage.types import utcnow

Points = Decimal | int | float | str | None


class AnswerRepository(Repository):
    async def get(self, unit_id: int, item_id: int) -> Answer | None:
        return await self.session.scalar(
            select(Answer).where(Answer.unit_id == unit_id, Answer.item_id == item_id)
        )

    async def set_answer(
        self,
        unit_id: int,
        item_id: int,
        value: dict[str, Any],
        points: Points,
        by: Person | int | None,
        source: str,
        reason: str | None = None,
        *,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> tuple[Answer, int | None]:
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
        answer = await self.get(unit_id, item_id)
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
                concurrent = await self.get(unit_id, item_id)
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
                return answer, answer.version
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
        return answer, previous

    async def delete_answer(
        self,
        unit_id: int,
        item_id: int,
        by: Person | int | None,
        source: str,
        reason: str | None = None,
        *,
        expected_version: int | None = None,
        at: datetime | None = None,
    ) -> bool:
        """Delete the answer (history row old → None); False if there was none."""
        AnswerSource(source)
        answer = await self.get(unit_id, item_id)
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

    async def history(self, unit_id: int, item_id: int | None = None) -> list[AnswerHistory]:
        """History rows of one item (or, with ``item_id`` None, of the whole unit), oldest
        first.  Includes appraisal and survey changes (``source``)."""
        stmt = select(AnswerHistory).where(AnswerHistory.unit_id == unit_id)
        if item_id is not None:
            stmt = stmt.where(AnswerHistory.item_id == item_id)
        return list(await self.session.scalars(stmt.order_by(AnswerHistory.id)))

    async def list_for_unit(self, unit_id: int) -> dict[str, Answer]:
        """``{item code: Answer}`` for one unit."""
        stmt = (
            select(CatalogItem.code, Answer)
            .join(CatalogItem, CatalogItem.id == Answer.item_id)
            .where(Answer.unit_id == unit_id)
        )
        return {code: answer for code, answer in await self.session.execute(stmt)}

    async def list_for_period(self, period_id: int) -> dict[int, dict[str, Answer]]:
        """``{unit id: {item code: Answer}}`` for every unit of a period (for ranking).

        Units without answers are absent."""
        stmt = (
            select(Answer.unit_id, CatalogItem.code, Answer)
            .join(CatalogItem, CatalogItem.id == Answer.item_id)
            .join(Unit, Unit.id == Answer.unit_id)
            .where(Unit.period_id == period_id)
        )
        out: dict[int, dict[str, Answer]] = {}
        for unit_id, code, answer in await self.session.execute(stmt):
            out.setdefault(unit_id, {})[code] = answer
        return out

    # ---------------------------------------------------------------- explanations

    async def set_explanation(
        self,
        unit_id: int,
        item_id: int,
        text: str,
        author: Person | int | None,
        at: datetime | None = None,
    ) -> Explanation:
        """Store the explanation (giải trình); a newer one replaces the older."""
        at = at or utcnow()
        row = await self.get_explanation(unit_id, item_id)
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
        return row

    async def get_explanation(self, unit_id: int, item_id: int) -> Explanation | None:
        return await self.session.scalar(
            select(Explanation).where(
                Explanation.unit_id == unit_id, Explanation.item_id == item_id
            )
        )

    async def delete_explanation(self, unit_id: int, item_id: int) -> bool:
        row = await self.get_explanation(unit_id, item_id)
        if row is None:
            return False
        await self.session.delete(row)
        await self.session.flush()
        return True

    async def explanations_for_unit(self, unit_id: int) -> dict[str, Explanation]:
        """``{item code: Explanation}`` for one unit."""
        stmt = (
            select(CatalogItem.code, Explanation)
            .join(CatalogItem, CatalogItem.id == Explanation.item_id)
            .where(Explanation.unit_id == unit_id)
        )
        return {code: row for code, row in await self.session.execute(stmt)}
