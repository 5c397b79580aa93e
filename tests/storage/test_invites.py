"""Invites: hashed codes, single use (also under concurrency), expiry."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import generate_code, hash_code
from storage.types import utcnow
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from conftest import World

SM = async_sessionmaker[AsyncSession]


async def _invite(sm: SM, world: World, code: str, hours: int = 48) -> int:
    async with UnitOfWork(sm) as uow:
        invite = await uow.invites.create(
            code,
            "officer",
            utcnow() + timedelta(hours=hours),
            period_id=world.period_id,
            unit_id=world.unit_id,
            created_by=world.person_id,
        )
        return invite.id


async def test_code_is_stored_hashed(sessionmaker: SM, world: World) -> None:
    code = generate_code()
    await _invite(sessionmaker, world, code)
    async with UnitOfWork(sessionmaker) as uow:
        invite = await uow.invites.get_by_code(f"  {code} ")
        assert invite is not None
        assert invite.code_hash == hash_code(code) != code
        assert len(invite.code_hash) == 64
        assert await uow.invites.get_by_code(code + "x") is None
        stored = (await uow.session.execute(sa.text("SELECT * FROM invites"))).mappings().all()
    assert all(code not in str(v) for row in stored for v in row.values())


async def test_mark_used_only_once(sessionmaker: SM, world: World) -> None:
    await _invite(sessionmaker, world, "ABC123")
    async with UnitOfWork(sessionmaker) as uow:
        other = await uow.people.upsert(2002, 2002, "Trần Thị B")
        invite = await uow.invites.get_by_code("ABC123")
        assert invite is not None
        assert await uow.invites.mark_used(invite, world.person_id) is True
        assert invite.used_at is None  # a returned row is a value: read the invite again
        used = await uow.invites.get(invite.id)
        assert used is not None and used.used_at is not None
        assert used.used_by == world.person_id
        assert await uow.invites.mark_used(invite, other) is False
    async with UnitOfWork(sessionmaker) as uow:
        invite = await uow.invites.get_by_code("ABC123")
        assert invite is not None
        assert await uow.invites.mark_used(invite, other) is False
        assert invite.used_by == world.person_id
        assert await uow.invites.list_open() == []


async def test_expired_invite_cannot_be_used(sessionmaker: SM, world: World) -> None:
    await _invite(sessionmaker, world, "OLD", hours=-1)
    await _invite(sessionmaker, world, "NEW")
    async with UnitOfWork(sessionmaker) as uow:
        old = await uow.invites.get_by_code("OLD")
        assert old is not None
        assert await uow.invites.mark_used(old, world.person_id) is False
        assert (await uow.invites.get(old.id)).used_at is None  # type: ignore[union-attr]
        assert [i.id for i in await uow.invites.list_open()] == [
            (await uow.invites.get_by_code("NEW")).id  # type: ignore[union-attr]
        ]


async def test_concurrent_redemption_single_winner(sessionmaker: SM, world: World) -> None:
    await _invite(sessionmaker, world, "RACE")
    async with UnitOfWork(sessionmaker, read_only=True) as uow:
        p2 = (await uow.people.upsert(2002, 2002, "B")).id
        # both redeemers looked the code up before either of them redeemed it
        seen_by_second = await uow.invites.get_by_code("RACE")
        assert seen_by_second is not None and seen_by_second.used_at is None

    first_done = asyncio.Event()

    async def first() -> bool:
        async with UnitOfWork(sessionmaker) as uow:
            invite = await uow.invites.get_by_code("RACE")
            assert invite is not None
            ok = await uow.invites.mark_used(invite, world.person_id)
            first_done.set()
            await asyncio.sleep(0.3)  # keep the transaction open while the other tries
            return ok

    async def second() -> bool:
        await first_done.wait()
        async with UnitOfWork(sessionmaker) as uow:
            # PostgreSQL: waits for first's row lock, then re-checks used_at IS NULL;
            # SQLite: waits for first's write lock (BEGIN IMMEDIATE)
            return await uow.invites.mark_used(seen_by_second, p2)

    results = await asyncio.gather(first(), second())
    assert results == [True, False]
    async with UnitOfWork(sessionmaker) as uow:
        invite = await uow.invites.get_by_code("RACE")
        assert invite is not None and invite.used_by == world.person_id
