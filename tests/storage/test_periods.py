"""Periods, catalogs and units: a new year never disturbs an earlier one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import ItemSpec
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from conftest import World

SM = async_sessionmaker[AsyncSession]


async def test_second_period_leaves_first_alone(
    sessionmaker: SM, world: World, world_factory: Callable[..., Awaitable[World]]
) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        await uow.answers.set_answer(
            world.unit_id, world.items["1.1.1"], {"option": "co"}, "0.5", world.person_id, "chat"
        )
    # same catalog code and unit codes again, for 2025 (communes are per period)
    later = await world_factory(year=2025)
    assert later.period_id != world.period_id
    assert later.unit_id != world.unit_id
    assert set(later.items.values()).isdisjoint(world.items.values())
    async with UnitOfWork(sessionmaker) as uow:
        # replace the 2025 catalog with a revised one: 1.1.2 dropped, 1.1.3 added
        catalog = await uow.catalogs.get(later.catalog_id)
        assert catalog is not None
        await uow.catalogs.replace(
            catalog.id,
            "Bộ chỉ số xã 2025 (sửa đổi)",
            ["commune"],
            "catalog: xa-2025\n",
            items=[
                ItemSpec("1", "Công tác chỉ đạo", "1.25", is_leaf=False),
                ItemSpec("1.1.1", "Kế hoạch CCHC", "0.5", parent_code="1", kind="choice"),
                ItemSpec("1.1.3", "Báo cáo CCHC", "0.75", parent_code="1", kind="date"),
            ],
        )
    async with UnitOfWork(sessionmaker) as uow:
        # 2024 is untouched
        old_items = await uow.catalogs.items_by_code(world.catalog_id)
        assert list(old_items) == ["1", "1.1.1", "1.1.2"]
        assert old_items["1"].max_points == Decimal("1.5")
        old_catalog = await uow.catalogs.get(world.catalog_id)
        assert old_catalog is not None and old_catalog.title == "Bộ chỉ số xã 2024"
        assert [u.code for u in await uow.units.list_for_period(world.period_id)] == [
            "xa-an-binh",
            "xa-binh-an",
        ]
        answers = await uow.answers.list_for_unit(world.unit_id)
        assert answers["1.1.1"].value == {"option": "co"}
        assert await uow.answers.list_for_unit(later.unit_id) == {}
        # 2025 was revised in place: 1.1.1 kept its id
        new_items = await uow.catalogs.items_by_code(later.catalog_id)
        assert list(new_items) == ["1", "1.1.1", "1.1.3"]
        assert new_items["1.1.1"].id == later.items["1.1.1"]
        assert new_items["1"].max_points == Decimal("1.25")
        assert (await uow.catalogs.get_by_code(later.period_id, "xa-2025")) is not None
        assert (await uow.catalogs.for_board(later.period_id, "commune")).id == later.catalog_id  # type: ignore[union-attr]
        assert await uow.catalogs.for_board(later.period_id, "department") is None
        assert [p.year for p in await uow.periods.list_all()] == [2024, 2025]
        assert (await uow.periods.latest()).year == 2025  # type: ignore[union-attr]


async def test_replacing_catalog_cannot_drop_answered_items(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        await uow.answers.set_answer(
            world.unit_id, world.items["1.1.2"], {"num": "1", "den": "2"}, "0", None, "chat"
        )
    with pytest.raises(IntegrityError):
        async with UnitOfWork(sessionmaker) as uow:
            catalog = await uow.catalogs.get(world.catalog_id)
            assert catalog is not None
            await uow.catalogs.replace(
                catalog.id,
                "x",
                ["commune"],
                "y",
                items=[
                    ItemSpec("1", "Công tác chỉ đạo", "0.5", is_leaf=False),
                    ItemSpec("1.1.1", "Kế hoạch CCHC", "0.5", parent_code="1", kind="choice"),
                ],
            )
    async with UnitOfWork(sessionmaker) as uow:
        assert list(await uow.catalogs.items_by_code(world.catalog_id)) == ["1", "1.1.1", "1.1.2"]


async def test_unique_codes_per_period(sessionmaker: SM, world: World) -> None:
    with pytest.raises(IntegrityError):
        async with UnitOfWork(sessionmaker) as uow:
            await uow.units.create(world.period_id, "xa-an-binh", "trùng mã", "commune")
    with pytest.raises(IntegrityError):
        async with UnitOfWork(sessionmaker) as uow:
            await uow.catalogs.create(world.period_id, "xa-2024", "trùng", ["commune"], "x")
    with pytest.raises(IntegrityError):
        async with UnitOfWork(sessionmaker) as uow:
            await uow.periods.create(2024, "trùng năm")
    with pytest.raises(IntegrityError):  # boards is a foreign key
        async with UnitOfWork(sessionmaker) as uow:
            await uow.units.create(world.period_id, "huyen", "Huyện", "district")


async def test_units_and_catalog_links(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        dept = await uow.units.create(world.period_id, "so-noi-vu", "Sở Nội vụ", "department")
        catalog = await uow.catalogs.create(
            world.period_id, "so-2024", "Bộ chỉ số sở", ["department"], "catalog: so-2024\n"
        )
        assert catalog.sha256 and len(catalog.sha256) == 64
        assert await uow.units.set_catalog_for_board(world.period_id, "department", catalog.id) == 1
        assert dept.catalog_id is None  # a returned row is a value: read the unit again
        assert (await uow.units.get(dept.id)).catalog_id == catalog.id  # type: ignore[union-attr]
        assert [u.code for u in await uow.units.list_for_period(world.period_id, "department")] == [
            "so-noi-vu"
        ]
        assert (await uow.units.get_by_code(world.period_id, "so-noi-vu")).id == dept.id  # type: ignore[union-attr]
        period = await uow.periods.get(world.period_id)
        assert period is not None and period.published_at is None
        period = await uow.periods.publish(period.id)
        assert period.published_at is not None
