"""Where the live cards landed is written behind the replies (conversations/delivered_ids.py):
by the person's next update, or by one flush for everybody shortly after — never over a state
saved since, and on a graceful stop."""

from __future__ import annotations

import asyncio

from sqlalchemy import event

from conversations.replies import Event
from tests.conversations.harness import make_engine, officer


async def stored_cards(db, user_id: int) -> dict[str, int]:
    async with db.uow() as uow:
        hot = await uow.people.hot(user_id)
    assert hot is not None
    return dict(hot.state.get("cards", {}))


async def card_shown(p, code: str) -> str:
    await p.text(f"/score {code}")
    assert p.reply.tag == f"card:{code}"
    return p.reply.tag


async def test_ids_reach_the_database_in_one_flush_for_everybody(db, clock, person, engine):
    engine.unwritten.flush_after = 60  # the flush is run by hand below
    people = [await officer(db, clock, person, user_id=900 + i) for i in range(3)]
    transactions: list[object] = []
    sync = db.engine.sync_engine

    def began(conn) -> None:
        transactions.append(conn)

    event.listen(sync, "begin", began)
    try:
        tags = [await card_shown(p, "1.2") for p in people]
        transactions.clear()
        for i, (p, tag) in enumerate(zip(people, tags, strict=True)):
            await engine.delivered(Event(0, p.sender, "text"), [(tag, 700 + i)])
        assert transactions == [], "delivered() itself writes nothing"
        for p in people:  # not there yet
            assert await stored_cards(db, p.user_id) == {}
        transactions.clear()
        await engine.unwritten.flush()
        assert len(transactions) == 1, "one flush transaction for the three people"
    finally:
        event.remove(sync, "begin", began)
    for i, p in enumerate(people):
        assert await stored_cards(db, p.user_id) == {"1.2": 700 + i}
    # a restarted process (a new engine) edits the card where it landed
    again = make_engine(db, clock)
    p = people[0]
    p.engine = again
    await p.text("4")
    assert [r for r in p.last.replies if r.edit_message_id == 700]


async def test_the_flush_runs_by_itself_shortly_after(db, clock, person, engine):
    engine.unwritten.flush_after = 0.05
    p = await officer(db, clock, person, user_id=905)
    tag = await card_shown(p, "1.2")
    await engine.delivered(Event(0, p.sender, "text"), [(tag, 888)])
    await asyncio.wait_for(engine.unwritten.flushed(), 30)
    assert await stored_cards(db, 905) == {"1.2": 888}


async def test_the_next_update_writes_them_before_any_flush(db, clock, person, engine):
    engine.unwritten.flush_after = 60
    p = await officer(db, clock, person, user_id=910)
    tag = await card_shown(p, "1.2")
    await engine.delivered(Event(0, p.sender, "text"), [(tag, 777)])
    await p.text("4")  # the card above is edited in place, and the ids are written now
    assert [r for r in p.last.replies if r.edit_message_id == 777]
    assert (await stored_cards(db, 910))["1.2"] == 777


async def test_a_state_saved_elsewhere_meanwhile_is_not_overwritten(db, clock, person, engine):
    engine.unwritten.flush_after = 60
    p = await officer(db, clock, person, user_id=920)
    tag = await card_shown(p, "1.2")
    await engine.delivered(Event(0, p.sender, "text"), [(tag, 555)])
    other = make_engine(db, clock)  # another worker handles the person's next update
    p.engine = other
    await p.text("/score 1.3")
    after_other = await stored_cards(db, 920)
    await engine.close()  # the stale ids are flushed: they must lose
    assert await stored_cards(db, 920) == after_other
    assert after_other.get("1.2") != 555


async def test_a_graceful_stop_writes_them_at_once(db, clock, person, engine):
    engine.unwritten.flush_after = 60
    p = await officer(db, clock, person, user_id=930)
    tag = await card_shown(p, "1.2")
    await engine.delivered(Event(0, p.sender, "text"), [(tag, 321)])
    await engine.close()
    assert await stored_cards(db, 930) == {"1.2": 321}
