"""People and roles (incl. the all-units uniqueness that NULL escapes), appraisers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from conftest import World

SM = async_sessionmaker[AsyncSession]


async def test_upsert_person(sessionmaker: SM) -> None:
    big_id = 7_123_456_789  # Telegram ids exceed 32 bits
    async with UnitOfWork(sessionmaker) as uow:
        p = await uow.people.upsert(big_id, -1001234567890, "Lê Văn C", "lvc", "vi")
        await uow.people.mark_unreachable(p, "403 bot was blocked")
        marked = await uow.people.get(p.id)
        assert marked is not None and marked.unreachable_at is not None
        assert marked.unreachable_reason == "403 bot was blocked"
    async with UnitOfWork(sessionmaker) as uow:
        again = await uow.people.upsert(big_id, big_id, "Lê Văn Cường", None)
        assert again.id == p.id
        assert (again.chat_id, again.full_name, again.language) == (big_id, "Lê Văn Cường", "vi")
        assert again.unreachable_at is None
        await uow.people.set_language(again, "en")
    async with UnitOfWork(sessionmaker) as uow:
        stored = await uow.people.get_by_telegram_id(big_id)
        assert stored is not None and stored.language == "en"
        with pytest.raises(ValueError):
            await uow.people.set_language(stored, "fr")


async def test_roles(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        admin = await uow.people.upsert(9, 9, "Phòng Nội vụ")
        g1 = await uow.people.grant(admin, "admin")
        g2 = await uow.people.grant(admin, "admin")  # idempotent, also with NULL unit
        assert g1.id == g2.id
        await uow.people.grant(world.person_id, "officer", world.unit_id, granted_by=admin)
        await uow.people.grant(world.person_id, "officer", world.unit_id)
        await uow.people.grant(world.person_id, "leader", world.other_unit_id)
    async with UnitOfWork(sessionmaker) as uow:
        assert len(await uow.people.roles(admin.id)) == 1
        assert len(await uow.people.roles(world.person_id)) == 2
        assert await uow.people.has_role(admin.id, "admin", world.unit_id)  # all units
        assert await uow.people.has_role(world.person_id, "officer", world.unit_id)
        assert not await uow.people.has_role(world.person_id, "officer", world.other_unit_id)
        assert await uow.people.has_role(world.person_id, "officer")
        assert await uow.people.unit_ids(world.person_id) == sorted(
            [world.unit_id, world.other_unit_id]
        )
        assert [p.id for p in await uow.people.admins()] == [admin.id]
        assert [p.id for p in await uow.people.with_role("officer", world.unit_id)] == [
            world.person_id
        ]
        assert await uow.people.revoke(world.person_id, "leader", world.other_unit_id)
        assert not await uow.people.revoke(world.person_id, "leader", world.other_unit_id)
        with pytest.raises(ValueError):
            await uow.people.grant(admin, "superuser")


async def test_all_units_grant_unique_in_database(sessionmaker: SM, world: World) -> None:
    """The partial unique index stops a second NULL-unit grant even without the repository."""
    insert = sa.text(
        "INSERT INTO roles (person_id, unit_id, role, granted_at) VALUES (:p, NULL, 'admin', :t)"
    )
    from storage.types import utcnow

    with pytest.raises(IntegrityError):
        async with UnitOfWork(sessionmaker) as uow:
            now = utcnow().replace(tzinfo=None)
            await uow.session.execute(insert, {"p": world.person_id, "t": now})
            await uow.session.execute(insert, {"p": world.person_id, "t": now})


async def test_appraiser_assignments(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        tp = await uow.people.upsert(50, 50, "Sở Tư pháp")
        tc = await uow.people.upsert(51, 51, "Sở Tài chính")
        a1 = await uow.appraisals.assign(tp, world.period_id, "2")
        assert (await uow.appraisals.assign(tp, world.period_id, "2")).id == a1.id
        await uow.appraisals.assign(tc, world.period_id, "5", board="commune")
        await uow.appraisals.assign(tc, world.period_id, "5", board="commune")
    async with UnitOfWork(sessionmaker) as uow:
        assert [
            p.id for p in await uow.appraisals.appraisers_for(world.period_id, "2", "commune")
        ] == [tp.id]
        assert [
            p.id for p in await uow.appraisals.appraisers_for(world.period_id, "5", "commune")
        ] == [tc.id]
        assert await uow.appraisals.appraisers_for(world.period_id, "5", "department") == []
        assert [a.field_code for a in await uow.appraisals.assignments(tc, world.period_id)] == [
            "5"
        ]
        assert await uow.appraisals.unassign(tp, world.period_id, "2")
        assert await uow.appraisals.assignments(tp, world.period_id) == []
