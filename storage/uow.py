"""Unit of work: one session, one transaction, all repositories.

    async with UnitOfWork(sessionmaker) as uow:
        person = await uow.people.get_by_telegram_id(tg_id)
        ...
    # committed here; rolled back if the block raised

Repositories only flush; the unit of work commits (on clean exit or ``await uow.commit()``).

On SQLite a (default, read-write) unit of work holds the database's write lock from its first
statement to commit: keep it short, never await network I/O (Telegram calls) inside it, and do
not open a second read-write unit of work while one is open in the same task (it would wait
for the busy timeout and fail).  Use ``read_only=True`` for pure reads.
"""

from __future__ import annotations

from functools import cached_property
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import SQLITE_BEGIN_OPTION
from storage.person_locks import advisory_xact_lock
from storage.repositories import (
    AccessRepository,
    AnswerRepository,
    AppraisalRepository,
    BroadcastRepository,
    CatalogRepository,
    ConversationRepository,
    EvidenceRepository,
    InviteRepository,
    MilestoneRepository,
    OutboxRepository,
    PeriodRepository,
    PersonRepository,
    PlanTextRepository,
    ProcessedUpdateRepository,
    PublicationRepository,
    ResultRepository,
    SubmissionRepository,
    SurveyRepository,
    UnitRepository,
    YearRepository,
)


class UnitOfWork:
    """Repositories are made on first use (an update touches a handful of the twenty)."""

    session: AsyncSession

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], *, read_only: bool = False
    ) -> None:
        """``read_only=True``: on SQLite the transaction starts with a deferred BEGIN, so it
        does not wait for (or block) writers; it may still write, but then risks "database
        is locked".  No effect on PostgreSQL."""
        self._sessionmaker = sessionmaker
        self.read_only = read_only

    async def __aenter__(self) -> UnitOfWork:
        session = self._sessionmaker()
        self.session = session
        if self.read_only and session.get_bind().dialect.name == "sqlite":
            await session.connection(execution_options={SQLITE_BEGIN_OPTION: "BEGIN DEFERRED"})
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc_type is None:
                await session.commit()
            else:
                await session.rollback()
        finally:
            if session.sync_session.in_transaction():
                await session.close()
            else:  # nothing left to release, no I/O: no greenlet hop (tens of µs an update)
                session.sync_session.close()

    @cached_property
    def periods(self) -> PeriodRepository:
        return PeriodRepository(self.session)

    @cached_property
    def catalogs(self) -> CatalogRepository:
        return CatalogRepository(self.session)

    @cached_property
    def units(self) -> UnitRepository:
        return UnitRepository(self.session)

    @cached_property
    def people(self) -> PersonRepository:
        return PersonRepository(self.session)

    @cached_property
    def invites(self) -> InviteRepository:
        return InviteRepository(self.session)

    @cached_property
    def answers(self) -> AnswerRepository:
        return AnswerRepository(self.session)

    @cached_property
    def submissions(self) -> SubmissionRepository:
        return SubmissionRepository(self.session)

    @cached_property
    def survey(self) -> SurveyRepository:
        return SurveyRepository(self.session)

    @cached_property
    def appraisals(self) -> AppraisalRepository:
        return AppraisalRepository(self.session)

    @cached_property
    def milestones(self) -> MilestoneRepository:
        return MilestoneRepository(self.session)

    @cached_property
    def outbox(self) -> OutboxRepository:
        return OutboxRepository(self.session)

    @cached_property
    def broadcasts(self) -> BroadcastRepository:
        return BroadcastRepository(self.session)

    @cached_property
    def updates(self) -> ProcessedUpdateRepository:
        return ProcessedUpdateRepository(self.session)

    @cached_property
    def evidence(self) -> EvidenceRepository:
        return EvidenceRepository(self.session)

    @cached_property
    def results(self) -> ResultRepository:
        return ResultRepository(self.session)

    @cached_property
    def publications(self) -> PublicationRepository:
        return PublicationRepository(self.session)

    @cached_property
    def conversations(self) -> ConversationRepository:
        return ConversationRepository(self.session)

    @cached_property
    def access(self) -> AccessRepository:
        return AccessRepository(self.session)

    @cached_property
    def plan_text(self) -> PlanTextRepository:
        return PlanTextRepository(self.session)

    @cached_property
    def years(self) -> YearRepository:
        return YearRepository(self.session)

    async def commit(self) -> None:
        """Commit now; the unit of work stays usable (a new transaction begins on next use)."""
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()

    async def flush(self) -> None:
        await self.session.flush()

    async def lock_person(self, person: int) -> None:
        """Take the person's transaction-scoped lock across processes (PostgreSQL advisory lock,
        released at commit or rollback; a no-op on SQLite, whose writes are serial anyway)."""
        await advisory_xact_lock(self.session, person)
