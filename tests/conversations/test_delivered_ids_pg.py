"""The write-behind flush of message ids on PostgreSQL (conversations/delivered_ids.py) never
waits for a person's update in flight: that person is skipped (their update saves the state),
everybody else is written, and nobody's fence is held while the flush waits."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from bot.app import Database
from conversations.replies import Event
from storage.db import make_engine as make_db_engine
from storage.person_locks import advisory_key
from tests.conversations.harness import Clock, Person, make_engine, officer

pytestmark = pytest.mark.postgres


async def _cards(db: Database, user_id: int) -> dict[str, int]:
    async with db.uow() as uow:
        hot = await uow.people.hot(user_id)
    assert hot is not None
    return dict(hot.state.get("cards", {}))


async def test_a_person_with_an_update_in_flight_is_skipped_not_waited_for(pg_db: Database) -> None:
    clock = Clock()
    engine = make_engine(pg_db, clock)
    engine.unwritten.flush_after = 60  # flushed by hand below
    try:
        people = [
            await officer(
                pg_db, clock, lambda uid, name, lang: Person(engine, uid, name, lang), user_id=u
            )
            for u in (930, 931)
        ]
        for i, p in enumerate(people):
            await p.text("/score 1.2")
            assert p.reply.tag == "card:1.2"
            await engine.delivered(Event(0, p.sender, "text"), [("card:1.2", 600 + i)])
        busy = make_db_engine(str(pg_db.engine.url.render_as_string(hide_password=False)))
        try:
            async with busy.connect() as other:  # person 930's update, in flight elsewhere
                ns, key = advisory_key(930)
                await other.execute(text(f"SELECT pg_advisory_xact_lock({ns}, {key})"))
                await asyncio.wait_for(engine.unwritten.flush(), 5)  # was: waited for it
                assert await _cards(pg_db, 931) == {"1.2": 601}
                await other.rollback()
        finally:
            await busy.dispose()
        assert await _cards(pg_db, 930) == {}  # that update saves the state: it wins
    finally:
        await engine.close()
