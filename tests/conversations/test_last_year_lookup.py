"""The walk card's "last year" line looks up the periods once per process while nothing about
the periods changed (conversations/yearover_chat.py): a first-year deployment reads no periods
for the first card of every other unit, and a year added later is seen at once."""

from __future__ import annotations

from sqlalchemy import event

from tests.conversations.harness import officer


async def periods_read_by(db, p, text: str) -> int:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        if "FROM periods" in statement:
            seen.append(statement)

    sync = db.engine.sync_engine
    event.listen(sync, "before_cursor_execute", count)
    try:
        await p.text(text)
    finally:
        event.remove(sync, "before_cursor_execute", count)
    return len(seen)


async def test_no_earlier_year_is_remembered_for_the_next_unit(db, clock, person):
    a = await officer(db, clock, person, unit="X01", user_id=801)
    b = await officer(db, clock, person, unit="X02", user_id=802)
    assert await periods_read_by(db, a, "/score 1.1.1.a") > 0  # this process's first look
    assert await periods_read_by(db, b, "/score 1.1.1.a") == 0
    assert "1.1.1.a ·" in b.reply.text


async def test_a_year_added_later_is_looked_up_again(db, clock, person):
    a = await officer(db, clock, person, unit="X01", user_id=811)
    b = await officer(db, clock, person, unit="X02", user_id=812)
    assert await periods_read_by(db, a, "/score 1.1.1.a") > 0
    async with db.uow() as uow:
        await uow.periods.create(2023, "Năm 2023")  # the database's header revision moves
    assert await periods_read_by(db, b, "/score 1.1.1.a") > 0
