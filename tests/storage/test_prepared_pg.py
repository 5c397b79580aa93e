"""Hot statements run straight on asyncpg inside SQLAlchemy's transaction
(storage/prepared_pg.py): the values read and written are exactly SQLAlchemy's, they share one
transaction with SQLAlchemy's and the ORM's statements (commit and rollback), errors come out
as SQLAlchemy's, and a connection that died is replaced, not reused."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import pg_statements, prepared_pg, sql_literals
from storage.db import make_engine, make_sessionmaker
from storage.errors import OUTAGES
from storage.models import Answer, Person
from storage.repositories.answers import _insert_answer
from storage.repositories.base import VersionConflict
from storage.repositories.updates import _fenced_claim_sql
from storage.uow import UnitOfWork
from tests.storage.seeded import (
    answer_values,
    check_hot_rows_are_sqlalchemys,
    check_undeclared_columns_refused,
    seeded,
)

pytestmark = pytest.mark.postgres
Sm = async_sessionmaker[AsyncSession]


@pytest.fixture
async def pg_sm(pg_server) -> AsyncIterator[Sm]:  # type: ignore[no-untyped-def]
    """A migrated PostgreSQL database with a pool of two connections."""
    name = pg_server.next_name()
    url = await pg_server.create(name, pg_server.template)
    engine = make_engine(url, pool_size=2, max_overflow=0)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()
        await pg_server.drop(name)


async def _answers(sm: Sm) -> list[Any]:
    async with UnitOfWork(sm) as uow:
        t = Answer.__table__
        return list((await uow.session.execute(select(t).order_by(t.c.id))).all())


async def test_rows_read_on_asyncpg_are_sqlalchemys(pg_sm: Sm) -> None:
    await check_hot_rows_are_sqlalchemys(pg_sm, prepared_pg.execute)


async def test_values_written_on_asyncpg_read_back_through_sqlalchemy(pg_sm: Sm) -> None:
    ids = await seeded(pg_sm)
    values = answer_values(ids)
    async with UnitOfWork(pg_sm) as uow:
        conn = await uow.connection()
        stmt = _insert_answer("postgresql")
        got = await prepared_pg.execute(conn.sync_connection, stmt, values)  # type: ignore[arg-type]
        assert got is not None and isinstance(got.scalar(), int) and got.rowcount == 1
        again = await prepared_pg.execute(conn.sync_connection, stmt, values)  # type: ignore[arg-type]
        assert again is not None and again.all() == [] and again.rowcount == 0  # ON CONFLICT
    row = next(r for r in await _answers(pg_sm) if r.id == got.scalar())
    assert row.value == values["value"]
    assert row.points == Decimal("1.75") and isinstance(row.points, Decimal)
    assert row.updated_at == values["updated_at"] and row.updated_at.tzinfo is not None


@pytest.mark.parametrize("orm_first", [True, False], ids=["orm-first", "driver-first"])
@pytest.mark.parametrize("commit", [True, False], ids=["commit", "rollback"])
async def test_asyncpg_and_orm_statements_share_one_transaction(
    pg_sm: Sm, orm_first: bool, commit: bool
) -> None:
    ids = await seeded(pg_sm)
    before = await _answers(pg_sm)

    class Undo(Exception):
        pass

    async def orm_write(uow: UnitOfWork) -> None:
        uow.session.add(Person(telegram_user_id=99, chat_id=99, full_name="Trần Văn B"))
        await uow.flush()

    async def driver_write(uow: UnitOfWork) -> None:
        conn = await uow.connection()
        got = await prepared_pg.execute(
            conn.sync_connection,  # type: ignore[arg-type]
            _insert_answer("postgresql"),
            answer_values(ids),
        )
        assert got is not None and got.rowcount == 1

    try:
        async with UnitOfWork(pg_sm) as uow:
            for write in (orm_write, driver_write) if orm_first else (driver_write, orm_write):
                await write(uow)
            if not commit:
                raise Undo
    except Undo:
        pass
    async with UnitOfWork(pg_sm) as uow:
        orm_person = await uow.people.hot(99)
    after = await _answers(pg_sm)
    if commit:
        assert orm_person is not None and len(after) == len(before) + 1
    else:
        assert orm_person is None and after == before


async def test_an_asyncpg_error_is_sqlalchemys_and_rolls_back(pg_sm: Sm) -> None:
    ids = await seeded(pg_sm)
    with pytest.raises(IntegrityError):  # no such unit: the foreign key refuses it
        async with UnitOfWork(pg_sm) as uow:
            await uow.conversations.store(ids["person"], {"mode": "changed"}, 1)
            conn = await uow.connection()
            await prepared_pg.execute(
                conn.sync_connection,  # type: ignore[arg-type]
                _insert_answer("postgresql"),
                answer_values(ids, unit_id=999_999),
            )
    async with UnitOfWork(pg_sm) as uow:  # the connection went back clean and serves again
        hot = await uow.people.hot(7)
    assert hot is not None and hot.state["mode"] == "walk" and hot.state_version == 1


async def _terminated(pg_sm: Sm, uow: UnitOfWork, pg_server: Any) -> None:
    """Kill the server process of ``uow``'s connection (mid-transaction)."""
    conn = await uow.connection()
    pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    await pg_server.execute(f"SELECT pg_terminate_backend({pid})")
    await asyncio.sleep(0.1)


