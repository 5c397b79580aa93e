"""Seeding for the evidence-pack tests: stored files straight into the database and store."""

from __future__ import annotations

import asyncio

from storage.db import make_engine, make_sessionmaker
from storage.files import EvidenceStore
from storage.uow import UnitOfWork


def seed_evidence(db_url: str, store: EvidenceStore, files: list[tuple[str, str, str]]) -> None:
    """(unit, item, original name) → one stored file each (content from the name)."""

    async def go() -> None:
        engine = make_engine(db_url)
        try:
            async with UnitOfWork(make_sessionmaker(engine)) as uow:
                period = await uow.periods.get_by_year(2024)
                for n, (unit_code, item_code, name) in enumerate(files):
                    unit = await uow.units.get_by_code(period.id, unit_code)
                    items = await uow.catalogs.items_by_code(unit.catalog_id)
                    data = b"%PDF-1.7 " + f"{n} {unit_code}/{item_code}/{name}".encode()
                    sha, _ = store.put(data)
                    await uow.evidence.add(
                        unit.id,
                        items[item_code].id,
                        sha,
                        name,
                        len(data),
                        "application/pdf",
                        "unsigned",
                        pages=1,
                    )
        finally:
            await engine.dispose()

    asyncio.run(go())
