"""A small seeded database and the checks both driver paths must pass (storage/prepared.py on
SQLite, storage/prepared_pg.py on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Integer, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conversations import assessment as A
from scoring.catalog import sample_catalog_paths
from storage.repositories.people import _HOT
from storage.repositories.unit_items import unit_items_statement
from storage.repositories.units import _HEADER_BY_ID
from storage.uow import UnitOfWork

DriverExecute = Callable[[Any, Any, dict[str, Any]], Awaitable[Any]]
"""``prepared.execute`` or ``prepared_pg.execute``: (SQLAlchemy connection, statement, params)."""


async def seeded(sm: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """A catalog, a unit, a person with a state and one answer; their ids."""
    async with UnitOfWork(sm) as uow:
        await A.import_catalog(uow, sample_catalog_paths()["xa-mau-2024"].read_text("utf-8"), 2024)
        await A.import_units(uow, "code,name,board\nX01,UBND xã A,commune\n", 2024)
        period = await uow.periods.get_by_year(2024)
        assert period is not None
        unit = await uow.units.get_by_code(period.id, "X01")
        assert unit is not None
        person = await uow.people.upsert(7, 7, "Nguyễn Thị Lan")
        await uow.conversations.store(person.id, {"mode": "walk", "note": "Đầy đủ ✓"}, None)
        items = await uow.catalogs.items_by_code(unit.catalog_id)
        item_id = items["1.1.1.a"].id
        await uow.answers.save_seen(
            None, unit.id, item_id, {"option": "day_du"}, Decimal("0.5"), person.id, "chat"
        )
        return {"unit": unit.id, "catalog": unit.catalog_id, "person": person.id, "item": item_id}


def typed(rows: Any) -> list[list[tuple[type, Any]]]:
    return [[(type(v), v) for v in row] for row in rows]


async def check_hot_rows_are_sqlalchemys(
    sm: async_sessionmaker[AsyncSession], execute: DriverExecute
) -> None:
    """The hot reads on the driver give SQLAlchemy's rows: values, types and column names."""
    ids = await seeded(sm)
    cases = [
        (_HOT, {"telegram_user_id": 7}),  # JSON state, UTC datetimes
        (unit_items_statement(), {"unit_id": ids["unit"], "catalog_id": ids["catalog"]}),
        (_HEADER_BY_ID, {"unit_id": ids["unit"]}),  # ORM columns, literals, LIMIT/OFFSET
    ]
    async with UnitOfWork(sm) as uow:
        conn = await uow.connection()
        for stmt, params in cases:
            expected = (await conn.execute(stmt, params)).all()
            got = await execute(conn.sync_connection, stmt, params)
            assert got is not None, "the hot statement must run on the driver"
            assert expected, "the case must read something"
            assert typed(got.all()) == typed(expected)
            assert got.all()[0]._fields == tuple(expected[0]._fields)


async def check_undeclared_columns_refused(
    sm: async_sessionmaker[AsyncSession], execute: DriverExecute
) -> None:
    """A text() read must declare its columns (``.columns()``): its rows are never dropped."""
    async with UnitOfWork(sm) as uow:
        conn = await uow.connection()
        with pytest.raises(TypeError, match="declares no columns"):
            await execute(conn.sync_connection, text("SELECT 1 AS one"), {})
        typed_text = text("SELECT 1 AS one").columns(one=Integer)
        got = await execute(conn.sync_connection, typed_text, {})
        assert got is not None and got.all() == [(1,)]


def answer_values(ids: dict[str, int], **changes: Any) -> dict[str, Any]:
    """The parameters of a new answer on the item after the seeded one: JSON with non-ASCII
    text, Decimal points, a UTC timestamp with microseconds (``changes`` override)."""
    values: dict[str, Any] = {
        "unit_id": ids["unit"],
        "item_id": ids["item"] + 1,
        "source": "chat",
        "version": 1,
        "value": {"numerator": 45, "denominator": 50, "note": "Đạt 90%"},
        "points": Decimal("1.75"),
        "updated_by": ids["person"],
        "updated_at": datetime(2024, 3, 16, 8, 30, 15, 123456, tzinfo=UTC),
    }
    return values | changes
