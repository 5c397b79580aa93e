"""Issue 13: the plan's and the messaging's repositories hand out plain frozen rows, never ORM
objects, and change the database only through their write methods (by id)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import models as m
from storage.repositories.rows import PersonRow
from storage.repositories.rows_plan import (
    AskedRow,
    BroadcastRow,
    MilestoneRow,
    OutboxRow,
    SectionRow,
)
from storage.types import utcnow
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from conftest import World

SM = async_sessionmaker[AsyncSession]


def assert_plain_value(row: object, cls: type) -> None:
    """``row`` is the frozen dataclass ``cls`` and nothing of the ORM."""
    assert type(row) is cls and not isinstance(row, m.Base)
    assert dataclasses.is_dataclass(row) and type(row).__dataclass_params__.frozen  # type: ignore[attr-defined]


def assert_plain(row: object, cls: type) -> None:
    """As :func:`assert_plain_value`, and its ``id`` cannot be changed behind the repository."""
    assert_plain_value(row, cls)
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.id = 0  # type: ignore[attr-defined]


async def test_milestones_are_rows(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        made = await uow.milestones.upsert(
            world.period_id, "sa", "Tự đánh giá", "self_assessment", date(2024, 3, 15)
        )
        assert_plain(made, MilestoneRow)
        again = await uow.milestones.upsert(
            world.period_id, "sa", "Tự đánh giá", "self_assessment", date(2024, 3, 16)
        )
        assert again.id == made.id and again.due_end == date(2024, 3, 16)
    async with UnitOfWork(sessionmaker) as uow:
        got = await uow.milestones.get(world.period_id, "sa")
        assert got == again  # what upsert returned is what is stored
        for row in [
            got,
            *await uow.milestones.list_for_period(world.period_id),
            *await uow.milestones.due_between(date(2024, 1, 1), date(2024, 12, 31)),
        ]:
            assert_plain(row, MilestoneRow)
        assert await uow.milestones.set_reminder_days(world.period_id, "sa", [5, 0])
        assert not await uow.milestones.set_reminder_days(world.period_id, "nope", [1])
    async with UnitOfWork(sessionmaker) as uow:
        stored = await uow.milestones.get(world.period_id, "sa")
        assert stored is not None and stored.reminder_days == [5, 0]
        # a re-import in the same unit of work replaces everything, the days included
        await uow.milestones.set_reminder_days(world.period_id, "sa", None)
        await uow.milestones.upsert(
            world.period_id, "sa", "T", "self_assessment", date(2024, 3, 16), reminder_days=[2]
        )
        stored = await uow.milestones.get(world.period_id, "sa")
        assert stored is not None and stored.reminder_days == [2] and stored.title == "T"


async def test_plan_text_rows(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        await uow.plan_text.replace_sections(world.period_id, [("I.1", "Mục đích", ["Câu."])])
        await uow.plan_text.record_question(world.period_id, world.person_id, "Hỏi?", "x")
    async with UnitOfWork(sessionmaker) as uow:
        (section,) = await uow.plan_text.sections(world.period_id)
        assert_plain_value(section, SectionRow)
        assert section == SectionRow("I.1", "Mục đích", ("Câu.",))
        (asked,) = await uow.plan_text.questions(world.period_id)
        assert_plain_value(asked, AskedRow)
        assert (asked.text, asked.outcome, asked.asker) == ("Hỏi?", "x", "Nguyễn Văn A")


async def test_broadcasts_and_outbox_are_rows(sessionmaker: SM, world: World) -> None:
    now = utcnow()
    async with UnitOfWork(sessionmaker) as uow:
        await uow.people.grant(world.person_id, "officer", world.unit_id)
        bc = await uow.broadcasts.create(world.person_id, "Họp", "all", world.period_id)
        assert_plain(bc, BroadcastRow)
        await uow.broadcasts.confirm(bc.id, now)
        ((unit_id, person),) = await uow.broadcasts.unit_people([world.unit_id])
        assert unit_id == world.unit_id and type(person) is PersonRow
        await uow.outbox.enqueue("bc:1", 5, {"text": "Họp"}, person=person, broadcast_id=bc.id)
    async with UnitOfWork(sessionmaker) as uow:
        got = await uow.broadcasts.get(bc.id)
        assert got is not None and got.confirmed_at == now
        assert got == dataclasses.replace(bc, confirmed_at=now)
        for b in [got, *await uow.broadcasts.list_recent()]:
            assert_plain(b, BroadcastRow)
        rows = [
            await uow.outbox.get_by_key("bc:1"),
            *await uow.outbox.list_for_broadcast(bc.id),
            *await uow.outbox.claim_due(now + timedelta(seconds=1)),
        ]
        for row in rows:
            assert_plain(row, OutboxRow)
        assert row is not None and row.status == "sending" and row.person_id == world.person_id
        assert await uow.outbox.get(row.id) == row
        assert await uow.outbox.mark_sent(row.id, 77, now)
    async with UnitOfWork(sessionmaker) as uow:
        sent = await uow.outbox.get(row.id)
        assert sent is not None and (sent.status, sent.telegram_message_id) == ("sent", 77)
