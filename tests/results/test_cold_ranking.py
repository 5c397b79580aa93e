"""The cold ranking (no stored summaries: every unit re-scored from its answers grouped by
value, scoring.bulk), the warm one (stored summaries), re-scoring a few stale units one by one
and the pure domain scorer give the same standings, on SQLite and PostgreSQL, for a generated
catalog with every answer kind and rule (tests/scoring/generated.py)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import sqlalchemy as sa

from bot.app import Database
from conversations import assessment as A
from scoring.catalog_loader import load_catalog
from storage import models as m
from tests.results.helpers import PHONG, without_locale
from tests.scoring import generated

UNITS = 2 * A.BULK_FROM + 5  # enough stale units for the bulk path


async def _seed(db: Database) -> None:
    rnd = random.Random(19)
    cat = generated.catalog("zero")
    lines = ["code,name,board,tags"]
    for n in range(1, UNITS + 1):
        tags = ";".join(sorted(generated.tags(rnd)))
        lines.append(f"X{n:03d},UBND xã {n},commune,{tags}")
    async with db.uow() as uow:
        await A.import_catalog(uow, generated.catalog_yaml("zero"), 2024)
        await A.import_units(uow, "\n".join(lines) + "\n", 2024)
        period = await A.get_period(uow, 2024)
        units = await uow.units.list_for_period(period.id)
        items = await uow.catalogs.items_by_code(units[0].catalog_id)
        rows = []
        for unit in units:
            for code, text in generated.stored_texts(cat, rnd).items():
                try:
                    value = json.loads(text)
                except ValueError:
                    continue  # the database stores JSON; unreadable JSON is the pure test's
                rows.append(
                    {
                        "unit_id": unit.id,
                        "item_id": items[code].id,
                        "value": value,
                        "points": None,
                        "updated_at": datetime.now(UTC),
                        "source": "import",
                        "version": 1,
                    }
                )
            for code, pts in generated.appraised(cat, rnd).items():
                await uow.appraisals.set_appraisal(unit.id, items[code].id, "adjusted", pts)
            if unit.code != "X001":  # X001 never has survey points: zero-filled ('zero')
                for code, pts in generated.survey(cat, rnd).items():
                    await uow.survey.set_points(unit.id, items[code].id, pts)
        await uow.session.execute(sa.insert(m.Answer.__table__), rows)
        await _moved_unit(uow, rnd)


async def _moved_unit(uow, rnd: random.Random) -> None:
    """D01 answered on the department catalog, then moved to the commune board: its answers
    are on the other catalog's items and count by item code (never through the grouped
    answers of the commune catalog)."""
    await A.import_catalog(uow, without_locale(PHONG), 2024)
    await A.import_units(uow, "code,name,board\nD01,Phòng Nội vụ,department\n", 2024)
    period = await A.get_period(uow, 2024)
    unit = await uow.units.get_by_code(period.id, "D01")
    phong = await uow.catalogs.items_by_code(unit.catalog_id)
    for code, text in generated.stored_texts(load_catalog(without_locale(PHONG)), rnd).items():
        if text.startswith("{") and text != "{}":
            await uow.answers.set_answer(
                unit.id, phong[code].id, json.loads(text), None, None, "import"
            )
    xa = await uow.units.get_by_code(period.id, "X001")
    unit.board, unit.catalog_id = "commune", xa.catalog_id


def _view(standings: list[A.Standing]) -> list[tuple[object, ...]]:
    return [
        (
            s.unit.board,
            s.unit.code,
            s.ranked.rank,
            s.ranked.of,
            s.ranked.best_rank,
            s.ranked.worst_rank,
            s.basis,
            s.result,
        )
        for s in standings
    ]


async def _standings(db: Database) -> list[tuple[object, ...]]:
    async with db.uow() as uow:
        return _view(await A.standings(uow, 2024))


async def test_cold_warm_one_by_one_and_domain_standings_are_identical(db: Database) -> None:
    await _seed(db)
    cold = await _standings(db)  # nothing stored yet: every unit through scoring.bulk
    assert len(cold) == UNITS + 1  # and the moved D01
    warm = await _standings(db)  # read back from the stored summaries
    assert warm == cold
    async with db.uow() as uow:  # a few stale units: re-scored one by one
        await uow.session.execute(
            sa.text("UPDATE units SET results_rev = results_rev + 1 WHERE code < 'X006'")
        )
    assert await _standings(db) == cold
    async with db.uow() as uow:  # and the pure domain, unit by unit, from ORM rows
        for s in await A.standings(uow, 2024):
            pair = await A.unit_result(uow, s.unit)
            assert pair is not None
            assert pair[1].summary() == s.result, s.unit.code
    bases = {row[6] for row in cold}
    assert bases == {"full", "zero"}, bases  # X001 ranked with its survey points as 0