@pytest.mark.parametrize("where", ["statement", "commit"])
async def test_a_connection_killed_mid_transaction_is_an_outage_and_replaced(
    pg_sm: Sm, pg_server: Any, where: str
) -> None:
    ids = await seeded(pg_sm)
    with pytest.raises(OUTAGES) as raised:
        async with UnitOfWork(pg_sm) as uow:
            await uow.people.hot(7)  # on asyncpg: the transaction is open
            await _terminated(pg_sm, uow, pg_server)
            if where == "statement":
                await uow.people.hot(7)
    if where == "statement":
        assert isinstance(raised.value, DBAPIError) and raised.value.connection_invalidated
    for n in range(3):  # every connection the pool hands out next works
        async with UnitOfWork(pg_sm) as uow:
            hot = await uow.people.hot(7)
            assert hot is not None
            await uow.conversations.store(ids["person"], {"mode": f"after {n}"}, hot.state_version)
    async with UnitOfWork(pg_sm) as uow:
        hot = await uow.people.hot(7)
    assert hot is not None and hot.state["mode"] == "after 2"


async def test_a_connection_over_the_pool_size_is_closed_cleanly(
    pg_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Units of work at once beyond the pool's size: the connections the pool cannot keep are
    closed (through SQLAlchemy, which awaits asyncpg), the others go back without a greenlet."""
    name = pg_server.next_name()
    engine = make_engine(await pg_server.create(name, pg_server.template), pool_size=1)
    sm = make_sessionmaker(engine)
    try:
        await seeded(sm)
        gate = asyncio.Event()

        async def read() -> None:
            async with UnitOfWork(sm) as uow:
                assert await uow.people.hot(7) is not None
                await gate.wait()  # all of them hold a connection at once

        tasks = [asyncio.create_task(read()) for _ in range(4)]
        await asyncio.sleep(0.3)
        assert engine.pool.checkedout() == 4  # type: ignore[attr-defined]
        gate.set()
        await asyncio.gather(*tasks)
        pool = engine.pool
        assert pool.checkedout() == 0 and pool.checkedin() == 1  # type: ignore[attr-defined]
        closing = [r for r in caplog.records if "closing connection" in r.getMessage()]
        assert closing == [] and not [r for r in caplog.records if r.levelname == "ERROR"]
    finally:
        await engine.dispose()
        await pg_server.drop(name)


async def _claimed(sm: Sm) -> list[int]:
    async with UnitOfWork(sm) as uow:
        rows = await uow.session.execute(text("SELECT update_id FROM processed_updates"))
        return sorted(r[0] for r in rows)


@pytest.mark.parametrize("orm_first", [False, True], ids=["claim-first", "session-first"])
async def test_the_fenced_claim_begins_the_transaction_and_shares_it(
    pg_sm: Sm, orm_first: bool
) -> None:
    """The claim sent with BEGIN (or, when the session began first, inside its transaction):
    committed with what follows, rolled back with it, and a second claim of the id is refused."""
    ids = await seeded(pg_sm)

    class Undo(Exception):
        pass

    for update_id, undo in ((501, True), (502, False)):
        try:
            async with UnitOfWork(pg_sm) as uow:
                if orm_first:
                    await uow.session.execute(text("SELECT 1"))
                assert await uow.updates.claim(update_id, fence=(7, ids["person"]))
                hot = await uow.people.hot(7)
                assert hot is not None
                await uow.conversations.store(
                    hot.person.id, {"mode": f"u{update_id}"}, hot.state_version
                )
                if undo:
                    raise Undo
        except Undo:
            pass
    assert await _claimed(pg_sm) == [502]
    async with UnitOfWork(pg_sm) as uow:
        assert not await uow.updates.claim(502, fence=(7, ids["person"]))
        hot = await uow.people.hot(7)
    assert hot is not None and hot.state["mode"] == "u502"


async def test_a_claim_that_fails_inside_its_transaction_is_rolled_back(pg_server: Any) -> None:
    """The fence cannot be had (another transaction holds it past lock_timeout): the claim's
    error is SQLAlchemy's, the transaction it began is rolled back, the connection serves on."""
    name = pg_server.next_name()
    url = await pg_server.create(name, pg_server.template)
    engine = make_engine(
        url, pool_size=1, max_overflow=0, connect_args={"server_settings": {"lock_timeout": "200"}}
    )
    holder = make_engine(url, pool_size=1, max_overflow=0)
    sm = make_sessionmaker(engine)
    try:
        async with holder.connect() as other:
            await other.execute(text("SELECT pg_advisory_xact_lock(7, 42)"))
            with pytest.raises(OUTAGES):
                async with UnitOfWork(sm) as uow:
                    await uow.updates.claim(601, fence=(7, 42))
            await other.rollback()
        async with UnitOfWork(sm) as uow:  # the one pooled connection, clean again
            assert await uow.updates.claim(602, fence=(7, 42))
        assert await _claimed(sm) == [602]
    finally:
        await holder.dispose()
        await engine.dispose()
        await pg_server.drop(name)


async def test_rows_from_a_statement_without_declared_columns_are_an_error(pg_sm: Sm) -> None:
    await check_undeclared_columns_refused(pg_sm, prepared_pg.execute)


def test_the_claim_written_into_sql_takes_a_plain_timestamp_only() -> None:
    """BEGIN and the claim go as one simple query with the values written in: only integers
    and an ISO timestamp get there, whatever object claims to be a datetime."""

    class Sly(datetime):
        def isoformat(self, *args: Any, **kwargs: Any) -> str:
            return "2024-01-01T00:00:00+00:00'::timestamptz; DROP TABLE people; --"

    at = datetime(2024, 3, 16, 8, 30, 15, 123456, tzinfo=UTC)
    sql = _fenced_claim_sql(7, 42, 9001, at)
    assert (
        sql == "EXECUTE parbot_claim(7, 42, 9001, '2024-03-16T08:30:15.123456+00:00'::timestamptz)"
    )
    with pytest.raises(ValueError, match="not an ISO timestamp"):
        _fenced_claim_sql(7, 42, 9001, Sly(2024, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="naive"):
        _fenced_claim_sql(7, 42, 9001, datetime(2024, 1, 1))
    with pytest.raises(ValueError):
        _fenced_claim_sql(7, "42); DROP TABLE people; --", 9001, at)  # type: ignore[arg-type]


# --------------------------------------------- the last state write goes with COMMIT (issue 19)

HOSTILE_STATE = {
    "mode": "walk",
    "note": 'O\'Brien \\ "quoted" $w$ $$ ; COMMIT; -- Đầy đủ ✓ 🙂',
}


async def _claim(uow: UnitOfWork, update_id: int) -> None:
    """The update's claim, as the engine begins every update's transaction (BEGIN with it)."""
    assert await uow.updates.claim(update_id, fence=(1, 7))


async def _stored(sm: Sm) -> tuple[dict[str, Any], int | None]:
    async with UnitOfWork(sm) as uow:
        hot = await uow.people.hot(7)
    assert hot is not None
    return hot.state, hot.state_version


async def test_the_last_state_write_is_sent_with_commit_and_stored_exactly(pg_sm: Sm) -> None:
    ids = await seeded(pg_sm)
    async with UnitOfWork(pg_sm) as uow:
        await _claim(uow, 501)
        hot = await uow.people.hot(7)
        assert hot is not None and hot.state_version == 1
        version = await uow.conversations.store(ids["person"], HOSTILE_STATE, 1, last=True)
        assert version == 2
        assert len(uow._with_commit) == 1  # kept: nothing sent before COMMIT
    assert await _stored(pg_sm) == (HOSTILE_STATE, 2)
    assert 501 in set(await _claimed(pg_sm))


async def test_a_version_moved_meanwhile_fails_the_commit_and_nothing_is_committed(
    pg_sm: Sm,
) -> None:
    ids = await seeded(pg_sm)
    with pytest.raises(VersionConflict) as conflict:
        async with UnitOfWork(pg_sm) as uow:
            await _claim(uow, 502)
            assert (hot := await uow.people.hot(7)) is not None and hot.state_version == 1
            async with UnitOfWork(pg_sm) as other:  # the pool's other connection saves first
                await other.conversations.store(ids["person"], {"mode": "other"}, 1)
            await uow.conversations.store(ids["person"], HOSTILE_STATE, 1, last=True)
    assert "O'Brien" not in str(conflict.value)  # the officer's text stays out of the logs
    assert await _stored(pg_sm) == ({"mode": "other"}, 2)
    assert 502 not in set(await _claimed(pg_sm))  # the claim went with the failed commit
    for update_id in (503, 504):  # both connections went back clean and serve again
        async with UnitOfWork(pg_sm) as uow:
            await _claim(uow, update_id)
            hot = await uow.people.hot(7)
            assert hot is not None
            await uow.conversations.store(
                ids["person"], {"n": update_id}, hot.state_version, last=True
            )
    assert await _stored(pg_sm) == ({"n": 504}, 4) and {503, 504} <= set(await _claimed(pg_sm))


async def test_without_the_claims_transaction_the_write_runs_at_once(pg_sm: Sm) -> None:
    ids = await seeded(pg_sm)
    async with UnitOfWork(pg_sm) as uow:
        assert await uow.conversations.store(ids["person"], HOSTILE_STATE, 1, last=True) == 2
        assert uow._with_commit == []  # no transaction begun by the claim: sent now
        assert (hot := await uow.people.hot(7)) is not None and hot.state_version == 2
    assert await _stored(pg_sm) == (HOSTILE_STATE, 2)


async def test_no_statement_may_follow_the_write_kept_for_commit(pg_sm: Sm) -> None:
    ids = await seeded(pg_sm)
    with pytest.raises(RuntimeError, match="after the write kept for COMMIT"):
        async with UnitOfWork(pg_sm) as uow:
            await _claim(uow, 505)
            await uow.conversations.store(ids["person"], HOSTILE_STATE, 1, last=True)
            await uow.people.hot(7)
    assert await _stored(pg_sm) == ({"mode": "walk", "note": "Đầy đủ ✓"}, 1)
    assert 505 not in set(await _claimed(pg_sm))


def test_dollar_quoting_picks_a_tag_the_text_does_not_hold() -> None:
    assert sql_literals.dollar_quoted("a'b") == "$w$a'b$w$"
    quoted = sql_literals.dollar_quoted("x $w$ y $ww$")
    assert quoted == "$www$x $w$ y $ww$$www$"


HOSTILE_VALUE = {"note": 'O\'Brien \\ "x" $w$ $$ ; COMMIT; -- Đầy đủ ✓ 🙂', "n": [1, 2.5, None]}


async def _another_item(sm: Sm, ids: dict[str, int]) -> tuple[str, int]:
    """An item of the seeded unit without an answer: (code, id)."""
    async with UnitOfWork(sm) as uow:
        items = await uow.catalogs.items_by_code(ids["catalog"])
    return next((code, row.id) for code, row in sorted(items.items()) if code != "1.1.1.a")


async def _claimed_and_answered(
    uow: UnitOfWork, update_id: int, ids: dict[str, int], item: int, before: Any
) -> int | None:
    """An update's claim, its read and an answer's save (HOSTILE_VALUE over ``before``); the
    state version it read."""
    await _claim(uow, update_id)
    hot = await uow.people.hot(7)
    assert hot is not None
    await uow.answers.save_seen(before, ids["unit"], item, HOSTILE_VALUE, 1, ids["person"], "chat")
    return hot.state_version


async def _answer_and_history(sm: Sm, ids: dict[str, int], item: int) -> tuple[Any, list[Any]]:
    async with UnitOfWork(sm) as uow:
        answer = await uow.answers.get(ids["unit"], item)
        history = await uow.answers.history(ids["unit"], item)
    return answer, history


async def test_an_answer_goes_with_the_state_write_and_commit_and_is_stored_exactly(
    pg_sm: Sm,
) -> None:
    """A new answer, then a changed one: each kept (no statement sent for it before COMMIT)
    and sent with the state's write and COMMIT; values, points and history read back as
    SQLAlchemy wrote them on the prepared path."""
    ids = await seeded(pg_sm)
    _, item = await _another_item(pg_sm, ids)
    statements: list[str] = []
    async with UnitOfWork(pg_sm) as uow:
        await _claim(uow, 511)
        hot = await uow.people.hot(7)
        assert hot is not None
        with _counted(pg_sm, statements):
            row, prev = await uow.answers.save_seen(
                None, ids["unit"], item, HOSTILE_VALUE, Decimal("1.25"), ids["person"], "chat"
            )
            assert row.id is None and prev is None and row.version == 1
            assert len(uow._with_commit) == 1 and statements == []  # kept
            await uow.conversations.store(ids["person"], {"n": 1}, hot.state_version, last=True)
            assert statements == []
        assert len(uow._with_commit) == 2
    answer, history = await _answer_and_history(pg_sm, ids, item)
    assert (answer.value, answer.points, answer.version) == (HOSTILE_VALUE, Decimal("1.25"), 1)
    assert [(h.old_value, h.new_value, h.new_points, h.source) for h in history] == [
        (None, HOSTILE_VALUE, Decimal("1.25"), "chat")
    ]
    assert await _stored(pg_sm) == ({"n": 1}, 2) and 511 in set(await _claimed(pg_sm))
    async with UnitOfWork(pg_sm) as uow:
        await _claim(uow, 512)
        hot = await uow.people.hot(7)
        assert hot is not None
        row, prev = await uow.answers.save_seen(
            answer, ids["unit"], item, {"option": "b"}, 2, ids["person"], "chat"
        )
        assert (row.id, prev, row.version) == (answer.id, 1, 2)
        await uow.conversations.store(ids["person"], {"n": 2}, hot.state_version, last=True)
    answer, history = await _answer_and_history(pg_sm, ids, item)
    assert (answer.value, answer.points, answer.version) == ({"option": "b"}, Decimal(2), 2)
    assert [(h.old_value, h.new_value, h.old_points) for h in history][1:] == [
        (HOSTILE_VALUE, {"option": "b"}, Decimal("1.25"))
    ]


@pytest.mark.parametrize("then", ["core", "orm"])
async def test_a_statement_after_a_kept_answer_sends_it_first(pg_sm: Sm, then: str) -> None:
    """A later statement, prebuilt (Core) or the ORM session's (made after the answer was
    kept), sees the answer: the kept write is sent first, never reordered or dropped."""
    ids = await seeded(pg_sm)
    code, item = await _another_item(pg_sm, ids)
    async with UnitOfWork(pg_sm) as uow:
        await _claim(uow, 513)
        await uow.answers.save_seen(
            None, ids["unit"], item, {"option": "a"}, 1, ids["person"], "chat"
        )
        assert len(uow._with_commit) == 1
        if then == "core":
            seen = (await uow.answers.unit_items(ids["unit"], ids["catalog"])).answers[code]
        else:
            seen = await uow.answers.get(ids["unit"], item)
        assert uow._with_commit == []  # sent before the read, which sees it
        assert seen is not None and seen.value == {"option": "a"}
        await uow.outbox.enqueue("k", 7, {"text": "x"}, person=ids["person"])
    answer, history = await _answer_and_history(pg_sm, ids, item)
    assert answer.value == {"option": "a"} and len(history) == 1


async def test_a_kept_answer_that_fails_before_an_orm_statement_is_a_conflict(pg_sm: Sm) -> None:
    ids = await seeded(pg_sm)
    before, _ = await _answer_and_history(pg_sm, ids, ids["item"])
    with pytest.raises(VersionConflict):
        async with UnitOfWork(pg_sm) as uow:
            await _claim(uow, 515)
            await uow.answers.save_seen(
                before, ids["unit"], ids["item"], {"option": "a"}, 1, ids["person"], "chat"
            )
            async with UnitOfWork(pg_sm) as other:
                await other.answers.set_answer(
                    ids["unit"], ids["item"], {"option": "other"}, 0, None, "chat"
                )
            await uow.people.get(ids["person"])  # the ORM session's first statement
    answer, _ = await _answer_and_history(pg_sm, ids, ids["item"])
    assert answer.value == {"option": "other"} and 515 not in set(await _claimed(pg_sm))


@pytest.mark.parametrize("existing", [False, True], ids=["new-answer", "changed-answer"])
async def test_an_answer_changed_before_the_commit_commits_nothing(
    pg_sm: Sm, existing: bool
) -> None:
    """Another officer of the unit saves the same item between this update's read and its
    COMMIT: the guard fails, nothing of the update is committed (answer, history, state,
    claim) and the conflict comes out for the engine to handle the update again."""
    ids = await seeded(pg_sm)
    item = ids["item"] if existing else (await _another_item(pg_sm, ids))[1]
    before, history_before = await _answer_and_history(pg_sm, ids, item)
    with pytest.raises(VersionConflict):
        async with UnitOfWork(pg_sm) as uow:
            version = await _claimed_and_answered(uow, 514, ids, item, before)
            async with UnitOfWork(pg_sm) as other:  # the pool's other connection
                await other.answers.set_answer(
                    ids["unit"], item, {"option": "other"}, 0, None, "chat"
                )
            await uow.conversations.store(ids["person"], {"n": 1}, version, last=True)
    answer, history = await _answer_and_history(pg_sm, ids, item)
    assert answer.value == {"option": "other"}
    assert len(history) == len(history_before) + 1 and history[-1].new_value == {"option": "other"}
    assert await _stored(pg_sm) == ({"mode": "walk", "note": "Đầy đủ ✓"}, 1)
    assert 514 not in set(await _claimed(pg_sm))


@contextlib.contextmanager
def _counted(sm: Sm, into: list[str]) -> Iterator[None]:
    """Every statement SQLAlchemy's cursor listeners see meanwhile is noted in ``into``."""
    engine = sm.kw["bind"].sync_engine

    def note(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        into.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", note)


# ------------------------------- named statements, prepared once per connection (issue 19)


async def test_the_writes_with_begin_and_commit_execute_the_connections_named_statements(
    pg_sm: Sm,
) -> None:
    """Prepared the first time a connection begins an update's transaction, then only
    EXECUTEd: every update on either pooled connection sends ``EXECUTE parbot_…``, and each
    connection holds the statements once."""
    ids = await seeded(pg_sm)
    code, item = await _another_item(pg_sm, ids)
    statements: list[str] = []
    with _counted(pg_sm, statements):
        for update_id in (521, 522, 523, 524):
            async with UnitOfWork(pg_sm) as uow, UnitOfWork(pg_sm) as second:
                await _claim(uow, update_id)
                # the pool's other connection, another person's fence
                assert await second.updates.claim(update_id + 100, fence=(1, 8))
                hot = await uow.people.hot(7)
                assert hot is not None
                read = await uow.answers.unit_items(ids["unit"], ids["catalog"])
                before = read.answers.get(code)
                await uow.answers.save_seen(
                    before, ids["unit"], item, {"n": update_id}, 1, ids["person"], "chat"
                )
                await uow.conversations.store(
                    ids["person"], {"n": update_id}, hot.state_version, last=True
                )
    claims = [s for s in statements if "processed_updates" in s or "parbot_claim" in s]
    assert len(claims) == 8 and all(s.startswith("EXECUTE parbot_claim(") for s in claims)
    writes = [s for s in statements if any(w in s for w in ("parbot_answer", " answers ("))]
    assert writes[0].startswith("EXECUTE parbot_answer_new(") and len(writes) == 4
    assert all(w.startswith("EXECUTE parbot_answer_seen(") for w in writes[1:])
    assert all("EXECUTE parbot_state(" in w for w in writes)
    names = []
    async with UnitOfWork(pg_sm) as uow, UnitOfWork(pg_sm) as other:
        for each in (uow, other):
            rows = await each.session.execute(text("SELECT name FROM pg_prepared_statements"))
            names.append(sorted(n for (n,) in rows if n.startswith("parbot_")))
    expected = ["parbot_answer_new", "parbot_answer_seen", "parbot_claim", "parbot_state"]
    assert sorted(n.name for n in pg_statements.registered()) == expected
    assert names == [expected] * 2
    answer, history = await _answer_and_history(pg_sm, ids, item)
    assert answer.value == {"n": 524} and len(history) == 4
    assert await _stored(pg_sm) == ({"n": 524}, 5)


async def test_a_connection_that_cannot_prepare_them_sends_every_statement_the_ordinary_way(
    pg_sm: Sm, caplog: pytest.LogCaptureFixture
) -> None:
    ids = await seeded(pg_sm)
    _, item = await _another_item(pg_sm, ids)
    engine = pg_sm.kw["bind"]
    async with engine.connect() as conn:  # both pooled connections: a name already taken
        async with engine.connect() as other:
            for each in (conn, other):
                await each.exec_driver_sql("PREPARE parbot_state AS SELECT 1")
                each.sync_connection.connection.info.pop(pg_statements.PREPARED_KEY, None)
            await other.commit()
        await conn.commit()
    statements: list[str] = []
    with _counted(pg_sm, statements):
        async with UnitOfWork(pg_sm) as uow:
            version = await _claimed_and_answered(uow, 531, ids, item, None)
            assert uow._with_commit == []  # not kept: sent at once
            await uow.conversations.store(ids["person"], {"n": 1}, version, last=True)
    assert "named statements not prepared" in caplog.text
    assert not any(s.startswith("EXECUTE") for s in statements)
    assert any(s.startswith("WITH fence AS") for s in statements)  # the ordinary claim
    answer, history = await _answer_and_history(pg_sm, ids, item)
    assert answer.value == HOSTILE_VALUE and len(history) == 1
    assert await _stored(pg_sm) == ({"n": 1}, 2) and 531 in set(await _claimed(pg_sm))
