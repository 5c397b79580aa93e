"""Issue 13: the catalog area's repositories (periods, catalogs, results, publications, years)
return plain rows, never ORM objects, and write through explicit methods taking ids."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields, is_dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from conversations import snapshot
from scoring.catalog import sample_catalog_paths
from storage.models import Base
from storage.repositories.catalogs import sha256_text
from storage.repositories.rows import PeriodRow, UnitRow
from storage.repositories.rows_catalog import (
    AuditRow,
    CatalogItemRow,
    CatalogRow,
    Snapshot,
    SnapshotUnit,
    StoredMapping,
    StoredResult,
)
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from conftest import World

SM = async_sessionmaker[AsyncSession]
AT = datetime(2024, 12, 1, 3, 0, tzinfo=UTC)


def plain(obj: Any, cls: type) -> None:
    """``obj`` is exactly a ``cls`` row: a frozen dataclass, not an ORM instance."""
    assert type(obj) is cls, type(obj)
    assert is_dataclass(obj) and not isinstance(obj, Base)
    name = fields(obj)[0].name
    with pytest.raises(FrozenInstanceError):
        setattr(obj, name, getattr(obj, name))


async def test_periods_return_period_rows(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        made = await uow.periods.create(2030, "Chỉ số CCHC năm 2030")
        plain(made, PeriodRow)
        got = [
            await uow.periods.get(world.period_id),
            await uow.periods.get_by_year(2024),
            await uow.periods.latest(),
            *await uow.periods.list_all(),
        ]
        for row in got:
            plain(row, PeriodRow)
        assert [p.year for p in got] == [2024, 2024, 2030, 2024, 2030]
        published = await uow.periods.publish(made.id, AT)
        plain(published, PeriodRow)
        assert published.published_at == AT and made.published_at is None  # a new row
    async with UnitOfWork(sessionmaker) as uow:
        stored = await uow.periods.get(made.id)
        assert stored is not None and stored.published_at == AT
        reopened = await uow.periods.unpublish(made.id)
        assert reopened.published_at is None
    async with UnitOfWork(sessionmaker) as uow:
        assert (await uow.periods.get_by_year(2030)).published_at is None  # type: ignore[union-attr]


async def test_catalogs_return_catalog_and_item_rows(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        got = [
            await uow.catalogs.get(world.catalog_id),
            await uow.catalogs.get_by_code(world.period_id, "xa-2024"),
            await uow.catalogs.for_board(world.period_id, "commune"),
            *await uow.catalogs.list_for_period(world.period_id),
        ]
        for row in got:
            plain(row, CatalogRow)
        assert {c.id for c in got} == {world.catalog_id}
        items = await uow.catalogs.items(world.catalog_id)
        for item in [
            *items,
            *(await uow.catalogs.items_by_code(world.catalog_id)).values(),
            await uow.catalogs.item(world.catalog_id, "1.1.1"),
            await uow.catalogs.get_item(world.items["1.1.1"]),
        ]:
            plain(item, CatalogItemRow)
        assert [i.code for i in items] == ["1", "1.1.1", "1.1.2"]
        assert items[0].max_points == Decimal("1.5")
        row = got[0]
        assert row is not None
        row.boards.append("department")  # a copy: the stored catalog is not touched
    async with UnitOfWork(sessionmaker) as uow:
        again = await uow.catalogs.get(world.catalog_id)
        assert again is not None and again.boards == ["commune"]


async def test_catalog_writes_take_ids(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        made = await uow.catalogs.create(world.period_id, "nhanh", "Ngành", ["branch"], "a: 1\n")
        plain(made, CatalogRow)
        replaced = await uow.catalogs.replace(made.id, "Ngành (sửa)", ["branch"], "a: 2\n", [])
        plain(replaced, CatalogRow)
        assert replaced.title == "Ngành (sửa)" and replaced.sha256 != made.sha256
    async with UnitOfWork(sessionmaker) as uow:
        await uow.catalogs.delete(made.id)
    async with UnitOfWork(sessionmaker) as uow:
        assert await uow.catalogs.get(made.id) is None
        with pytest.raises(LookupError):
            await uow.catalogs.delete(made.id)


async def test_results_return_unit_rows(sessionmaker: SM, world: World) -> None:
    async with UnitOfWork(sessionmaker) as uow:
        pairs = await uow.results.units_with_results(world.period_id)
        assert {u.id for u, _ in pairs} == {world.unit_id, world.other_unit_id}
        for unit, stored in pairs:
            plain(unit, UnitRow)
            plain(stored, StoredResult)


async def test_publications_and_years_return_rows(sessionmaker: SM, world: World) -> None:
    unit = SnapshotUnit(
        None, "xa-cu", "Xã cũ", "commune", "xa-2024", "submitted", Decimal("70"), Decimal("70"),
        Decimal("70"), 1, 1, 1, 1, 3, "Tốt", None, "full", "{}", {},
    )  # fmt: skip
    async with UnitOfWork(sessionmaker) as uow:
        snap = await uow.publications.create(
            world.period_id, [unit], catalogs=[], missing={}, forced=False, reason=None, by=None
        )
        await uow.publications.record(
            world.period_id, "publish", publication_id=snap.id, by=None, reason=None, at=AT
        )
        for row in [snap, await uow.publications.current(world.period_id)]:
            plain(row, Snapshot)
        plain((await uow.publications.units(snap.id))[0], SnapshotUnit)
        plain((await uow.publications.history(world.period_id))[0], AuditRow)
        await uow.years.set_mapping(world.period_id, world.period_id, "map: {}\n")
        plain(await uow.years.mapping(world.period_id), StoredMapping)


async def test_a_unit_deleted_since_publication_stands_as_published(
    sessionmaker: SM, world: World
) -> None:
    """A published unit whose row is gone (``unit_id`` NULL) reads back as a plain UnitRow
    with its published code, name and board."""
    yaml = sample_catalog_paths()["xa-mau-2024"].read_text(encoding="utf-8")
    gone = SnapshotUnit(
        None, "xa-cu", "Xã cũ", "commune", "xa-mau-2024", "submitted", Decimal("70"),
        Decimal("60"), Decimal("80"), 1, 1, 1, 1, 3, "Tốt", None, "full", "{}", {},
    )  # fmt: skip
    entry = {
        "code": "xa-mau-2024",
        "sha256": sha256_text(yaml),
        "boards": ["commune"],
        "yaml": yaml,
    }
    async with UnitOfWork(sessionmaker) as uow:
        period = await uow.periods.get(world.period_id)
        assert period is not None
        await uow.publications.create(
            period.id, [gone], catalogs=[entry], missing={}, forced=False, reason=None, by=None
        )
        [row] = await snapshot.published_standings(uow, period, None) or []
    plain(row.unit, UnitRow)
    assert (row.unit.id, row.unit.code, row.unit.name, row.unit.board) == (
        0,
        "xa-cu",
        "Xã cũ",
        "commune",
    )
    assert row.official and row.ranked.rank == 1 and row.ranked.entry.index == Decimal("70")
