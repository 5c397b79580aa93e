"""Issue 13, the people area: the unit, person, role, invite, assignment and access
repositories hand out frozen plain rows, never ORM objects, and change what they store only
through explicit write methods (a row is a value: writing does not change it)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Base
from storage.repositories.rows import PersonRow, RoleRow, UnitRow
from storage.repositories.rows_people import AccessEventRow, AssignmentRow, GrantRow, InviteRow
from storage.types import utcnow
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from conftest import World

SM = async_sessionmaker[AsyncSession]


def _plain(value: Any, cls: type) -> None:
    """``value`` is a frozen ``cls`` row (and so no ORM object the session tracks)."""
    assert type(value) is cls and not isinstance(value, Base)
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.id = 0


async def test_units_are_rows_and_change_by_id(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        made = await uow.units.create(world.period_id, "xa-moi", "UBND xã Mới", "commune")
        found = [
            made,
            await uow.units.get(made.id),
            await uow.units.get_by_code(world.period_id, "xa-moi"),
            *await uow.units.list_for_period(world.period_id),
            *await uow.units.list_by_ids([world.unit_id]),
            *[u for u, _ in await uow.results.units_with_results(world.period_id)],
        ]
        for unit in found:
            _plain(unit, UnitRow)
        await uow.units.update(
            made.id, name="UBND phường Mới", tags=["phuong"], catalog_id=world.catalog_id
        )
        assert made.name == "UBND xã Mới"  # the row handed out earlier is a value
        after = await uow.units.get(made.id)
        assert after is not None
        assert (after.name, after.board, after.tags, after.catalog_id) == (
            "UBND phường Mới",
            "commune",
            ["phuong"],
            world.catalog_id,
        )
        await uow.units.update(made.id, tags=[], catalog_id=None)
        await uow.units.set_catalog(world.unit_id, None)
    async with UnitOfWork(sessionmaker) as uow:
        again = await uow.units.get(made.id)
        assert again is not None and (again.name, again.tags, again.catalog_id) == (
            "UBND phường Mới",
            None,
            None,
        )
        assert (await uow.units.get(world.unit_id)).catalog_id is None  # type: ignore[union-attr]


async def test_people_and_roles_are_rows(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        admin = await uow.people.upsert(9, 9, "Phòng Nội vụ")
        grant = await uow.people.grant(admin, "admin")
        _plain(grant, RoleRow)
        _plain(await uow.people.grant(admin, "admin"), RoleRow)  # the existing grant
        await uow.appraisals.assign(admin, world.period_id, "1")
        await uow.people.grant(world.person_id, "officer", world.unit_id)
        lists = [
            [admin, await uow.people.get(world.person_id)],
            [await uow.people.get_by_telegram_id(9)],
            await uow.people.list_by_ids([admin.id, world.person_id]),
            await uow.people.with_role("officer", world.unit_id),
            await uow.people.admins(),
            await uow.appraisals.appraisers_for(world.period_id, "1", "commune"),
            [p for _, p in await uow.broadcasts.unit_people([world.unit_id])],
        ]
        assert all(lists)  # every call found someone
        people = [p for found in lists for p in found]
        for person in people:
            _plain(person, PersonRow)
        for role in await uow.people.roles(world.person_id):
            _plain(role, RoleRow)
        for assignment in await uow.appraisals.assignments(admin, world.period_id):
            _plain(assignment, AssignmentRow)
        _plain(await uow.appraisals.assign(admin, world.period_id, "1"), AssignmentRow)
        assert all(type(g) is GrantRow for g in await uow.access.grants(person_id=admin.id))


async def test_person_writes_go_by_id(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        person = await uow.people.get(world.person_id)
        assert person is not None
        await uow.people.mark_unreachable(person.id, "403 blocked")
        await uow.people.set_language(person.id, "en")
        assert (person.unreachable_at, person.language) == (None, None)
        marked = await uow.people.get(person.id)
        assert marked is not None and marked.unreachable_reason == "403 blocked"
        assert marked.language == "en"
        await uow.people.mark_reachable(person)
    async with UnitOfWork(sessionmaker) as uow:
        back = await uow.people.get(world.person_id)
        assert back is not None and (back.unreachable_at, back.unreachable_reason) == (None, None)


async def test_invites_are_rows_and_expire_by_id(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        made = await uow.invites.create("CODE1", "officer", utcnow() + timedelta(days=1))
        invites = [
            made,
            await uow.invites.get(made.id),
            await uow.invites.get_by_code("CODE1"),
            *await uow.invites.list_open(),
        ]
        for invite in invites:
            _plain(invite, InviteRow)
        await uow.invites.expire(made.id)
        assert await uow.invites.list_open() == []
        assert await uow.invites.mark_used(made, world.person_id) is False


async def test_access_history_is_rows(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        await uow.access.record(
            person_id=world.person_id,
            action="grant",
            role="officer",
            unit_id=world.unit_id,
            unit_label="xa-an-binh",
            actor_id=None,
            actor_label="cli",
            reason="test",
            at=utcnow(),
        )
        (event,) = await uow.access.history(world.person_id)
        assert type(event) is AccessEventRow and event.actor_label == "cli"
