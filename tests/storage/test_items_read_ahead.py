"""The unit's items read with the person (issue 19: one round trip less per officer step).

``PersonRepository.hot(..., items_of=(unit, catalog))`` reads the unit's items in the same
statement on PostgreSQL and the unit of work hands them to ``AnswerRepository.unit_items`` —
only for that (unit, catalog), once, and never after anything that may write. Statements are
counted with SQLAlchemy's ``before_cursor_execute`` (the direct driver paths fire it too)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories.rows import UnitItems
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from conftest import World

SM = async_sessionmaker[AsyncSession]
TG = 1001  # the world's officer


@contextmanager
def counted(sm: SM) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith("BEGIN"):
            seen.append(statement)

    sync = sm.kw["bind"].sync_engine
    event.listen(sync, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(sync, "before_cursor_execute", count)


async def filled(sm: SM, world: World) -> UnitItems:
    """Something in each of the five sources, and two roles; what a plain read returns."""
    one, two = world.items["1.1.1"], world.items["1.1.2"]
    async with UnitOfWork(sm) as uow:
        await uow.people.grant(world.person_id, "officer", world.unit_id)
        await uow.people.grant(world.person_id, "leader", world.unit_id)
        await uow.answers.set_answer(
            world.unit_id, one, {"option": "co"}, Decimal("0.5"), world.person_id, "chat"
        )
        await uow.answers.set_explanation(world.unit_id, one, "Đã ban hành <b>", world.person_id)
        await uow.answers.set_explanation(world.unit_id, two, "Chưa có số liệu", world.person_id)
        await uow.evidence.add(
            world.unit_id, two, "ab" * 32, "qd.pdf", 10, "application/pdf", "signed_intact"
        )
        await uow.appraisals.set_appraisal(world.unit_id, two, "adjusted", points="0.125")
        await uow.survey.set_points(world.unit_id, two, "0.75")
    async with UnitOfWork(sm) as uow:
        return await uow.answers.unit_items(world.unit_id, world.catalog_id)


@pytest.mark.parametrize("guess", ["last-unit", "own-unit"])
async def test_the_items_read_with_the_person_are_the_items(
    sessionmaker: SM, world: World, guess: str
) -> None:
    """``last-unit``: the unit the engine saw read last; ``own-unit``: no guess yet (the first
    card after /start), the statement reads the person's first unit role's unit and its
    catalog."""
    expected = await filled(sessionmaker, world)
    assert set(expected.answers) == {"1.1.1"} and set(expected.explanations) == {"1.1.1", "1.1.2"}
    assert (expected.evidence_counts, expected.survey) == ({"1.1.2": 1}, {"1.1.2": Decimal("0.75")})
    key = (world.unit_id, world.catalog_id)
    guessed = {"items_of": key} if guess == "last-unit" else {"own_unit": True}
    async with UnitOfWork(sessionmaker) as uow:
        plain = await uow.people.hot(TG)
    async with UnitOfWork(sessionmaker) as uow:
        with counted(sessionmaker) as seen:
            hot = await uow.people.hot(TG, **guessed)  # type: ignore[arg-type]
            got = await uow.answers.unit_items(*key)
        assert uow.items_read == key
    assert hot == plain and hot is not None and [r.role for r in hot.roles] == ["officer", "leader"]
    assert got == expected
    postgres = sessionmaker.kw["bind"].dialect.name == "postgresql"
    assert len(seen) == (1 if postgres else 2), seen  # SQLite: no round trip to save, ignored


async def test_the_own_unit_is_the_first_unit_role_and_none_without_one(
    sessionmaker: SM, world: World
) -> None:
    await filled(sessionmaker, world)
    async with UnitOfWork(sessionmaker) as uow:
        second = await uow.people.upsert(TG + 1, TG + 1, "Trần Thị B")
        await uow.people.grant(second, "officer", world.other_unit_id)
        await uow.people.grant(second, "officer", world.unit_id)
        admin = await uow.people.upsert(TG + 2, TG + 2, "Lê Văn C")
        await uow.people.grant(admin, "admin")
    for tg, unit in ((TG + 1, world.other_unit_id), (TG + 2, None)):
        async with UnitOfWork(sessionmaker) as uow:
            await uow.people.hot(tg, own_unit=True)
            ahead = uow._items_ahead
        if sessionmaker.kw["bind"].dialect.name != "postgresql":
            assert ahead is None  # SQLite: nothing is read ahead
        elif unit is None:
            assert ahead is None, ahead  # no unit role: nothing to guess
        else:
            assert ahead is not None and ahead[0] == (unit, world.catalog_id)
            assert ahead[1] == UnitItems({}, {}, {})  # the other unit has nothing yet


async def test_a_write_or_another_unit_reads_again(sessionmaker: SM, world: World) -> None:
    await filled(sessionmaker, world)
    key = (world.unit_id, world.catalog_id)
    one = world.items["1.1.1"]
    async with UnitOfWork(sessionmaker) as uow:
        await uow.people.hot(TG, items_of=key)
        before = await uow.answers.unit_items(*key)  # taken from the read ahead
        await uow.people.hot(TG, items_of=key)
        saved, _ = await uow.answers.save_seen(
            before.answers["1.1.1"],
            world.unit_id,
            one,
            {"option": "khong"},
            Decimal(0),
            None,
            "chat",
        )
        with counted(sessionmaker) as seen:
            after = await uow.answers.unit_items(*key)
        assert len(seen) == 1 and after.answers["1.1.1"] == saved  # the write is seen
        await uow.people.hot(TG, items_of=key)
        with counted(sessionmaker) as seen:
            other = await uow.answers.unit_items(world.other_unit_id, world.catalog_id)
            again = await uow.answers.unit_items(*key)  # a wrong guess is dropped, not kept
        assert len(seen) == 2 and other == UnitItems({}, {}, {})
        assert again == after


async def test_the_orm_drops_what_was_read_ahead(sessionmaker: SM, world: World) -> None:
    await filled(sessionmaker, world)
    key = (world.unit_id, world.catalog_id)
    async with UnitOfWork(sessionmaker) as uow:
        await uow.people.hot(TG, items_of=key)
        await uow.answers.set_answer(
            world.unit_id, world.items["1.1.2"], {"num": 1, "den": 2}, Decimal("0.5"), None, "chat"
        )  # through the ORM session
        got = await uow.answers.unit_items(*key)
    assert set(got.answers) == {"1.1.1", "1.1.2"}


async def test_an_unknown_person_keeps_nothing(sessionmaker: SM, world: World) -> None:
    await filled(sessionmaker, world)
    key = (world.unit_id, world.catalog_id)
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.people.hot(TG + 1, items_of=key) is None
        with counted(sessionmaker) as seen:
            await uow.answers.unit_items(*key)
    assert len(seen) == 1


def test_only_a_select_that_writes_nothing_keeps_the_read_ahead() -> None:
    from sqlalchemy import select, text

    from storage.models import Unit
    from storage.repositories.answer_sql import saved_with_history
    from storage.repositories.answers import _update_seen
    from storage.repositories.base import reads_only
    from storage.repositories.people import _HOT, _hot_with_items
    from storage.repositories.unit_items import unit_items_statement

    assert reads_only(_HOT) and reads_only(unit_items_statement())
    assert reads_only(_hot_with_items(True)) and reads_only(_hot_with_items(False))
    assert reads_only(select(Unit.__table__))
    assert not reads_only(saved_with_history(True))  # a SELECT whose WITH inserts
    assert not reads_only(saved_with_history(False))
    assert not reads_only(_update_seen())
    assert not reads_only(text("SELECT 1"))  # unknown text: it may write
