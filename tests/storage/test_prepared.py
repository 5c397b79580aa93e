"""Hot statements run straight on the loop-thread SQLite driver (storage/prepared.py): the
values read and written are exactly SQLAlchemy's, statements that need SQLAlchemy's execution
are left to it, driver errors come out as SQLAlchemy's, and a lock is waited for off the loop."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import prepared, sqlite_loop
from storage.models import Answer, Person
from storage.repositories.answers import _insert_answer
from storage.repositories.unit_items import unit_items_statement
from storage.uow import UnitOfWork
from tests.storage.seeded import (
    answer_values,
    check_hot_rows_are_sqlalchemys,
    check_undeclared_columns_refused,
    typed,
)
from tests.storage.seeded import seeded as _seeded
from tests.storage.sqlite_locks import hold_write_lock, ticks_while_locked

Sm = async_sessionmaker[AsyncSession]


async def test_rows_read_on_the_driver_are_sqlalchemys(sqlite_sm: Sm) -> None:
    await check_hot_rows_are_sqlalchemys(sqlite_sm, prepared.execute)


async def test_values_written_on_the_driver_read_back_through_sqlalchemy(sqlite_sm: Sm) -> None:
    ids = await _seeded(sqlite_sm)
    values = answer_values(ids)
    at = values["updated_at"]
    async with UnitOfWork(sqlite_sm) as uow:
        conn = await uow.session.connection()
        got = await prepared.execute(conn.sync_connection, _insert_answer("sqlite"), values)
        assert got is not None and isinstance(got.scalar(), int)
    async with UnitOfWork(sqlite_sm) as uow:
        t = Answer.__table__
        row = (await uow.session.execute(select(t).where(t.c.id == got.scalar()))).one()
    assert row.value == values["value"]
    assert row.points == Decimal("1.75") and isinstance(row.points, Decimal)
    assert row.updated_at == at and row.updated_at.tzinfo is not None


async def test_a_statement_with_per_execution_defaults_is_left_to_sqlalchemy(
    sqlite_sm: Sm,
) -> None:
    """people.created_at has a Python-side default (now), evaluated per execution: a plan
    compiled once would freeze it, so the driver path declines."""
    async with UnitOfWork(sqlite_sm) as uow:
        conn = await uow.session.connection()
        stmt = insert(Person.__table__)
        params = {"telegram_user_id": 9, "chat_id": 9, "full_name": "An"}
        assert await prepared.execute(conn.sync_connection, stmt, params) is None


async def test_a_driver_error_is_sqlalchemys_and_rolls_back(sqlite_sm: Sm) -> None:
    ids = await _seeded(sqlite_sm)
    values = {
        "unit_id": 999_999,  # no such unit: the foreign key refuses it
        "item_id": ids["item"],
        "source": "chat",
        "version": 1,
        "value": {"option": "day_du"},
        "points": Decimal("0.5"),
        "updated_by": ids["person"],
        "updated_at": datetime.now(UTC),
    }
    with pytest.raises(IntegrityError):
        async with UnitOfWork(sqlite_sm) as uow:
            await uow.conversations.store(ids["person"], {"mode": "changed"}, 1)
            conn = await uow.session.connection()
            await prepared.execute(conn.sync_connection, _insert_answer("sqlite"), values)
    async with UnitOfWork(sqlite_sm) as uow:
        hot = await uow.people.hot(7)
    assert hot is not None and hot.state["mode"] == "walk" and hot.state_version == 1


@pytest.mark.parametrize("read_only", [True, False], ids=["first-write-waits", "begin-waits"])
async def test_a_lock_is_waited_for_in_a_thread_while_the_loop_runs(
    sqlite_sm: Sm, tmp_path: Path, read_only: bool
) -> None:
    """A deferred transaction meets the other connection's write lock at its first write; the
    unit of work's own BEGIN IMMEDIATE (storage.loop_transaction) meets it at once. Either
    waits off the loop, then the update goes through."""
    ids = await _seeded(sqlite_sm)
    locks_before = sqlite_loop.HOPS["lock"]

    async def write() -> int | None:
        async with UnitOfWork(sqlite_sm, read_only=read_only) as uow:
            assert await uow.updates.claim(4242)
            return await uow.conversations.store(ids["person"], {"mode": "after"}, 1)

    version, ticks = await ticks_while_locked(tmp_path / "parbot.db", 0.3, write())
    assert version == 2
    assert sqlite_loop.HOPS["lock"] == locks_before + 1
    assert ticks >= 10, f"the loop stood still while waiting ({ticks} ticks)"
    async with UnitOfWork(sqlite_sm) as uow:
        hot = await uow.people.hot(7)
        assert not await uow.updates.claim(4242)  # committed with the state
    assert hot is not None and hot.state == {"mode": "after"}


async def test_a_begin_that_never_gets_the_lock_fails_and_leaves_nothing_open(
    sqlite_sm: Sm, tmp_path: Path
) -> None:
    await _seeded(sqlite_sm)
    engine = sqlite_sm.kw["bind"]
    async with engine.connect() as conn:  # the pooled connection learns the short timeout
        raw = await conn.get_raw_connection()
        raw.dbapi_connection.busy_timeout_ms = 200
    holder = hold_write_lock(tmp_path / "parbot.db", 1.0, write=None)
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            async with UnitOfWork(sqlite_sm) as uow:
                await uow.updates.claim(5151)
    finally:
        holder.join()
    async with UnitOfWork(sqlite_sm) as uow:  # the connection went back clean, and works
        assert await uow.updates.claim(5151)
    async with UnitOfWork(sqlite_sm) as uow:
        assert not await uow.updates.claim(5151)


def _answer_rows(ids: dict[str, int], units: list[int]) -> list[dict[str, Any]]:
    return [
        {
            "unit_id": unit_id,
            "item_id": ids["item"] + 1,
            "source": "import",
            "version": 1,
            "value": {"number": n, "note": "Đạt ✓"},
            "points": Decimal("0.25") * n,
            "updated_by": None,
            "updated_at": datetime(2024, 3, 16, 8, 30, n, tzinfo=UTC),
        }
        for n, unit_id in enumerate(units)
    ]


async def test_a_bulk_write_on_the_driver_is_one_executemany_listeners_see(
    sqlite_sm: Sm,
) -> None:
    """execute_many: SQLAlchemy's bind processors per value (read back through SQLAlchemy),
    one executemany the cursor listeners are told of, in a worker thread past 32 rows."""
    ids = await _seeded(sqlite_sm)
    seen: list[tuple[str, int, bool]] = []

    def listen(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        seen.append((sql.split()[0], len(params), many))

    engine = sqlite_sm.kw["bind"].sync_engine
    event.listen(engine, "before_cursor_execute", listen)
    bulk = sqlite_loop.HOPS["bulk"]
    rows = _answer_rows(ids, [ids["unit"]] * 40)
    try:
        async with UnitOfWork(sqlite_sm) as uow:
            conn = await uow.session.connection()
            await uow.session.execute(text("DELETE FROM answers"))
            stmt = _upsert_answer()
            assert await prepared.execute_many(conn.sync_connection, stmt, rows)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert ("INSERT", 40, True) in seen
    assert sqlite_loop.HOPS["bulk"] == bulk + 1
    async with UnitOfWork(sqlite_sm) as uow:
        t = Answer.__table__
        row = (await uow.session.execute(select(t))).one()
    last = rows[-1]
    assert row.value == last["value"] and row.points == last["points"]
    assert isinstance(row.points, Decimal) and row.updated_at == last["updated_at"]


def _upsert_answer() -> Any:
    """An executemany of answers to one (unit, item): the last row's values stay."""
    stmt = sqlite_insert(Answer.__table__)
    return stmt.on_conflict_do_update(
        index_elements=["unit_id", "item_id"],
        set_={c: stmt.excluded[c] for c in ("value", "points", "updated_at")},
    )


