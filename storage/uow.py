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

import weakref
from functools import cached_property
from types import TracebackType

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.util.concurrency import await_

from storage import prepared_pg
from storage.db import SQLITE_BEGIN_OPTION
from storage.loop_transaction import CoreTransaction, LoopTransaction
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
from storage.repositories.base import VersionConflict, orm_pending, session_connection
from storage.repositories.rows import UnitItems

_DEFERRED: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine] = weakref.WeakKeyDictionary()


def _deferred(engine: AsyncEngine) -> AsyncEngine:
    """``engine`` whose SQLite transactions start with a deferred BEGIN (read-only units of
    work), made once per engine."""
    found = _DEFERRED.get(engine)
    if found is None:
        found = _DEFERRED[engine] = engine.execution_options(
            **{SQLITE_BEGIN_OPTION: "BEGIN DEFERRED"}
        )
    return found


class UnitOfWork:
    """Repositories are made on first use (an update touches a handful of the twenty).

    On the loop-thread SQLite dialect the unit of work holds its own connection and
    transaction (:class:`storage.loop_transaction.LoopTransaction`) and makes the ORM session
    only when a repository needs one, bound to that connection so it joins the transaction:
    the hot path of an update (prebuilt statements only) never makes a session.  Elsewhere
    (aiosqlite) the session owns the transaction, as SQLAlchemy's own pattern; on PostgreSQL the
    unit of work holds a Core connection the same way (``CoreTransaction``)."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], *, read_only: bool = False
    ) -> None:
        """``read_only=True``: on SQLite the transaction starts with a deferred BEGIN, so it
        does not wait for (or block) writers; it may still write, but then risks "database
        is locked".  No effect on PostgreSQL."""
        self._sessionmaker = sessionmaker
        self.read_only = read_only
        engine: AsyncEngine = sessionmaker.kw["bind"]
        self.engine = engine
        self.dialect_name: str = engine.dialect.name
        self._on_loop = engine.dialect.driver == "parbot"
        self._holds_own = self._on_loop or self.dialect_name == "postgresql"
        self._session: AsyncSession | None = None
        self._own: LoopTransaction | CoreTransaction | None = None
        self._with_commit: list[str] = []  # writes kept to go with COMMIT
        self._last_kept = False  # the last of them was declared the last statement
        self.keeps_writes = True
        """False: every write runs at once (an update handled again after a conflict)."""
        self._items_ahead: tuple[tuple[int, int], UnitItems] | None = None
        self.items_read: tuple[int, int] | None = None
        """The (unit, catalog) whose items were last asked for (the engine's read-ahead hint)."""

    async def __aenter__(self) -> UnitOfWork:
        return self  # nothing is checked out of the pool before the first statement

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        own, session = self._own, self._session
        try:
            if exc_type is None:
                await self.commit()
            else:
                await self.rollback()
        finally:
            try:
                if session is not None:
                    if session.sync_session.in_transaction():
                        await session.close()
                    else:  # nothing left to release, no I/O: no greenlet hop
                        session.sync_session.close()
            finally:
                if own is not None:
                    await own.close()

    @property
    def session(self) -> AsyncSession:
        """The ORM session, made on first use: bound to the unit of work's own connection
        when it has one (it joins that transaction and never commits it), else to the engine
        (it begins and commits its own transaction, which prebuilt statements then join)."""
        self._items_ahead = None  # the ORM may write: what was read ahead may be stale
        session = self._session
        if session is None:
            if self._with_commit:
                self._kept_writes_before_the_sessions_first_statement()
            own = self._own
            if own is not None:
                session = self._sessionmaker(bind=own.async_connection)
            elif self.read_only and self.dialect_name == "sqlite":
                session = self._sessionmaker(bind=_deferred(self.engine))
            else:
                session = self._sessionmaker()
            self._session = session
        return session

    async def connection(self, *, reads_only: bool = False) -> AsyncConnection:
        """The connection of the current transaction (begun if none is open): where the
        repositories' prebuilt statements run.  On SQLite (loop thread) and PostgreSQL, when no
        session came first, the unit of work's own (:mod:`storage.loop_transaction`).
        Unless the caller says it only reads, what was read ahead is dropped: the caller may
        write, and a later read must see it."""
        if self._with_commit:
            await self._send_kept_writes()
        if not reads_only:
            self._items_ahead = None
        own = self._own
        if own is None and self._session is None and self._holds_own:
            if self._on_loop:
                begin = "BEGIN DEFERRED" if self.read_only else None
                own = self._own = await LoopTransaction.open(self.engine, begin=begin)
            else:
                own = self._own = await CoreTransaction.open(self.engine)
        if own is not None:
            await own.begin()
            return own.async_connection
        return await session_connection(self.session)

    def send_with_commit(self, write: str, *, last: bool = True) -> bool:
        """Keep ``write`` (a guarded statement of :mod:`storage.pg_statements`) to be sent with
        COMMIT, in one round trip, if this unit of work can (PostgreSQL, its own transaction
        begun with the update's claim, no ORM session): a guard that fails at commit raises
        :class:`VersionConflict` from :meth:`commit` with nothing committed.  ``last``: no
        statement may follow; else one that does sends the kept writes first (one round trip,
        as the write alone would have cost).  False: run it now."""
        own = self._own
        if (
            not self.keeps_writes
            or self._session is not None
            or self._last_kept
            or not isinstance(own, CoreTransaction)
            or not prepared_pg.can_commit_with(own.sync)
        ):
            return False
        self._with_commit.append(write)
        self._last_kept = last
        return True

    def keep_items_read_ahead(self, key: tuple[int, int], items: UnitItems) -> None:
        """Keep the items of (unit, catalog) read with the update's first statement
        (``PersonRepository.hot``), for ``AnswerRepository.unit_items`` to take instead of
        reading them again, until anything that may write runs."""
        self._items_ahead = (key, items)

    def take_items_read_ahead(self, key: tuple[int, int]) -> UnitItems | None:
        """The items kept for ``key`` (once), or None: read them."""
        ahead, self._items_ahead = self._items_ahead, None
        return ahead[1] if ahead is not None and ahead[0] == key else None

    def note_items_read(self, key: tuple[int, int]) -> None:
        self.items_read = key

    def _kept_writes_before_the_sessions_first_statement(self) -> None:
        """The ORM session is made synchronously (a property) and cannot send the writes kept
        for COMMIT before its own statements; a listener on the connection sends them before
        the first statement it executes (the ORM runs them in SQLAlchemy's greenlet, where
        ``await_`` may wait), so a kept write is never reordered after a later one."""
        if self._last_kept:
            raise RuntimeError("a statement after the write kept for COMMIT (send_with_commit)")
        own = self._own
        assert isinstance(own, CoreTransaction)

        def send_first(*_: object) -> None:
            if self._with_commit:
                await_(self._send_kept_writes())

        event.listen(own.sync, "before_cursor_execute", send_first, once=True)

    async def _send_kept_writes(self) -> None:
        """Another statement runs after writes kept for COMMIT: send them first."""
        if self._last_kept:
            raise RuntimeError("a statement after the write kept for COMMIT (send_with_commit)")
        writes, self._with_commit = self._with_commit, []
        own = self._own
        assert isinstance(own, CoreTransaction)
        try:
            await own.send(writes)
        except prepared_pg.GuardFailed as failed:
            raise VersionConflict(f"a kept write ({failed})", None, None) from None

    @property
    def database_key(self) -> object:
        """Names the database this unit of work runs on, for per-process caches (weakly
        referenceable; the same object for every unit of work on one engine)."""
        return self.engine.sync_engine

    def orm_pending(self) -> bool:
        """Whether the ORM session holds changes not yet flushed."""
        return self._session is not None and orm_pending(self._session)

    @cached_property
    def periods(self) -> PeriodRepository:
        return PeriodRepository(self)

    @cached_property
    def catalogs(self) -> CatalogRepository:
        return CatalogRepository(self)

    @cached_property
    def units(self) -> UnitRepository:
        return UnitRepository(self)

    @cached_property
    def people(self) -> PersonRepository:
        return PersonRepository(self)

    @cached_property
    def invites(self) -> InviteRepository:
        return InviteRepository(self)

    @cached_property
    def answers(self) -> AnswerRepository:
        return AnswerRepository(self)

    @cached_property
    def submissions(self) -> SubmissionRepository:
        return SubmissionRepository(self)

    @cached_property
    def survey(self) -> SurveyRepository:
        return SurveyRepository(self)

    @cached_property
    def appraisals(self) -> AppraisalRepository:
        return AppraisalRepository(self)

    @cached_property
    def milestones(self) -> MilestoneRepository:
        return MilestoneRepository(self)

    @cached_property
    def outbox(self) -> OutboxRepository:
        return OutboxRepository(self)

    @cached_property
    def broadcasts(self) -> BroadcastRepository:
        return BroadcastRepository(self)

    @cached_property
    def updates(self) -> ProcessedUpdateRepository:
        return ProcessedUpdateRepository(self)

    @cached_property
    def evidence(self) -> EvidenceRepository:
        return EvidenceRepository(self)

    @cached_property
    def results(self) -> ResultRepository:
        return ResultRepository(self)

    @cached_property
    def publications(self) -> PublicationRepository:
        return PublicationRepository(self)

    @cached_property
    def conversations(self) -> ConversationRepository:
        return ConversationRepository(self)

    @cached_property
    def access(self) -> AccessRepository:
        return AccessRepository(self)

    @cached_property
    def plan_text(self) -> PlanTextRepository:
        return PlanTextRepository(self)

    @cached_property
    def years(self) -> YearRepository:
        return YearRepository(self)

    async def commit(self) -> None:
        """Commit now; the unit of work stays usable (a new transaction begins on next use).
        A session joined to the unit of work's own transaction is flushed (it commits only a
        transaction it began itself), then that transaction commits."""
        if self._session is not None:
            await self._session.commit()
        own, writes = self._own, self._with_commit
        self._with_commit, self._last_kept = [], False
        if isinstance(own, CoreTransaction):
            try:
                await own.commit(writes)
            except prepared_pg.GuardFailed as failed:
                what = f"the write sent with COMMIT ({failed})"
                raise VersionConflict(what, None, None) from None
        elif own is not None:
            await own.commit()

    async def rollback(self) -> None:
        self._with_commit, self._last_kept = [], False
        if self._session is not None:
            await self._session.rollback()
        if self._own is not None:
            await self._own.rollback()

    async def flush(self) -> None:
        if self._session is not None:
            await self._session.flush()

    async def lock_person(self, person: int) -> None:
        """Take the person's transaction-scoped lock across processes (PostgreSQL advisory lock,
        released at commit or rollback; a no-op on SQLite, whose writes are serial anyway)."""
        if self.dialect_name == "postgresql":
            await advisory_xact_lock(self.session, person)
