"""How many SQL statements one officer update costs (issue 19: a lean hot path).

Counted with SQLAlchemy's ``before_cursor_execute`` on the real engine, on SQLite and
PostgreSQL, for the steps every officer repeats. ``delivered()`` (remembering where the new card
landed) is part of the step: its statements count too (usually none since the ids are written
behind, by the next update's state write or one flush for everybody: test_delivered_ids.py). Transaction control (BEGIN, COMMIT,
SAVEPOINT and RELEASE) is not a statement of the step's own; BEGIN is excluded by name, the rest
is emitted by the driver outside the cursor on both backends. On PostgreSQL, where every
statement is a round trip, the budget is tighter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from conversations.replies import Event
from tests.conversations.harness import Person, find_button, invite, make_engine

ANSWER_BUDGET = 7
READ_BUDGET = 4
# PostgreSQL: the card's items come with the person (the unit read last time), and the
# answer and its history go with the state write and COMMIT (one simple query)
PG_ANSWER_BUDGET = 3
PG_READ_BUDGET = 2


def budget(db, sqlite: int, postgres: int) -> int:
    return postgres if db.engine.dialect.name == "postgresql" else sqlite


@contextmanager
def counted(db) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):
            seen.append(statement)

    sync = db.engine.sync_engine
    event.listen(sync, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(sync, "before_cursor_execute", count)


async def step(p: Person, db, *, text: str | None = None, data: str | None = None) -> list[str]:
    """One update of ``p`` plus the delivery of its tagged replies, its statements counted."""
    p.counter[0] += 1
    if data is not None:
        ev = Event(
            p.counter[0],
            p.sender,
            kind="callback",
            callback_id="cb",
            callback_data=data,
            message_id=p.counter[0] + 500,
        )
    else:
        ev = Event.typed(p.counter[0], p.sender, text or "")
    with counted(db) as seen:
        out = await p.engine.handle(ev)
        assert out is not None
        sent = [(r.tag, 9000 + p.counter[0]) for r in out.replies if r.tag]
        await p.engine.delivered(ev, sent)
    p.last = out
    return seen


async def ready_officer(db, clock, person) -> Person:
    p = person(1001, "Lan")
    code = await invite(db, "X01", "officer", clock.now)
    await p.text(f"/start {code}")
    await p.text("/progress")  # warms the per-process caches
    await p.text("/score")  # the first card
    return p


def shown(seen: list[str]) -> str:
    return "\n".join(f"  {s[:160]}" for s in seen)


async def test_an_answer_on_a_choice_card(db, clock, person):
    p = await ready_officer(db, clock, person)
    seen = await step(p, db, data=find_button(p.last, "Đầy đủ nội dung"))
    assert "0,5 điểm" in p.reply.text
    print(f"\nchoice answer: {len(seen)} statements\n{shown(seen)}")
    assert len(seen) <= budget(db, ANSWER_BUDGET, PG_ANSWER_BUDGET), shown(seen)


async def test_a_typed_number_answer(db, clock, person):
    p = await ready_officer(db, clock, person)
    await p.text("/go 1.1.2")  # a ratio: numerator, then denominator
    await p.text("45")
    seen = await step(p, db, text="60")
    assert "45/60" in p.reply.text
    print(f"\ntyped answer: {len(seen)} statements\n{shown(seen)}")
    assert len(seen) <= budget(db, ANSWER_BUDGET, PG_ANSWER_BUDGET), shown(seen)


async def test_read_only_steps(db, clock, person):
    p = await ready_officer(db, clock, person)
    seen = await step(p, db, text="/progress")
    print(f"\n/progress: {len(seen)} statements\n{shown(seen)}")
    assert len(seen) <= budget(db, READ_BUDGET, PG_READ_BUDGET), shown(seen)
    seen = await step(p, db, text="/score")
    print(f"\n/score (the open card again): {len(seen)} statements\n{shown(seen)}")
    assert len(seen) <= budget(db, READ_BUDGET, PG_READ_BUDGET), shown(seen)


async def test_the_first_card_after_start_in_a_new_process(db, clock, person):
    """The engine knows nothing of the officer yet (a restarted process, or the benchmark's
    fresh officers): on PostgreSQL the card's items still come with the person (their own
    unit's), so the first card costs no extra round trip."""
    await ready_officer(db, clock, person)
    fresh = Person(make_engine(db, clock), 1001, "Lan")
    try:
        await step(fresh, db, text="/start")
        seen = await step(fresh, db, text="/score")
    finally:
        await fresh.engine.close()
    assert fresh.reply.tag is not None and fresh.reply.tag.startswith("card:")
    print(f"\nfirst /score after /start: {len(seen)} statements\n{shown(seen)}")
    items_alone = [s for s in seen if s.lstrip().startswith("SELECT catalog_items.code")]
    if db.engine.dialect.name == "postgresql":
        assert items_alone == [], shown(seen)
    assert len(seen) <= budget(db, READ_BUDGET, PG_READ_BUDGET + 1), shown(seen)  # + the state