async def test_a_bulk_write_error_is_sqlalchemys_and_declined_statements_are_left(
    sqlite_sm: Sm,
) -> None:
    ids = await _seeded(sqlite_sm)
    rows = _answer_rows(ids, [ids["unit"], 999_999])  # no such unit: the foreign key refuses
    with pytest.raises(IntegrityError):
        async with UnitOfWork(sqlite_sm) as uow:
            conn = await uow.session.connection()
            await prepared.execute_many(conn.sync_connection, insert(Answer.__table__), rows)
    async with UnitOfWork(sqlite_sm) as uow:
        count = await uow.session.scalar(select(func.count()).select_from(Answer.__table__))
        assert count == 1  # the seeded answer only: nothing of the failed executemany
        conn = await uow.session.connection()
        people = [{"telegram_user_id": n, "chat_id": n, "full_name": "An"} for n in (8, 9)]
        # a per-execution default (created_at): left to SQLAlchemy, nothing run
        assert not await prepared.execute_many(
            conn.sync_connection, insert(Person.__table__), people
        )
        mixed = [rows[0], {k: v for k, v in rows[0].items() if k != "updated_by"}]
        assert not await prepared.execute_many(
            conn.sync_connection, insert(Answer.__table__), mixed
        )


async def test_a_read_started_in_a_thread_gives_the_rows_execute_gives(sqlite_sm: Sm) -> None:
    ids = await _seeded(sqlite_sm)
    params = {"unit_id": ids["unit"], "catalog_id": ids["catalog"]}
    overlapped = sqlite_loop.HOPS["overlapped"]
    async with UnitOfWork(sqlite_sm) as uow:
        conn = await uow.session.connection()
        expected = await prepared.execute(conn.sync_connection, unit_items_statement(), params)
        started = prepared.start(conn.sync_connection, unit_items_statement(), params)
        assert started is not None and expected is not None
        got = await started
    assert sqlite_loop.HOPS["overlapped"] == overlapped + 1
    assert typed(got.all()) == typed(expected.all()) and expected.all()


