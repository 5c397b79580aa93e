"""A small seeded database for the driver-path tests (storage/prepared.py, prepared_pg.py)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conversations import assessment as A
from scoring.catalog import sample_catalog_paths
from storage.uow import UnitOfWork


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
