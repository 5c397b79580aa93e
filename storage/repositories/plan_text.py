"""The plan's numbered text and the questions it left unanswered (issue 17)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select

from storage.models import Person, PlanQuestion, PlanSection
from storage.repositories.base import Repository


@dataclass(frozen=True)
class SectionRow:
    """One stored section: its number as written ("IV.1"), heading and sentences."""

    number: str
    heading: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class AskedRow:
    """An unanswered question: what was asked, by whom (None: unknown), when, and why it
    went unanswered (``outcome``: not_in_plan, rule_not_in_plan …)."""

    text: str
    outcome: str
    asked_at: datetime
    asker: str | None


class PlanTextRepository(Repository):
    async def replace_sections(
        self, period_id: int, sections: Sequence[tuple[str, str, Sequence[str]]]
    ) -> int:
        """Store the period's sections (number, heading, sentences), replacing earlier ones."""
        await self.session.execute(
            delete(PlanSection)
            .where(PlanSection.period_id == period_id)
            .execution_options(synchronize_session="fetch")
        )
        for position, (number, heading, sentences) in enumerate(sections):
            self.session.add(
                PlanSection(
                    period_id=period_id,
                    position=position,
                    number=number,
                    heading=heading,
                    sentences=list(sentences),
                )
            )
        await self.session.flush()
        return len(sections)

    async def sections(self, period_id: int) -> list[SectionRow]:
        stmt = (
            select(PlanSection)
            .where(PlanSection.period_id == period_id)
            .order_by(PlanSection.position)
        )
        return [
            SectionRow(r.number, r.heading, tuple(r.sentences))
            for r in await self.session.scalars(stmt)
        ]

    async def record_question(
        self, period_id: int, person_id: int | None, text: str, outcome: str
    ) -> None:
        self.session.add(
            PlanQuestion(period_id=period_id, person_id=person_id, text=text, outcome=outcome)
        )
        await self.session.flush()

    async def questions(self, period_id: int, limit: int | None = None) -> list[AskedRow]:
        """Unanswered questions of a period, newest first."""
        stmt = (
            select(PlanQuestion, Person.full_name)
            .outerjoin(Person, Person.id == PlanQuestion.person_id)
            .where(PlanQuestion.period_id == period_id)
            .order_by(PlanQuestion.asked_at.desc(), PlanQuestion.id.desc())
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        rows = await self.session.execute(stmt)
        return [AskedRow(q.text, q.outcome, q.asked_at, name) for q, name in rows]

    async def count_questions(self, period_id: int) -> int:
        stmt = select(func.count()).where(PlanQuestion.period_id == period_id)
        return int(await self.session.scalar(stmt) or 0)
