"""The plan's numbered text and the questions it left unanswered (issue 17)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select

from storage.models import Person, PlanQuestion, PlanSection
from storage.repositories.base import Repository
from storage.repositories.rows_plan import AskedRow, SectionRow


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
            select(PlanSection.number, PlanSection.heading, PlanSection.sentences)
            .where(PlanSection.period_id == period_id)
            .order_by(PlanSection.position)
        )
        return [
            SectionRow(number, heading, tuple(sentences))
            for number, heading, sentences in await self.session.execute(stmt)
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
            select(PlanQuestion.text, PlanQuestion.outcome, PlanQuestion.asked_at, Person.full_name)
            .outerjoin(Person, Person.id == PlanQuestion.person_id)
            .where(PlanQuestion.period_id == period_id)
            .order_by(PlanQuestion.asked_at.desc(), PlanQuestion.id.desc())
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        rows = await self.session.execute(stmt)
        return [AskedRow(*row) for row in rows]

    async def count_questions(self, period_id: int) -> int:
        stmt = select(func.count()).where(PlanQuestion.period_id == period_id)
        return int(await self.session.scalar(stmt) or 0)