async def test_an_upsert_started_in_a_thread_writes_what_execute_many_writes(
    sqlite_sm: Sm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """start_values: the rows as multi-row statements of VALUES_ROWS rows (the last filled up
    with copies of its last row), in a worker thread the listeners are told of as one
    executemany; the same table as execute_many leaves, the switch interval as it was."""
    ids = await _seeded(sqlite_sm)
    monkeypatch.setattr(prepared, "VALUES_ROWS", 4)
    rows = [
        {**row, "item_id": ids["item"] + n}  # ten answers of one unit to ten items
        for n, row in enumerate(_answer_rows(ids, [ids["unit"]] * 10))
    ]
    t = Answer.__table__
    columns = [t.c.unit_id, t.c.item_id, t.c.value, t.c.points, t.c.updated_at, t.c.version]
    query = select(*columns).order_by(t.c.item_id)
    async with UnitOfWork(sqlite_sm) as uow:
        conn = await uow.session.connection()
        await uow.session.execute(text("DELETE FROM answers"))
        assert await prepared.execute_many(conn.sync_connection, _upsert_answer(), rows)
        expected = typed((await uow.session.execute(query)).all())
    seen: list[tuple[int, int, bool]] = []

    def listen(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        seen.append((sql.count("(?,"), len(params), many))

    engine = sqlite_sm.kw["bind"].sync_engine
    event.listen(engine, "before_cursor_execute", listen)
    overlapped = sqlite_loop.HOPS["overlapped"]
    interval = sys.getswitchinterval()
    try:
        async with UnitOfWork(sqlite_sm) as uow:
            conn = await uow.session.connection()
            await uow.session.execute(text("DELETE FROM answers"))
            started = prepared.start_values(conn.sync_connection, _upsert_answer(), _columns(rows))
            assert started is not None
            await started
            got = typed((await uow.session.execute(query)).all())
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert got == expected and len(got) == 10
    assert (4, 3, True) in seen  # three statements of four rows: 4 + 4 + 2 and two copies
    assert sqlite_loop.HOPS["overlapped"] == overlapped + 1
    assert sys.getswitchinterval() == interval


async def test_a_started_upsert_that_fails_is_sqlalchemys_and_others_are_declined(
    sqlite_sm: Sm, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await _seeded(sqlite_sm)
    monkeypatch.setattr(prepared, "VALUES_ROWS", 4)
    rows = _answer_rows(ids, [ids["unit"], ids["unit"] + 1000])  # no such unit: a foreign key
    with pytest.raises(IntegrityError):
        async with UnitOfWork(sqlite_sm) as uow:
            conn = await uow.session.connection()
            started = prepared.start_values(conn.sync_connection, _upsert_answer(), _columns(rows))
            assert started is not None
            await started
    async with UnitOfWork(sqlite_sm) as uow:
        count = await uow.session.scalar(select(func.count()).select_from(Answer.__table__))
        assert count == 1  # the seeded answer only
        conn = await uow.session.connection()
        people = [{"telegram_user_id": n, "chat_id": n, "full_name": "An"} for n in (8, 9)]
        uneven = {**_columns(rows), "source": ["import"]}
        declined = [
            (insert(Person.__table__), _columns(people)),  # a per-execution default
            (insert(Answer.__table__).returning(Answer.id), _columns(rows)),  # rows come back
            (_upsert_answer(), uneven),  # columns of different lengths
            (_upsert_answer(), _columns(rows[:0])),
        ]
        for stmt, columns in declined:
            assert prepared.start_values(conn.sync_connection, stmt, columns) is None


def _columns(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Rows of parameters column by column (what start_values takes)."""
    return {name: [r[name] for r in rows] for name in (rows[0] if rows else {})}


async def test_rows_from_a_statement_without_declared_columns_are_an_error(sqlite_sm: Sm) -> None:
    await check_undeclared_columns_refused(sqlite_sm, prepared.execute)
