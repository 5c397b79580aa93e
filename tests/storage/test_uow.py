"""UnitOfWork: commit on success, rollback on exception, explicit commit."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.uow import UnitOfWork

SM = async_sessionmaker[AsyncSession]


class Boom(Exception):
    pass


async def test_commits_on_clean_exit(sessionmaker: SM) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        await uow.periods.create(2024, "Năm 2024")
    async with UnitOfWork(sessionmaker) as uow:
        period = await uow.periods.get_by_year(2024)
        assert period is not None and period.title == "Năm 2024"


async def test_rolls_back_on_exception(sessionmaker: SM) -> None:
    with pytest.raises(Boom):
        async with UnitOfWork(sessionmaker) as uow:
            await uow.periods.create(2024, "Năm 2024")
            await uow.people.upsert(1, 1, "A")
            raise Boom
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.periods.get_by_year(2024) is None
        assert await uow.people.get_by_telegram_id(1) is None


async def test_explicit_commit_survives_later_exception(sessionmaker: SM) -> None:
    with pytest.raises(Boom):
        async with UnitOfWork(sessionmaker) as uow:
            await uow.periods.create(2024, "kept")
            await uow.commit()
            await uow.periods.create(2025, "rolled back")
            raise Boom
    async with UnitOfWork(sessionmaker) as uow:
        assert [p.year for p in await uow.periods.list_all()] == [2024]


async def test_repositories_do_not_commit(sessionmaker: SM) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        await uow.periods.create(2024, "x")
        await uow.outbox.enqueue("k1", 5, {"text": "hi"})
        await uow.updates.claim(77)
        # seen inside the transaction ...
        assert await uow.periods.get_by_year(2024) is not None
        # ... but another session does not see uncommitted work
        async with UnitOfWork(sessionmaker, read_only=True) as other:
            assert await other.periods.get_by_year(2024) is None
            assert await other.outbox.get_by_key("k1") is None
        await uow.rollback()
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.periods.get_by_year(2024) is None
        assert await uow.updates.is_processed(77) is False


async def test_expire_on_commit_is_off(sessionmaker: SM) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        period = await uow.periods.create(2024, "x")
    # attributes stay loaded after commit and close (no lazy load in async code)
    assert period.year == 2024 and period.id is not None


async def test_prebuilt_and_orm_statements_share_one_transaction(sessionmaker: SM) -> None:
    """The hot path's prebuilt statements (on the unit of work's own connection on SQLite) and
    the ORM session made later join one transaction: both roll back together..."""
    with pytest.raises(Boom):
        async with UnitOfWork(sessionmaker) as uow:
            assert await uow.updates.claim(901)
            await uow.periods.create(2024, "rolled back with the claim")
            raise Boom
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.periods.get_by_year(2024) is None
        assert await uow.updates.claim(901)  # the first claim did not stay
    # ... and commit together, whichever comes first
    async with UnitOfWork(sessionmaker) as uow:
        await uow.periods.create(2025, "ORM first")
        assert await uow.updates.claim(902)
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.periods.get_by_year(2025) is not None
        assert not await uow.updates.claim(902)


async def test_work_after_an_explicit_commit_is_a_new_transaction(sessionmaker: SM) -> None:
    with pytest.raises(Boom):
        async with UnitOfWork(sessionmaker) as uow:
            assert await uow.updates.claim(911)
            await uow.commit()
            await uow.periods.create(2024, "rolled back")  # the session begins this one
            assert await uow.updates.claim(912)  # ... and the prebuilt statement joins it
            raise Boom
    async with UnitOfWork(sessionmaker) as uow:
        assert not await uow.updates.claim(911)
        assert await uow.updates.claim(912)
        assert await uow.periods.get_by_year(2024) is None
